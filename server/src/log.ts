import { pino, type Logger } from "pino";

export type { Logger };

/** Structured logs on stdout; credentials are redacted wherever they appear as fields. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ["secret", "password", "token", "*.secret", "*.password", "*.token", "auth.secret", "auth.password"],
      censor: "[redacted]",
    },
  });
}

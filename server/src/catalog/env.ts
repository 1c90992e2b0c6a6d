import { ENV_NAME_PATTERN, ENV_VALUE_PATTERN, SECRET_REFERENCE } from "./app.ts";
import type { ComposeService } from "./format.ts";

/** Names that suggest a credential; a literal value there is almost always a shared default password. */
const CREDENTIAL_NAME = /PASS(WORD|WD)?$|PASSWORD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY/i;

export interface EnvIssue {
  /** Path below the environment object ("NAME" or an array index). */
  field: string;
  message: string;
  severity: "error" | "warning";
}

/** Compose accepts `{NAME: value}` or `["NAME=value"]`; both become a plain string map. */
export function composeEnvironment(environment: ComposeService["environment"]): { env: [string, string][]; issues: EnvIssue[] } {
  if (environment === undefined) return { env: [], issues: [] };
  if (!Array.isArray(environment)) {
    return { env: Object.entries(environment).map(([name, value]) => [name, String(value)]), issues: [] };
  }
  const env: [string, string][] = [];
  const issues: EnvIssue[] = [];
  environment.forEach((entry, index) => {
    const equals = entry.indexOf("=");
    if (equals <= 0) issues.push({ field: String(index), message: "Expected NAME=value", severity: "error" });
    else env.push([entry.slice(0, equals), entry.slice(equals + 1)]);
  });
  return { env, issues };
}

/** Checks one environment entry against Proxmox's rules and the app's declared secrets. */
export function checkEnvEntry(name: string, value: string, declaredSecrets: ReadonlySet<string>): EnvIssue[] {
  const issues: EnvIssue[] = [];
  if (!ENV_NAME_PATTERN.test(name)) {
    issues.push({ field: name, message: "An environment name may only hold letters, digits and underscores", severity: "error" });
  }
  if (!ENV_VALUE_PATTERN.test(value)) {
    issues.push({ field: name, message: "An environment value may not hold control characters", severity: "error" });
  }
  const referenced = [...value.matchAll(SECRET_REFERENCE)].map((match) => match[1] ?? "");
  for (const secret of referenced) {
    if (!declaredSecrets.has(secret)) {
      issues.push({ field: name, message: `References the undeclared secret "${clip(secret)}"; declare it under x-proximity.secrets`, severity: "error" });
    }
  }
  if (referenced.length === 0 && value !== "" && CREDENTIAL_NAME.test(name)) {
    issues.push({ field: name, message: "Looks like a hard-coded credential; use ${secret:NAME} so each deployment gets its own", severity: "warning" });
  }
  return issues;
}

function clip(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

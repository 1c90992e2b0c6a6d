/**
 * An error that becomes a PVE-shaped HTTP response. `message` has no trailing newline; the wire
 * layer adds the "\n" PVE puts after every die() text and uses the first line as reason phrase.
 */
export class PveError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
    /** 401s and proxy failures carry the text only in the status line. */
    readonly emptyBody = false,
  ) {
    super(message);
    this.name = "PveError";
  }
}

/** 400 "Parameter verification failed." with per-parameter reasons (PVE raise_param_exc). */
export function paramError(errors: Record<string, string>): PveError {
  return new PveError(400, "Parameter verification failed.", errors);
}

/** 500 for a plain die() inside a PVE handler. */
export function dieError(message: string): PveError {
  return new PveError(500, message);
}

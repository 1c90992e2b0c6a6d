/** How an operation ended, as the user will read it. */
export interface OperationOutcome {
  state: "succeeded" | "failed";
  message: string;
  /** Proxmox's own words on failure. */
  error: string;
}

export type ProgressReporter = (progress: number, message: string) => Promise<void>;

import type { Role } from "../../../shared/src/protocol.ts";

/** Who asked: recorded on every operation and audit entry. */
export interface Actor {
  id: string;
  name: string;
  role: Role;
}

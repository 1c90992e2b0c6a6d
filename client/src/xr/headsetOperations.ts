import { operationLabel, type GuestOperationId } from "../model/guestOperations.ts";

/**
 * What a management button does in the headset, where the desktop's sheets cannot be seen. "Back up now" needs no
 * answers (the server picks the backup storage, as the desktop form does when none is chosen) and "Delete" only its
 * confirmation (asked in the world, the name typed on its keyboard), so both run; the others ask for choices a sheet
 * holds, so the panel says where to find it.
 */
export type HeadsetOperation = { kind: "send"; command: "guest.backup" | "guest.delete" } | { kind: "notice"; text: string };

export function headsetOperation(operation: GuestOperationId): HeadsetOperation {
  if (operation === "backup") return { kind: "send", command: "guest.backup" };
  if (operation === "delete") return { kind: "send", command: "guest.delete" };
  return {
    kind: "notice",
    text: `${operationLabel(operation)} opens a form on the desktop screen: take the headset off (Exit VR on the wrist menu) to use it.`,
  };
}

import { operationLabel, type GuestOperationId } from "../model/guestOperations.ts";

/** What the panel says in the headset when a management operation is pressed: its form is a desktop sheet. */
export function desktopOnlyNotice(operation: GuestOperationId): string {
  return `${operationLabel(operation)} opens a form on the desktop screen: take the headset off (Exit VR on the wrist menu) to use it.`;
}

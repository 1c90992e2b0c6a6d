import type { GuestOperationId, OperationContext } from "../model/guestOperations.ts";
import { listActionReason } from "../model/guestOperations.ts";
import { adoptForm, backupsForm, cloneForm, migrateForm, resizeForm, snapshotsForm, type FormLists, type HeadsetForm } from "./headsetForms.ts";

/** The management operations that need choices: the headset asks them on a form (`headsetForms.ts`). */
export type FormOperationId = Exclude<GuestOperationId, "backup" | "delete">;

/**
 * What a management button does in the headset, where the desktop's sheets cannot be seen. "Back up now" needs no
 * answers (the server picks the backup storage, as the desktop form does when none is chosen) and "Delete" only its
 * confirmation (asked in the world, the name typed on its keyboard), so both run at once; the others open a form of
 * buttons, some after loading a list from the server.
 */
export type HeadsetOperation =
  | { kind: "send"; command: "guest.backup" | "guest.delete" }
  | { kind: "form"; operation: FormOperationId; needs: keyof FormLists | null };

const NEEDS: Record<FormOperationId, keyof FormLists | null> = { clone: null, migrate: null, resize: null, adopt: "apps", snapshots: "snapshots", backups: "backups" };

export function headsetOperation(operation: GuestOperationId): HeadsetOperation {
  if (operation === "backup") return { kind: "send", command: "guest.backup" };
  if (operation === "delete") return { kind: "send", command: "guest.delete" };
  return { kind: "form", operation, needs: NEEDS[operation] };
}

/** The form for `operation`, from the lists it needs (an absent list is shown as loading by the caller). */
export function headsetForm(operation: FormOperationId, ctx: OperationContext, lists: FormLists, nowMs: number): HeadsetForm {
  switch (operation) {
    case "clone":
      return cloneForm(ctx);
    case "migrate":
      return migrateForm(ctx);
    case "resize":
      return resizeForm(ctx);
    case "adopt":
      return adoptForm(ctx, lists.apps ?? []);
    case "snapshots":
      return snapshotsForm(ctx, lists.snapshots ?? [], listActionReason("guest.snapshot", ctx), nowMs);
    case "backups":
      return backupsForm(ctx, lists.backups ?? []);
  }
}

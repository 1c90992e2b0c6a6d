/**
 * One confirmation, as the command runner and the admin sheets ask it: the same request drives the desktop dialog
 * and the headset's in-world panel, so the words a user reads never differ between the two.
 */
export interface ConfirmRequest {
  title: string;
  /** What will happen, from the shared command definition (`confirmationFor`) or the sheet that asks. */
  message: string;
  confirmLabel: string;
  /** Accepting requires typing exactly this (a guest's name, before deleting it). */
  typeToConfirm?: string;
}

/** What a confirmation shows, on the desktop and in the headset alike (both can type a name). */
export interface ConfirmCopy {
  title: string;
  message: string;
  confirmLabel: string;
  /** The label of the field the name is typed into, or null when nothing needs typing. */
  typedPrompt: string | null;
}

export function confirmCopy(request: ConfirmRequest): ConfirmCopy {
  const typed = request.typeToConfirm;
  return {
    title: request.title,
    message: request.message,
    confirmLabel: request.confirmLabel,
    typedPrompt: typed === undefined ? null : `Type ${typed} to confirm`,
  };
}

/** Something that can ask a confirmation in place of the desktop dialog (the headset's in-world panel). */
export interface ConfirmPresenter {
  ask(request: ConfirmRequest): Promise<boolean>;
  /** Closes an open question as declined. */
  cancel(): void;
}

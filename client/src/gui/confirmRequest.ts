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

export type ConfirmSurface = "desktop" | "headset";

/** What a confirmation shows on one surface. */
export interface ConfirmCopy {
  title: string;
  message: string;
  /** The accept button's label, or null where this surface cannot accept (no way to type the name). */
  confirmLabel: string | null;
  /** The label of the field the name is typed into, or null when nothing needs typing. */
  typedPrompt: string | null;
  /** Why this surface cannot accept it, and where it can be accepted; null when it can. */
  elsewhere: string | null;
}

/**
 * The words of a confirmation on a surface. A headset has no keyboard for typing a name, so a confirmation that
 * needs one is shown there with its reason and only a way back: it must be accepted on the desktop.
 */
export function confirmCopy(request: ConfirmRequest, surface: ConfirmSurface): ConfirmCopy {
  const typed = request.typeToConfirm;
  const base = { title: request.title, message: request.message };
  if (typed === undefined) return { ...base, confirmLabel: request.confirmLabel, typedPrompt: null, elsewhere: null };
  if (surface === "desktop") return { ...base, confirmLabel: request.confirmLabel, typedPrompt: `Type ${typed} to confirm`, elsewhere: null };
  return {
    ...base,
    confirmLabel: null,
    typedPrompt: null,
    elsewhere: `${request.confirmLabel} needs the name typed in, which the headset cannot do. Take the headset off and confirm it on the desktop.`,
  };
}

/** Something that can ask a confirmation in place of the desktop dialog (the headset's in-world panel). */
export interface ConfirmPresenter {
  ask(request: ConfirmRequest): Promise<boolean>;
  /** Closes an open question as declined. */
  cancel(): void;
}

/**
 * Typing a guest's name on the headset's keyboard, apart from how the keys look. Guest names are DNS names
 * (letters of either case, digits, '-' and '.'), so those are all the keys there are, with shift and backspace.
 */

/** Keys by row, top to bottom; "shift" and "backspace" are the two that type nothing themselves. */
export const NAME_KEY_ROWS: readonly (readonly string[])[] = [
  ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "backspace"],
  ["q", "w", "e", "r", "t", "y", "u", "i", "o", "p", "-"],
  ["a", "s", "d", "f", "g", "h", "j", "k", "l", "."],
  ["shift", "z", "x", "c", "v", "b", "n", "m"],
];

export interface Typing {
  readonly text: string;
  /** The next letter comes out in capitals. */
  readonly shift: boolean;
}

export const NOTHING_TYPED: Typing = { text: "", shift: false };

/**
 * One key pressed. Shift capitalises only the next character, as a phone's keyboard does: names are mostly lower
 * case, and a shift that stayed on would capitalise the rest of the name without the user noticing. Pressing shift
 * again takes it back.
 */
export function pressKey(typing: Typing, key: string): Typing {
  if (key === "shift") return { ...typing, shift: !typing.shift };
  if (key === "backspace") return { ...typing, text: typing.text.slice(0, -1) };
  return { text: typing.text + (typing.shift ? key.toUpperCase() : key), shift: false };
}

/** The key that types `char`: a capital is typed on its lower-case key, with shift pressed first. */
export function keyFor(char: string): string {
  return char.length === 1 ? char.toLowerCase() : char;
}

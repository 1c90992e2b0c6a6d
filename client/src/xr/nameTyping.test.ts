import { describe, expect, it } from "vitest";
import { keyFor, NAME_KEY_ROWS, NOTHING_TYPED, pressKey, type Typing } from "./nameTyping.ts";

const press = (...keys: string[]): Typing => keys.reduce(pressKey, NOTHING_TYPED);

describe("pressKey", () => {
  it("types characters in order", () => {
    expect(press("w", "e", "b", "-", "0", "1", ".", "l", "a", "n")).toEqual({ text: "web-01.lan", shift: false });
  });

  it("capitalises only the character after shift, and a second shift takes it back", () => {
    expect(press("shift", "d", "c")).toEqual({ text: "Dc", shift: false });
    expect(press("shift", "shift", "d")).toEqual({ text: "d", shift: false });
  });

  it("rubs out the last character, leaves an empty field empty, and keeps a pending shift", () => {
    expect(press("a", "b", "backspace")).toEqual({ text: "a", shift: false });
    expect(press("backspace")).toEqual(NOTHING_TYPED);
    expect(press("a", "shift", "backspace", "b")).toEqual({ text: "B", shift: false });
  });
});

describe("the name keyboard", () => {
  it("has a key for every character of a guest name, each once", () => {
    const keys = NAME_KEY_ROWS.flat();
    expect(new Set(keys).size).toBe(keys.length);
    for (const char of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") expect(keys).toContain(keyFor(char));
    expect(keys).toEqual(expect.arrayContaining(["shift", "backspace"]));
  });

  it("types a capital on its letter's key after shift", () => {
    expect(keyFor("Q")).toBe("q");
    expect(press("shift", keyFor("Q")).text).toBe("Q");
    expect(keyFor("backspace")).toBe("backspace");
  });
});

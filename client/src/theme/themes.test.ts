import { describe, expect, it } from "vitest";
import { commandDeck, hexToRgb, type Theme } from "../theme.ts";
import { contrastRatio } from "./contrast.ts";
import { THEMES, themeNamed } from "./themes.ts";
import { ThemeStore } from "./themeStore.ts";

const STATUS = ["ok", "busy", "error", "idle"] as const;

/** Every string leaf of a theme, with its path, so a missing or malformed token anywhere is caught. */
function colourTokens(theme: Theme): Array<[string, string]> {
  return [...Object.entries(theme.colors), ["lighting.fill", theme.lighting.fill], ["lighting.fillGround", theme.lighting.fillGround]];
}

describe("themes", () => {
  it("offers at least three skins with distinct names and labels, the command deck first", () => {
    expect(THEMES.length).toBeGreaterThanOrEqual(3);
    expect(THEMES[0]).toBe(commandDeck);
    expect(new Set(THEMES.map((t) => t.name)).size).toBe(THEMES.length);
    expect(new Set(THEMES.map((t) => t.label)).size).toBe(THEMES.length);
    expect(themeNamed("daylight")?.colorScheme).toBe("light");
    expect(themeNamed("no-such-theme")).toBeUndefined();
  });

  it.each(THEMES.map((t) => [t.name, t] as const))("%s defines every token the command deck does, as #rrggbb", (_, theme) => {
    const shape = (t: Theme) => Object.entries(t).map(([k, v]) => [k, typeof v === "object" ? Object.keys(v).sort() : typeof v]);
    expect(shape(theme)).toEqual(shape(commandDeck));
    for (const [token, value] of colourTokens(theme)) expect(() => hexToRgb(value), token).not.toThrow();
  });

  it.each(THEMES.map((t) => [t.name, t] as const))("%s keeps text readable (WCAG AA) on its backdrop and on panel glass", (_, theme) => {
    for (const backdrop of [theme.colors.bg, theme.colors.glass, theme.colors.surface]) {
      expect(contrastRatio(theme.colors.text, backdrop)).toBeGreaterThanOrEqual(7);
      expect(contrastRatio(theme.colors.textMuted, backdrop)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it.each(THEMES.map((t) => [t.name, t] as const))("%s status colours stand out from the backdrop and from each other", (_, theme) => {
    for (const state of STATUS) expect(contrastRatio(theme.colors[state], theme.colors.bg), state).toBeGreaterThanOrEqual(3);
    const hues = STATUS.map((s) => hexToRgb(theme.colors[s]));
    for (let i = 0; i < hues.length; i++) {
      for (let j = i + 1; j < hues.length; j++) {
        const distance = Math.hypot(...hues[i]!.map((c, k) => c - hues[j]![k]!));
        expect(distance, `${STATUS[i]} vs ${STATUS[j]}`).toBeGreaterThan(0.2);
      }
    }
    // The primary button draws bg-coloured text on the accent.
    expect(contrastRatio(theme.colors.bg, theme.colors.accent)).toBeGreaterThanOrEqual(4.5);
  });
});

describe("ThemeStore", () => {
  const memory = () => {
    const map = new Map<string, string>();
    return { map, storage: { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k) } };
  };

  it("remembers each user's choice apart, and the device's last choice for whoever is not yet signed in", () => {
    const { storage } = memory();
    const store = new ThemeStore(storage);
    expect(store.load("ada")).toBe(commandDeck);
    store.save("ada", themeNamed("retro-terminal")!);
    store.save("grace", themeNamed("daylight")!);
    expect(store.load("ada").name).toBe("retro-terminal");
    expect(store.load("grace").name).toBe("daylight");
    expect(store.load(null).name).toBe("daylight");
    expect(store.load("linus").name).toBe("daylight");
  });

  it("drops a stored name that is not a theme and falls back to the default", () => {
    const { map, storage } = memory();
    map.set("proximity.theme.user.ada", "vaporwave");
    const store = new ThemeStore(storage);
    expect(store.load("ada")).toBe(commandDeck);
    expect(map.has("proximity.theme.user.ada")).toBe(false);
  });
});

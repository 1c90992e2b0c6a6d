/**
 * The one theme object: every colour, material constant and font the client uses comes from here, so a
 * different skin (light, retro terminal) is a second object with the same tokens. Colours are sRGB hex.
 */
export interface Theme {
  /** Stable id, stored per user. */
  readonly name: string;
  /** What the HUD's theme switch shows. */
  readonly label: string;
  /** The browser's own widgets (scrollbars, form controls) follow this. */
  readonly colorScheme: "dark" | "light";
  readonly colors: {
    /** Sky, fog and HUD backdrop. */
    readonly bg: string;
    /** Floor, walls, panels: the darkest and the lightest surface tone. */
    readonly surface: string;
    readonly surfaceRaised: string;
    /** Rack and chassis steel. */
    readonly metal: string;
    /** Drive-caddy plastic for guest modules. */
    readonly module: string;
    readonly accent: string;
    readonly ok: string;
    readonly idle: string;
    readonly busy: string;
    readonly error: string;
    readonly offline: string;
    readonly text: string;
    readonly textMuted: string;
    /** Raised-floor tile seams. */
    readonly grid: string;
    /** Ceiling light panels. */
    readonly lamp: string;
    /** VM (qemu) and container (lxc) caddy tints, so the two kinds read apart up close. */
    readonly qemu: string;
    readonly lxc: string;
    /** Tint of in-world glass (guest panel, labels, row signs); drawn translucent over the hall. */
    readonly glass: string;
  };
  readonly materials: {
    readonly metalRoughness: number;
    readonly metalMetallic: number;
    readonly floorRoughness: number;
    readonly floorMetallic: number;
    /** Brightness multiplier of a lit LED (drives the glow). */
    readonly ledIntensity: number;
    /** A stopped guest's LED is the idle colour scaled down to this. */
    readonly ledDimFactor: number;
    readonly glowIntensity: number;
  };
  readonly rhythm: {
    /** Operation in progress: breathing amber. */
    readonly pulseHz: number;
    /** Failure: hard red blink. */
    readonly blinkHz: number;
    /** Unknown status: slow blink, so it is neither steady nor alarming. */
    readonly unknownHz: number;
  };
  readonly fonts: {
    readonly sans: string;
    readonly mono: string;
  };
  readonly fog: {
    /** Exponential-squared density: far aisles fade, near racks stay crisp. */
    readonly density: number;
  };
  readonly lighting: {
    /** Tone-mapping exposure and contrast of the whole frame. */
    readonly exposure: number;
    readonly contrast: number;
    /** Hemispheric fill: sky colour, ground bounce and strength. */
    readonly fill: string;
    readonly fillGround: string;
    readonly fillIntensity: number;
    /** Strength of the generated environment in PBR reflections. */
    readonly environmentIntensity: number;
  };
}

export const commandDeck: Theme = {
  name: "command-deck",
  label: "Command deck",
  colorScheme: "dark",
  colors: {
    bg: "#0b0f17",
    surface: "#141a24",
    surfaceRaised: "#1c2431",
    metal: "#3a4250",
    module: "#232a35",
    accent: "#3ad6ff",
    ok: "#3ddc84",
    idle: "#5b6675",
    busy: "#ffb020",
    error: "#ff4d5e",
    offline: "#6b7280",
    text: "#e6edf5",
    textMuted: "#8b97a8",
    grid: "#26303f",
    lamp: "#dfe9ff",
    qemu: "#2a3442",
    lxc: "#2f3338",
    glass: "#0d121b",
  },
  materials: {
    metalRoughness: 0.45,
    metalMetallic: 0.8,
    floorRoughness: 0.32,
    floorMetallic: 0.15,
    ledIntensity: 1.0,
    ledDimFactor: 0.35,
    glowIntensity: 1.3,
  },
  rhythm: { pulseHz: 1, blinkHz: 2, unknownHz: 0.5 },
  fonts: { sans: "Inter", mono: "JetBrains Mono" },
  fog: { density: 0.045 },
  lighting: { exposure: 1.6, contrast: 1.15, fill: "#9eb8f2", fillGround: "#0f121a", fillIntensity: 1.3, environmentIntensity: 1.4 },
};

/** The default theme: a first visit, and the dev preview. The signed-in user's choice is made at boot (theme/). */
export const theme: Theme = commandDeck;

/** sRGB hex (#rrggbb) to 0..1 components. */
export function hexToRgb(hex: string): [number, number, number] {
  const match = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!match?.[1]) throw new Error(`Theme colour must be #rrggbb, got "${hex}"`);
  const value = parseInt(match[1], 16);
  return [((value >> 16) & 0xff) / 255, ((value >> 8) & 0xff) / 255, (value & 0xff) / 255];
}

/** Publishes the theme as CSS custom properties so the DOM HUD shares the scene's palette. */
export function applyThemeToDocument(t: Theme, root: HTMLElement): void {
  for (const [token, value] of Object.entries(t.colors)) {
    root.style.setProperty(`--${token.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, value);
  }
  root.style.colorScheme = t.colorScheme;
  root.dataset.theme = t.name;
  root.style.setProperty("--font-sans", `"${t.fonts.sans}", system-ui, sans-serif`);
  root.style.setProperty("--font-mono", `"${t.fonts.mono}", ui-monospace, monospace`);
}

/** A theme colour as CSS rgba() with the given opacity (in-world glass over the hall). */
export function withAlpha(hex: string, alpha: number): string {
  const [r, g, b] = hexToRgb(hex).map((c) => Math.round(c * 255));
  return `rgba(${r},${g},${b},${alpha})`;
}

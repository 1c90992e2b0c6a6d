import { commandDeck, type Theme } from "../theme.ts";

/** A daylit hall: pale floor and satin-grey racks, dark ink for text, deeper status hues that hold up on white. */
export const daylight: Theme = {
  name: "daylight",
  label: "Daylight",
  colorScheme: "light",
  colors: {
    bg: "#e8edf3",
    surface: "#d3dae3",
    surfaceRaised: "#c2cbd6",
    metal: "#8d96a2",
    module: "#aeb7c2",
    accent: "#006fa8",
    ok: "#14864a",
    idle: "#69778a",
    busy: "#b36200",
    error: "#c8202f",
    offline: "#79818c",
    text: "#141c27",
    textMuted: "#4a5668",
    grid: "#b3bcc8",
    lamp: "#ffffff",
    qemu: "#a4afbc",
    lxc: "#b0b4b9",
    glass: "#f4f7fa",
  },
  materials: {
    metalRoughness: 0.5,
    metalMetallic: 0.55,
    floorRoughness: 0.45,
    floorMetallic: 0.05,
    ledIntensity: 1.4,
    ledDimFactor: 0.45,
    glowIntensity: 0.8,
  },
  rhythm: { pulseHz: 1, blinkHz: 2, unknownHz: 0.5 },
  fonts: { sans: "Inter", mono: "JetBrains Mono" },
  fog: { density: 0.02 },
  lighting: { exposure: 1.05, contrast: 1.05, fill: "#ffffff", fillGround: "#8d96a2", fillIntensity: 1.1, environmentIntensity: 1.0 },
};

/** A green-phosphor terminal: black glass, everything drawn in mono, status still told apart by hue and rhythm. */
export const retroTerminal: Theme = {
  name: "retro-terminal",
  label: "Retro terminal",
  colorScheme: "dark",
  colors: {
    bg: "#020a05",
    surface: "#06140b",
    surfaceRaised: "#0b1f12",
    metal: "#1e2e23",
    module: "#0f1e15",
    accent: "#66ffcc",
    ok: "#33ff66",
    idle: "#4d7a5a",
    busy: "#ffc21a",
    error: "#ff4040",
    offline: "#55655a",
    text: "#b8ffca",
    textMuted: "#6cc486",
    grid: "#0f3a1e",
    lamp: "#a6ffbf",
    qemu: "#11241a",
    lxc: "#16261c",
    glass: "#020d06",
  },
  materials: {
    metalRoughness: 0.6,
    metalMetallic: 0.6,
    floorRoughness: 0.5,
    floorMetallic: 0.1,
    ledIntensity: 1.2,
    ledDimFactor: 0.3,
    glowIntensity: 1.6,
  },
  rhythm: { pulseHz: 1, blinkHz: 2, unknownHz: 0.5 },
  fonts: { sans: "JetBrains Mono", mono: "JetBrains Mono" },
  fog: { density: 0.055 },
  lighting: { exposure: 1.4, contrast: 1.2, fill: "#7dffa6", fillGround: "#031008", fillIntensity: 0.9, environmentIntensity: 1.1 },
};

/** Every skin the HUD offers, default first. */
export const THEMES: readonly Theme[] = [commandDeck, daylight, retroTerminal];

export function themeNamed(name: string): Theme | undefined {
  return THEMES.find((t) => t.name === name);
}

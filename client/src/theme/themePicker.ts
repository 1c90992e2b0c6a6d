import { h } from "../gui/dom.ts";
import type { Theme } from "../theme.ts";

/** The HUD's theme switch: a labelled select listing every skin, the active one chosen. */
export function createThemePicker(themes: readonly Theme[], active: Theme, onPick: (theme: Theme) => void): HTMLLabelElement {
  const select = h(
    "select",
    { class: "tool theme-picker__select", "aria-label": "Theme", "data-testid": "theme-picker" },
    ...themes.map((t) => h("option", { value: t.name, selected: t.name === active.name }, t.label)),
  );
  select.addEventListener("change", () => {
    const theme = themes.find((t) => t.name === select.value);
    if (theme) onPick(theme);
  });
  return h("label", { class: "theme-picker", title: "Theme" }, h("span", { class: "theme-picker__icon", "aria-hidden": "true" }, "◑"), select);
}

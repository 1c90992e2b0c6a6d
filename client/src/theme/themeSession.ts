import "./viewControls.css";
import { applyThemeToDocument, type Theme } from "../theme.ts";
import { createThemePicker } from "./themePicker.ts";
import { THEMES } from "./themes.ts";
import { ThemeStore } from "./themeStore.ts";

/**
 * The theme for this page load: the signed-in user's choice (remembered per user name in localStorage). The HUD
 * takes a new theme at once through CSS variables; the 3D hall is built from the theme, so switching reloads the
 * page, which rebuilds the hall in the new skin and rejoins the room (the session is kept).
 */
export class ThemeSession {
  readonly theme: Theme;
  private readonly store: ThemeStore;

  constructor(
    storage: Storage,
    private user: string | null,
    private readonly reload: () => void,
  ) {
    this.store = new ThemeStore(storage);
    this.theme = this.store.load(user);
    applyThemeToDocument(this.theme, document.documentElement);
  }

  /** The HUD's theme switch. */
  picker(): HTMLElement {
    return createThemePicker(THEMES, this.theme, (theme) => {
      this.store.save(this.user, theme);
      applyThemeToDocument(theme, document.documentElement);
      this.reload();
    });
  }

  /** Someone signed in: if they chose another theme before, show it. */
  signedIn(user: string): void {
    this.user = user;
    const chosen = this.store.load(user);
    if (chosen.name === this.theme.name) return;
    // Also the device's choice from now on, so a page that boots signed out cannot flip back and forth.
    this.store.save(user, chosen);
    this.reload();
  }
}

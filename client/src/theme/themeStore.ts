import { commandDeck, type Theme } from "../theme.ts";
import { themeNamed } from "./themes.ts";

const DEVICE_KEY = "proximity.theme";
const userKey = (user: string) => `proximity.theme.user.${user}`;

/**
 * Remembers the chosen theme per signed-in user (by user name, in this browser's localStorage), and the last choice
 * on this device for the sign-in screen before anyone is known.
 */
export class ThemeStore {
  constructor(private readonly storage: Pick<Storage, "getItem" | "setItem" | "removeItem">) {}

  /** The user's theme; the device's last choice when no one is signed in or the user never chose; else the default. */
  load(user: string | null): Theme {
    const fromUser = user === null ? null : this.read(userKey(user));
    return fromUser ?? this.read(DEVICE_KEY) ?? commandDeck;
  }

  save(user: string | null, theme: Theme): void {
    this.storage.setItem(DEVICE_KEY, theme.name);
    if (user !== null) this.storage.setItem(userKey(user), theme.name);
  }

  /** A stored name that is no longer a theme (renamed, hand-edited) is dropped, so the default shows from now on. */
  private read(key: string): Theme | null {
    const name = this.storage.getItem(key);
    if (name === null) return null;
    const theme = themeNamed(name);
    if (!theme) this.storage.removeItem(key);
    return theme ?? null;
  }
}

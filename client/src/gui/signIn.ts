import { AuthError, type AuthClient, type AuthStatus, type SessionInfo } from "../net/auth.ts";
import { h } from "./dom.ts";

/**
 * Sign-in card shown before the hall when the server needs a session: user name and password, a one-click demo
 * entrance when the server runs the simulated demo, or first-admin setup when opened with the setup link.
 */
export function askForSession(parent: HTMLElement, auth: AuthClient, status: AuthStatus, setupToken: string | null, reason?: string): Promise<SessionInfo> {
  return new Promise((resolve) => {
    const setup = status.setupRequired && setupToken !== null;
    const error = h("div", { class: "error", role: "alert" }, reason ?? "");
    const username = h("input", { name: "username", autocomplete: "username", required: true, "data-testid": "signin-user" });
    const password = h("input", { name: "password", type: "password", autocomplete: setup ? "new-password" : "current-password", required: true, "data-testid": "signin-password" });
    const submit = h("button", { class: "btn btn--primary", type: "submit" }, setup ? "Create admin and enter" : "Sign in");
    const demo = status.demo ? h("button", { class: "btn", type: "button", "data-testid": "signin-demo" }, "Enter the demo hall") : null;
    const form = h(
      "form",
      { class: "card" },
      h("h1", {}, setup ? "Create the first admin" : "Sign in to Proximity"),
      status.setupRequired && !setup ? h("p", { class: "muted" }, "No account exists yet: open the setup link the server printed at start.") : null,
      h("label", {}, "User name", username),
      h("label", {}, "Password", password),
      error,
      submit,
      demo,
    );
    const root = h("div", { class: "signin" }, form);
    parent.append(root);
    username.focus();

    const run = async (attempt: () => Promise<SessionInfo>) => {
      submit.disabled = true;
      if (demo) demo.disabled = true;
      error.textContent = "";
      try {
        const session = await attempt();
        root.remove();
        resolve(session);
      } catch (e) {
        error.textContent = e instanceof AuthError ? e.message : "Sign-in failed.";
        submit.disabled = false;
        if (demo) demo.disabled = false;
      }
    };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void run(() => (setup ? auth.setup(setupToken!, username.value, password.value) : auth.login(username.value, password.value)));
    });
    demo?.addEventListener("click", () => void run(() => auth.demo()));
  });
}

import type { Role } from "../../../shared/src/protocol.ts";

export interface AuthStatus {
  /** The server signs visitors in as a demo admin (simulated estate only). */
  demo: boolean;
  /** No account exists yet: the first admin is created with the one-time setup token. */
  setupRequired: boolean;
}

export interface SessionInfo {
  token: string;
  expiresAt: string;
  user: { id: string; name: string; role: Role; demo: boolean };
}

/** A refusal from the sign-in API, with the server's human message. */
export class AuthError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "AuthError";
  }
}

type FetchFn = typeof fetch;

async function postJson(fetchFn: FetchFn, url: string, body: unknown): Promise<SessionInfo> {
  let response: Response;
  try {
    response = await fetchFn(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  } catch {
    throw new AuthError("The server cannot be reached.", 0);
  }
  const payload = (await response.json().catch(() => null)) as { message?: unknown } | SessionInfo | null;
  if (!response.ok) {
    const message = payload && "message" in payload && typeof payload.message === "string" ? payload.message : `Sign-in failed (HTTP ${response.status}).`;
    throw new AuthError(message, response.status);
  }
  if (!payload || !("token" in payload) || typeof payload.token !== "string") throw new AuthError("The server sent no session.", response.status);
  return payload;
}

/** Sign-in against the server's /api/auth routes; the session token then opens the world room. */
export class AuthClient {
  constructor(
    private readonly httpUrl: string,
    private readonly fetchFn: FetchFn = (...args) => fetch(...args),
  ) {}

  async status(): Promise<AuthStatus> {
    const response = await this.fetchFn(`${this.httpUrl}/api/auth/status`).catch(() => {
      throw new AuthError("The server cannot be reached.", 0);
    });
    if (!response.ok) throw new AuthError(`The server answered HTTP ${response.status} for its sign-in status.`, response.status);
    const body = (await response.json()) as Partial<AuthStatus>;
    return { demo: body.demo === true, setupRequired: body.setupRequired === true };
  }

  login(username: string, password: string): Promise<SessionInfo> {
    return postJson(this.fetchFn, `${this.httpUrl}/api/auth/login`, { username, password });
  }

  demo(): Promise<SessionInfo> {
    return postJson(this.fetchFn, `${this.httpUrl}/api/auth/demo`, {});
  }

  setup(token: string, username: string, password: string): Promise<SessionInfo> {
    return postJson(this.fetchFn, `${this.httpUrl}/api/auth/setup`, { token, username, password });
  }

  /** Ends the session on the server; a failure (already expired, server gone) leaves nothing to undo. */
  async logout(token: string): Promise<void> {
    await this.fetchFn(`${this.httpUrl}/api/auth/logout`, { method: "POST", headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
  }
}

const STORAGE_KEY = "proximity.session";

/** Keeps the session across reloads; an expired or unreadable one is dropped. */
export class SessionStore {
  constructor(
    private readonly storage: Pick<Storage, "getItem" | "setItem" | "removeItem">,
    private readonly now: () => number,
  ) {}

  load(): SessionInfo | null {
    const raw = this.storage.getItem(STORAGE_KEY);
    if (!raw) return null;
    try {
      const session = JSON.parse(raw) as SessionInfo;
      if (typeof session.token !== "string" || Date.parse(session.expiresAt) <= this.now()) {
        this.clear();
        return null;
      }
      return session;
    } catch {
      this.clear();
      return null;
    }
  }

  save(session: SessionInfo): void {
    this.storage.setItem(STORAGE_KEY, JSON.stringify(session));
  }

  clear(): void {
    this.storage.removeItem(STORAGE_KEY);
  }
}

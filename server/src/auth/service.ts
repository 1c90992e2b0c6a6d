import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { Role } from "../../../shared/src/protocol.ts";
import { insertSession, findActiveSession, revokeSession } from "../db/sessions.ts";
import { deleteSetting, readSetting, settingOrInsert, writeSetting } from "../db/settings.ts";
import type { Sql } from "../db/sql.ts";
import { countUsers, findUserForLogin, insertUser, type UserRecord } from "../db/users.ts";
import type { Actor } from "../operations/actor.ts";
import { hashPassword, passwordProblem, verifyPassword } from "./passwords.ts";
import { signToken, verifyToken } from "./tokens.ts";

export const SESSION_TTL_MS = 12 * 60 * 60_000;
const SETUP_TTL_MS = 60 * 60_000;
export const DEMO_ADMIN = "demo-admin";
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;

export interface Session {
  token: string;
  expiresAt: Date;
  user: { id: string; name: string; role: Role; demo: boolean };
}

export type SetupResult = { ok: true; session: Session } | { ok: false; status: 400 | 403 | 409; message: string };

/** Accounts, sign-in and sessions. Tokens are signed, short-lived and revocable (a row per session). */
export class AuthService {
  private constructor(
    private readonly sql: Sql,
    private readonly key: Buffer,
    private readonly now: () => Date,
  ) {}

  /** The signing key is generated once and kept in the database, so restarts keep sessions valid. */
  static async open(sql: Sql, now: () => Date): Promise<AuthService> {
    const key = await settingOrInsert(sql, "session_key", randomBytes(32).toString("base64url"));
    return new AuthService(sql, Buffer.from(key, "base64url"), now);
  }

  async login(username: string, password: string): Promise<Session | null> {
    const user = await findUserForLogin(this.sql, username);
    // Hash even for an unknown user so timing does not reveal which names exist.
    const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !valid || user.disabled) return null;
    return this.#issue(user);
  }

  /** Who a token belongs to now, or null (bad signature, expired, revoked, user disabled). */
  async authenticate(token: string | undefined): Promise<(Actor & { sessionId: string }) | null> {
    if (!token) return null;
    const claims = verifyToken(token, this.key, this.now().getTime());
    if (!claims) return null;
    return this.sessionActor(claims.sid);
  }

  /** The session's user as they are now (role changes apply at once), or null once it ended. */
  async sessionActor(sessionId: string): Promise<(Actor & { sessionId: string }) | null> {
    const session = await findActiveSession(this.sql, sessionId, this.now());
    return session ? { id: session.userId, name: session.username, role: session.role, sessionId: session.sessionId } : null;
  }

  async logout(sessionId: string): Promise<void> {
    await revokeSession(this.sql, sessionId, this.now());
  }

  async createUser(username: string, password: string, role: Role): Promise<{ ok: true; user: UserRecord } | { ok: false; message: string }> {
    if (!USERNAME.test(username)) return { ok: false, message: "A user name is 2–32 lower-case letters, digits, '.', '_' or '-'." };
    const problem = passwordProblem(password);
    if (problem) return { ok: false, message: problem };
    const user = await insertUser(this.sql, { id: randomUUID(), username, passwordHash: await hashPassword(password), role });
    return user ? { ok: true, user } : { ok: false, message: `The user name ${username} is taken.` };
  }

  /** Demo mode signs visitors in as this admin; it has a random password nobody knows. */
  async demoSession(): Promise<Session> {
    let user = await findUserForLogin(this.sql, DEMO_ADMIN);
    if (!user) {
      await this.createUser(DEMO_ADMIN, randomBytes(24).toString("base64url"), "admin");
      user = (await findUserForLogin(this.sql, DEMO_ADMIN))!;
    }
    return this.#issue(user);
  }

  /** First start without accounts: a one-time token to create the first admin (printed as a link). */
  async setupTokenIfNeeded(): Promise<string | null> {
    if ((await countUsers(this.sql)) > 0) return null;
    const token = randomBytes(24).toString("base64url");
    const expires = this.now().getTime() + SETUP_TTL_MS;
    await writeSetting(this.sql, "setup_token", `${digest(token)}:${expires}`);
    return token;
  }

  async completeSetup(token: string, username: string, password: string): Promise<SetupResult> {
    if ((await countUsers(this.sql)) > 0) return { ok: false, status: 409, message: "Proximity already has an admin; sign in instead." };
    const stored = await readSetting(this.sql, "setup_token");
    const [hash, expires] = stored?.split(":") ?? [];
    const expected = digest(token);
    const valid =
      hash !== undefined &&
      hash.length === expected.length &&
      Number(expires) > this.now().getTime() &&
      timingSafeEqual(Buffer.from(hash), Buffer.from(expected));
    if (!valid) return { ok: false, status: 403, message: "This setup link is invalid or expired; restart Proximity for a new one." };
    const created = await this.createUser(username, password, "admin");
    if (!created.ok) return { ok: false, status: 400, message: created.message };
    await deleteSetting(this.sql, "setup_token");
    return { ok: true, session: await this.#issue({ ...created.user }) };
  }

  async #issue(user: Pick<UserRecord, "id" | "username" | "role">): Promise<Session> {
    const now = this.now();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    const sid = randomUUID();
    await insertSession(this.sql, { id: sid, userId: user.id, createdAt: now, expiresAt });
    return {
      token: signToken({ sid, exp: expiresAt.getTime() }, this.key),
      expiresAt,
      user: { id: user.id, name: user.username, role: user.role, demo: user.username === DEMO_ADMIN },
    };
  }
}

const digest = (token: string) => createHash("sha256").update(token).digest("base64url");

// A real scrypt hash of a random password: verifying against it costs what a real check costs.
const DUMMY_HASH = await hashPassword(randomBytes(16).toString("hex"));

import type { HttpMethod } from "./errors.ts";
import { ProxmoxError } from "./errors.ts";
import { raceAbort } from "./sleep.ts";

export interface CallOptions {
  signal?: AbortSignal;
  /** Per HTTP exchange; defaults to the connection's timeout. */
  timeoutMs?: number;
}

export type AuthHeaders = Record<string, string>;

export interface Authenticator {
  /** Headers for one request; logs in or renews first when needed. */
  headers(method: HttpMethod, options: CallOptions): Promise<AuthHeaders>;
  /**
   * Called once after a 401 with the headers that were refused. True when fresh credentials are in
   * place and the request may be sent again; a 401 is sent before PVE runs the handler, so this holds
   * for writes too.
   */
  refresh(refused: AuthHeaders, options: CallOptions): Promise<boolean>;
}

// PVE's token id: user@realm!tokenname (pve-access-control $token_full_regex, simplified).
const TOKEN_ID = /^[^\s@!:=]+@[A-Za-z][A-Za-z0-9.\-_]*![A-Za-z][A-Za-z0-9.\-_]*$/;
const USER_ID = /^[^\s@!:=]+@[A-Za-z][A-Za-z0-9.\-_]*$/;
const HEADER_SAFE = /^[\x21-\x7E]+$/;

export function tokenAuthenticator(tokenId: string, secret: string): Authenticator {
  if (!TOKEN_ID.test(tokenId)) throw new TypeError("auth.tokenId must look like user@realm!tokenname");
  if (!HEADER_SAFE.test(secret)) throw new TypeError("auth.secret must be non-empty printable ASCII without spaces");
  const headers = { authorization: `PVEAPIToken=${tokenId}=${secret}` };
  return {
    headers: async () => headers,
    // A token cannot be renewed: a 401 means it is wrong, expired or deleted.
    refresh: async () => false,
  };
}

export interface Ticket {
  username: string;
  ticket: string;
  CSRFPreventionToken: string;
}

/** Posts credentials to /access/ticket (the password may be a still-valid ticket, which renews it). */
export type TicketLogin = (username: string, password: string, options: CallOptions) => Promise<Ticket>;

/** pve-apiclient and proxmoxer renew at one hour; tickets live two. */
export const TICKET_RENEW_AFTER_MS = 3_600_000;

// A ticket goes into a Cookie header raw, so it must not contain cookie delimiters.
const COOKIE_SAFE = /^[\x21-\x7E]+$/;

interface Session {
  ticket: string;
  csrf: string;
  obtainedAt: number;
}

export class TicketAuthenticator implements Authenticator {
  readonly #username: string;
  readonly #password: string;
  readonly #login: TicketLogin;
  readonly #now: () => number;
  #session: Session | undefined;
  #pending: Promise<void> | undefined;

  constructor(username: string, password: string, login: TicketLogin, now: () => number) {
    if (!USER_ID.test(username)) throw new TypeError("auth.username must look like user@realm");
    if (typeof password !== "string" || password === "") throw new TypeError("auth.password must be non-empty");
    this.#username = username;
    this.#password = password;
    this.#login = login;
    this.#now = now;
  }

  async headers(method: HttpMethod, options: CallOptions): Promise<AuthHeaders> {
    if (!this.#session) await this.#exclusive(() => this.#logIn(options), options);
    else if (this.#now() - this.#session.obtainedAt >= TICKET_RENEW_AFTER_MS) {
      await this.#exclusive(() => this.#renew(options), options);
    }
    const session = this.#session!;
    const headers: AuthHeaders = { cookie: `PVEAuthCookie=${session.ticket}` };
    if (method !== "GET") headers.csrfpreventiontoken = session.csrf;
    return headers;
  }

  async refresh(refused: AuthHeaders, options: CallOptions): Promise<boolean> {
    // Another request may have logged in again while this one was in flight.
    if (this.#session && refused.cookie !== `PVEAuthCookie=${this.#session.ticket}`) return true;
    await this.#exclusive(() => this.#logIn(options), options);
    return true;
  }

  /**
   * Concurrent callers share one login instead of each posting their own. The login runs without any
   * caller's signal, so one caller giving up does not fail the others; each still stops waiting on its own.
   */
  async #exclusive(work: () => Promise<void>, options: CallOptions): Promise<void> {
    if (!this.#pending) {
      this.#pending = work().finally(() => {
        this.#pending = undefined;
      });
      // Awaited below by at least this caller, but maybe not once it has aborted.
      this.#pending.catch(() => {});
    }
    await raceAbort(this.#pending, options.signal);
  }

  async #logIn(options: CallOptions): Promise<void> {
    this.#store(await this.#login(this.#username, this.#password, { timeoutMs: options.timeoutMs }));
  }

  async #renew(options: CallOptions): Promise<void> {
    const current = this.#session;
    if (!current || this.#now() - current.obtainedAt < TICKET_RENEW_AFTER_MS) return;
    try {
      this.#store(await this.#login(this.#username, current.ticket, { timeoutMs: options.timeoutMs }));
    } catch (error) {
      // The old ticket was refused (expired, key rotated): fall back to the password.
      if (!(error instanceof ProxmoxError) || error.kind !== "auth") throw error;
      await this.#logIn(options);
    }
  }

  #store(ticket: Ticket): void {
    if (!COOKIE_SAFE.test(ticket.ticket) || /[;,"\\]/.test(ticket.ticket) || !HEADER_SAFE.test(ticket.CSRFPreventionToken)) {
      throw new ProxmoxError({
        kind: "protocol",
        status: 200,
        method: "POST",
        path: "/access/ticket",
        detail: "the ticket or CSRF token contains characters that cannot be sent back",
      });
    }
    this.#session = { ticket: ticket.ticket, csrf: ticket.CSRFPreventionToken, obtainedAt: this.#now() };
  }
}

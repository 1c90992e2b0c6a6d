import { createHmac, timingSafeEqual } from "node:crypto";

export interface TokenClaims {
  /** Session id: the database row that can be revoked. */
  sid: string;
  /** Expiry, ms since epoch. */
  exp: number;
}

/** `<claims base64url>.<HMAC-SHA256 base64url>`: tamper-evident, checked before any lookup. */
export function signToken(claims: TokenClaims, key: Buffer): string {
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `${body}.${mac(body, key)}`;
}

export function verifyToken(token: string, key: Buffer, now: number): TokenClaims | null {
  if (typeof token !== "string" || token.length > 512) return null;
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined) return null;
  const expected = Buffer.from(mac(body, key));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Partial<TokenClaims>;
    if (typeof claims.sid !== "string" || typeof claims.exp !== "number" || claims.exp <= now) return null;
    return { sid: claims.sid, exp: claims.exp };
  } catch {
    return null;
  }
}

function mac(body: string, key: Buffer): string {
  return createHmac("sha256", key).update(body).digest("base64url");
}

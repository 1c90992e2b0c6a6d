const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** Bytes at or above this would bias the alphabet (256 is not a multiple of 62), so they are dropped. */
const UNBIASED_LIMIT = 256 - (256 % ALPHANUMERIC.length);
const MAX_ROUNDS = 64;

export class RandomSourceError extends Error {
  override name = "RandomSourceError";
}

/**
 * An alphanumeric secret: safe unquoted in environment values, URLs and connection strings,
 * and about 5.95 bits per character.
 */
export function generateSecret(length: number, randomBytes: (n: number) => Buffer): string {
  let secret = "";
  for (let round = 0; round < MAX_ROUNDS && secret.length < length; round++) {
    for (const byte of randomBytes(2 * (length - secret.length))) {
      if (byte < UNBIASED_LIMIT && secret.length < length) secret += ALPHANUMERIC[byte % ALPHANUMERIC.length];
    }
  }
  if (secret.length < length) throw new RandomSourceError("The random source gave too few usable bytes for a secret");
  return secret;
}

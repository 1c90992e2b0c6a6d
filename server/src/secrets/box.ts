import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";

export class SecretKeyMismatchError extends Error {
  override name = "SecretKeyMismatchError";
}

/**
 * AES-256-GCM for credentials at rest (Proxmox token secrets and passwords). The stored form is
 * `v1:<iv>:<tag>:<ciphertext>` in base64url; a wrong key fails authentication instead of yielding garbage.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("A secret key is 32 bytes.");
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), sealed.toString("base64url")].join(":");
  }

  open(stored: string): string {
    const [version, iv, tag, sealed] = stored.split(":");
    if (version !== VERSION || !iv || !tag || sealed === undefined) throw new SecretKeyMismatchError("Not a sealed secret.");
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(sealed, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretKeyMismatchError(
        "Stored cluster credentials cannot be decrypted with this SECRET_KEY; start with the key they were saved with.",
      );
    }
  }
}

/** Accepts 32 bytes as base64, base64url or hex (e.g. `openssl rand -base64 32`). */
export function parseSecretKey(text: string): Buffer | null {
  const trimmed = text.trim();
  const candidates = [/^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : null, Buffer.from(trimmed, "base64")];
  return candidates.find((b) => b !== null && b.length === 32) ?? null;
}

import { describe, expect, it } from "vitest";
import { parseSecretKey, SecretBox, SecretKeyMismatchError } from "./box.ts";

describe("SecretBox", () => {
  const box = new SecretBox(Buffer.alloc(32, 1));

  it("seals to a different text each time and opens back to the secret", () => {
    const a = box.seal("8a1f-token-secret");
    const b = box.seal("8a1f-token-secret");
    expect(a).not.toBe(b);
    expect(a).not.toContain("8a1f");
    expect(box.open(a)).toBe("8a1f-token-secret");
  });

  it("refuses to open with another key or a tampered text, saying why", () => {
    const sealed = box.seal("secret");
    expect(() => new SecretBox(Buffer.alloc(32, 2)).open(sealed)).toThrow(SecretKeyMismatchError);
    const parts = sealed.split(":");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => box.open(parts.join(":"))).toThrow(/cannot be decrypted/);
    expect(() => box.open("plaintext")).toThrow(/Not a sealed secret/);
  });

  it("reads keys as base64 or hex, and rejects other lengths", () => {
    expect(parseSecretKey(Buffer.alloc(32, 3).toString("base64"))).toEqual(Buffer.alloc(32, 3));
    expect(parseSecretKey("0f".repeat(32))).toEqual(Buffer.alloc(32, 15));
    expect(parseSecretKey("c2hvcnQ=")).toBeNull();
  });
});

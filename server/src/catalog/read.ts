import { constants } from "node:fs";
import { open } from "node:fs/promises";

export const MAX_FILE_BYTES = 256 * 1024;

export type ReadResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Reads and parses one catalog file; every failure becomes a message, never an exception. */
export async function readJsonFile(path: string): Promise<ReadResult> {
  const bytes = await readCapped(path);
  if (!bytes.ok) return bytes;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.value);
  } catch {
    return { ok: false, message: "The file is not valid UTF-8" };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `Invalid JSON: ${describe(error)}` };
  }
}

/**
 * The size is capped while reading, not from a prior stat, so a growing file cannot make the
 * loader read without end; the non-blocking open keeps a FIFO from stalling it before the check.
 */
async function readCapped(path: string): Promise<{ ok: true; value: Uint8Array } | { ok: false; message: string }> {
  try {
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      if (!(await handle.stat()).isFile()) return { ok: false, message: "Not a regular file" };
      const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      if (filled > MAX_FILE_BYTES) return { ok: false, message: `The file is larger than ${MAX_FILE_BYTES / 1024} KiB` };
      return { ok: true, value: buffer.subarray(0, filled) };
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { ok: false, message: `Cannot read the file: ${describe(error)}` };
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

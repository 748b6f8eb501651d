// Reading the files a spec depends on. One place decides how paths are shown (relative to the working
// directory, for diagnostics) and how they are recorded (relative to the entry spec's folder, for the
// plan), and keeps the text of every file read so that diagnostics can show code frames.

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";

export type ReadResult = { ok: true; text: string } | { ok: false; missing: boolean; reason: string };

export class FileStore {
  /** Display path → text, for code frames. */
  readonly sources = new Map<string, string>();
  /** Spec-relative path → sha256 (of the bytes; of the meaning for .vc files), for the plan's inputs. */
  private readonly hashes = new Map<string, string>();
  private readonly cache = new Map<string, ReadResult>();

  constructor(
    readonly cwd: string,
    /** Absolute folder of the entry spec. */
    readonly root: string,
  ) {}

  /** How a path is shown to the user: relative to the working directory, "/" separators. */
  display(abs: string): string {
    const rel = relative(this.cwd, abs);
    if (rel === "" || isAbsolute(rel)) return toSlash(abs);
    return toSlash(rel);
  }

  /** How a path is recorded in the plan: relative to the entry spec's folder, "/" separators. */
  specRelative(abs: string): string {
    return toSlash(relative(this.root, abs));
  }

  /** Resolve a path written in a file, relative to that file's folder. */
  resolveFrom(fromFileAbs: string, written: string): string {
    return resolve(dirname(fromFileAbs), written);
  }

  async read(abs: string): Promise<ReadResult> {
    const cached = this.cache.get(abs);
    if (cached) return cached;
    let result: ReadResult;
    try {
      const buffer = await readFile(abs);
      const text = stripBom(buffer.toString("utf8"));
      result = { ok: true, text };
      this.sources.set(this.display(abs), text);
      this.hashes.set(this.specRelative(abs), createHash("sha256").update(buffer).digest("hex"));
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      const missing = code === "ENOENT" || code === "ENOTDIR";
      result = {
        ok: false,
        missing,
        reason: missing ? "no such file" : code === "EISDIR" ? "is a folder" : String(code ?? err),
      };
    }
    this.cache.set(abs, result);
    return result;
  }

  /**
   * Record a file by a fingerprint of its meaning instead of its bytes (.vc files: see
   * meaningFingerprint in imports.ts), so that reformatting a spec does not change the plan hash.
   */
  setFingerprint(abs: string, sha256: string): void {
    this.hashes.set(this.specRelative(abs), sha256);
  }

  /** Inputs sorted by path, so the plan does not depend on the order files happened to be read. */
  inputs(): Array<{ path: string; sha256: string }> {
    return [...this.hashes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, sha256]) => ({ path, sha256 }));
  }
}

export function toSlash(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// Reading the files a spec depends on. One place decides how paths are shown (relative to the working
// directory, for diagnostics) and how they are recorded (relative to the entry spec's folder, for the
// plan), keeps the text of every file read so that diagnostics can show code frames, and enforces the
// file sandbox (docs/security.md): a spec may read only regular files inside its project, up to a size
// limit, and never blocks on a pipe or a device.

import { createHash } from "node:crypto";
import { constants, existsSync, realpathSync } from "node:fs";
import { open, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

export type ReadFailure =
  | "missing"
  /** Outside the project root (and not under an --allow-outside folder), or a hidden file. */
  | "outside"
  | "too_large"
  /** A folder, pipe, device or socket. */
  | "not_regular"
  | "unreadable";

export type ReadResult = { ok: true; text: string } | { ok: false; missing: boolean; failure: ReadFailure; reason: string };

/** Default read limit per file (`--max-file-size`): far above any real spec, data file or template. */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface Sandbox {
  /** Folders (absolute) besides the project root that referenced files may come from (`--allow-outside`). */
  allowOutside: readonly string[];
  /** Largest file read, in bytes (`--max-file-size`). */
  maxFileBytes: number;
}

const READ_CHUNK = 1 << 20;

export const DEFAULT_SANDBOX: Sandbox = { allowOutside: [], maxFileBytes: DEFAULT_MAX_FILE_BYTES };

export class FileStore {
  /** Display path → text, for code frames. Only files the spec owns (see `read`'s `frames`). */
  readonly sources = new Map<string, string>();
  /** Spec-relative path → sha256 (of the bytes; of the meaning for .vc files), for the plan's inputs. */
  private readonly hashes = new Map<string, string>();
  private readonly cache = new Map<string, ReadResult>();
  /** The project root, symlinks resolved: referenced files must lie below it. */
  readonly projectRoot: string;
  private readonly allowed: string[];

  constructor(
    readonly cwd: string,
    /** Absolute folder of the entry spec. */
    readonly root: string,
    readonly sandbox: Sandbox = DEFAULT_SANDBOX,
  ) {
    this.projectRoot = realOrSelf(projectRootOf(root));
    this.allowed = sandbox.allowOutside.map((p) => realOrSelf(resolve(cwd, p)));
  }

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

  /**
   * Read a file the spec depends on. `entry`: the spec named on the command line, which the user chose
   * (it may lie anywhere; the other limits hold). `frames`: whether diagnostics may quote its lines
   * (.vc files, data files, templates and schemas the spec owns); a file read for another purpose is
   * never echoed.
   */
  async read(abs: string, options: { entry?: boolean; frames?: boolean } = {}): Promise<ReadResult> {
    const cached = this.cache.get(abs);
    if (cached) return cached;
    const result = await this.readChecked(abs, options.entry === true);
    if (result.ok) {
      if (options.frames !== false) this.sources.set(this.display(abs), result.text);
    }
    this.cache.set(abs, result);
    return result;
  }

  private async readChecked(abs: string, entry: boolean): Promise<ReadResult> {
    let real: string;
    try {
      real = await realpath(abs);
    } catch (err) {
      return failed(err);
    }
    if (!entry) {
      const where = this.placeOf(real);
      if (where !== null) return { ok: false, missing: false, failure: "outside", reason: where };
    }
    const limit = this.sandbox.maxFileBytes;
    try {
      // stat before open: opening a FIFO blocks until a writer comes, and a device may never end.
      const before = await stat(real);
      if (!before.isFile()) return notRegular(before.isDirectory());
      if (before.size > limit) return tooLarge(before.size, limit);
      // O_NONBLOCK: if the path was swapped for a pipe after the stat, open still returns at once.
      const handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        const st = await handle.stat();
        if (!st.isFile()) return notRegular(st.isDirectory());
        if (st.size > limit) return tooLarge(st.size, limit);
        // Read to the end but at most limit + 1 bytes: a file that grew since the stat, or one whose
        // size says 0 (/proc), is still caught.
        const chunks: Buffer[] = [];
        let length = 0;
        for (;;) {
          const chunk = Buffer.alloc(Math.min(READ_CHUNK, limit + 1 - length));
          const { bytesRead } = await handle.read(chunk, 0, chunk.length, length);
          if (bytesRead === 0) break;
          chunks.push(chunk.subarray(0, bytesRead));
          length += bytesRead;
          if (length > limit) return tooLarge(length, limit);
        }
        const bytes = Buffer.concat(chunks, length);
        this.hashes.set(this.specRelative(abs), createHash("sha256").update(bytes).digest("hex"));
        return { ok: true, text: stripBom(bytes.toString("utf8")) };
      } finally {
        await handle.close();
      }
    } catch (err) {
      return failed(err);
    }
  }

  /** Null when a real path may be read; else why not (outside the project, or hidden). */
  private placeOf(real: string): string | null {
    const base = [this.projectRoot, ...this.allowed].find((dir) => real === dir || real.startsWith(dir.endsWith(sep) ? dir : dir + sep));
    if (base === undefined) {
      return `outside the spec's project ${this.display(this.projectRoot)} (after resolving links: ${toSlash(real)})`;
    }
    // Hidden files and folders (.env, .git/config, .ssh) hold secrets and settings, not spec inputs.
    const hidden = relative(base, real)
      .split(sep)
      .find((part) => part.startsWith("."));
    return hidden !== undefined ? `a hidden file or folder (${hidden}) inside the project; specs may not read those` : null;
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

/**
 * The spec's project root: the nearest folder at or above the entry spec's folder holding `.git` or
 * `package.json`, else the spec's folder. For specs shipped in node_modules/value-compass/specs this
 * is the package's folder.
 */
export function projectRootOf(specDir: string): string {
  for (let dir = specDir; ; ) {
    if (existsSync(join(dir, ".git")) || existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) return specDir;
    dir = up;
  }
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function failed(err: unknown): ReadResult {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return { ok: false, missing: true, failure: "missing", reason: "no such file" };
  if (code === "EISDIR") return notRegular(true);
  return { ok: false, missing: false, failure: "unreadable", reason: String(code ?? err) };
}

function notRegular(folder: boolean): ReadResult {
  return { ok: false, missing: false, failure: "not_regular", reason: folder ? "is a folder" : "not a regular file (a pipe, device or socket)" };
}

function tooLarge(size: number, limit: number): ReadResult {
  return {
    ok: false,
    missing: false,
    failure: "too_large",
    reason: `larger than the read limit of ${formatBytes(limit)} (${formatBytes(size)} or more); raise it with --max-file-size`,
  };
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

export function toSlash(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

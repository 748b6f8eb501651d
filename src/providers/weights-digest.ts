// The sha256 of a model file, remembered by path, size and mtime: hashing a 5 GB GGUF takes seconds,
// and a run prepares its models every time. A changed file (size or mtime) is hashed again.

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ProviderEnv } from "./types.js";

export interface WeightsCache {
  /** A JSON file mapping absolute paths to { size, mtimeMs, sha256 }. */
  file: string;
}

interface Entry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** $XDG_CACHE_HOME/value-compass/weights-sha256.json, else ~/.cache/value-compass/…; null without a home. */
export function defaultWeightsCache(env: ProviderEnv): WeightsCache | undefined {
  const xdg = env["XDG_CACHE_HOME"];
  const home = env["HOME"];
  const base = xdg !== undefined && xdg !== "" ? xdg : home !== undefined && home !== "" ? join(home, ".cache") : null;
  return base === null ? undefined : { file: join(base, "value-compass", "weights-sha256.json") };
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The file's sha256, from the cache when its path, size and mtime are unchanged. */
export async function fileDigest(path: string, cache?: WeightsCache): Promise<string> {
  const s = await stat(path);
  const entries = cache ? await readEntries(cache.file) : {};
  const known = Object.hasOwn(entries, path) ? entries[path] : undefined;
  if (known && known.size === s.size && known.mtimeMs === s.mtimeMs && /^[0-9a-f]{64}$/.test(known.sha256)) return known.sha256;
  const sha256 = await sha256OfFile(path);
  if (cache) {
    entries[path] = { size: s.size, mtimeMs: s.mtimeMs, sha256 };
    // Best effort: a cache that cannot be written only costs a re-hash next time.
    await writeEntries(cache.file, entries).catch(() => undefined);
  }
  return sha256;
}

async function readEntries(file: string): Promise<Record<string, Entry>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, "utf8"));
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, Entry>) : {};
  } catch {
    return {};
  }
}

async function writeEntries(file: string, entries: Record<string, Entry>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(entries, null, 1)}\n`);
  await rename(tmp, file);
}

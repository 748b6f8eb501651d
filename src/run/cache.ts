// The response cache: content-addressed, one small file per answer under a two-hex fan-out
// (.vc-cache/ab/ab12….json), written to a temporary name and renamed into place.
//
// Why files and not an append-only log with an in-memory index: the cache is shared by every run of
// a project and only grows, so an index loaded at start-up would cost time and memory proportional to
// everything ever cached; a file per key costs one open() per lookup whatever the cache size. Rename
// is atomic, so concurrent `vc run` processes and a SIGKILL mid-write never leave a half entry under
// a real key. See docs/running.md.
//
// Each entry carries a digest of its key and its content, checked on read: an entry edited by hand
// (or corrupted) is a miss, counted and reported, never an answer. The digest catches edits, not a
// forger who recomputes it; what keeps a cloned repository from supplying answers is the location
// (the user's cache folder by default, never a folder the spec's project provides; docs/security.md).

import { mkdirSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { ChatMessage, JsonSchema, SamplingParams } from "../core/plan.js";
import type { ChatResponse } from "../providers/types.js";
import { writeFileAtomic } from "../core/atomic-write.js";
import { canonicalJson } from "../core/canonical.js";

/** Everything that determines an answer. Change the version when the meaning of a field changes. */
export interface CacheKeyMaterial {
  provider: string;
  /** Provider-local model name (or exec command). */
  model: string;
  /** Ollama digest when known: a re-pulled model with new weights gets new keys. */
  digest: string | null;
  /** Where the request goes, without credentials. */
  endpoint: string | null;
  params: SamplingParams;
  messages: ChatMessage[];
  responseFormat: { name: string; schema: JsonSchema } | null;
  /** exec models fed the request as JSON (`json_io`, `--json-io`): the command sees other input. */
  jsonIo?: boolean;
  /**
   * The step's sample index (steps only; judge calls have none). Without a seed it is the only thing
   * that tells sample 2 of an item from sample 1, so it enters the key; with a seed the request
   * already differs per sample (seed + sample) and the seed alone determines the answer.
   */
  sample?: number;
}

const KEY_VERSION = 1;

export function cacheKey(material: CacheKeyMaterial): string {
  const body = canonicalJson({
    v: KEY_VERSION,
    provider: material.provider,
    model: material.model,
    digest: material.digest,
    endpoint: material.endpoint,
    params: material.params,
    messages: material.messages.map((m) => ({ role: m.role, content: m.content })),
    responseFormat: material.responseFormat,
    // Only present when set, so the keys of every other request stay what they were.
    jsonIo: material.jsonIo === true ? true : undefined,
    // Samples 1, 2 … of an unseeded request get keys of their own (else they would be served sample
    // 0's answer). Sample 0 and every seeded request keep the key they always had, so existing caches
    // stay valid for them (docs/running.md).
    sample: sampleInKey(material),
  });
  return createHash("sha256").update(body).digest("hex");
}

/** The sample index as it enters the key: only for a sample after the first of a request without a seed. */
function sampleInKey(material: CacheKeyMaterial): number | undefined {
  const sample = material.sample;
  if (sample === undefined || sample === 0 || material.params.seed !== undefined) return undefined;
  return sample;
}

export interface ResponseCache {
  get(key: string): ChatResponse | null;
  /** Best effort: returns false (and the run goes on) when the entry could not be written. */
  put(key: string, modelId: string, response: ChatResponse): boolean;
}

interface CacheEntry {
  v: number;
  key: string;
  model: string;
  response: ChatResponse;
  /** sha256 of the key, the model and the canonical response: an edited entry no longer matches. */
  digest: string;
}

/** Entries written before digests existed: read as misses, quietly (they are not tampered with). */
const UNDIGESTED_VERSION = 1;
const ENTRY_VERSION = 2;

export function entryDigest(key: string, model: string, response: ChatResponse): string {
  return createHash("sha256").update(canonicalJson({ key, model, response })).digest("hex");
}

export class DiskCache implements ResponseCache {
  private readonly madeDirs = new Set<string>();
  /** The first write error, reported once by the caller rather than per step. */
  writeError: string | null = null;
  /** Entries whose digest did not match (edited or corrupted): served as misses. */
  rejected = 0;
  /** The first rejected entry's file, for the warning. */
  firstRejected: string | null = null;

  constructor(readonly dir: string) {}

  private pathOf(key: string): { dir: string; file: string } {
    const dir = join(this.dir, key.slice(0, 2));
    return { dir, file: join(dir, `${key}.json`) };
  }

  get(key: string): ChatResponse | null {
    let text: string;
    try {
      text = readFileSync(this.pathOf(key).file, "utf8");
    } catch {
      return null;
    }
    const file = this.pathOf(key).file;
    let entry: unknown;
    try {
      entry = JSON.parse(text);
    } catch {
      return this.reject(file); // a corrupt entry is a miss; the next successful answer overwrites it
    }
    if (isOldEntry(entry)) return null;
    if (!isEntry(entry, key)) return this.reject(file);
    if (entry.digest !== entryDigest(key, entry.model, entry.response)) return this.reject(file);
    return entry.response;
  }

  private reject(file: string): null {
    this.rejected++;
    this.firstRejected ??= file;
    return null;
  }

  put(key: string, modelId: string, response: ChatResponse): boolean {
    const { dir, file } = this.pathOf(key);
    const entry: CacheEntry = { v: ENTRY_VERSION, key, model: modelId, response, digest: entryDigest(key, modelId, response) };
    try {
      if (!this.madeDirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        this.madeDirs.add(dir);
      }
      writeFileAtomic(file, `${JSON.stringify(entry)}\n`);
      return true;
    } catch (err) {
      this.writeError ??= err instanceof Error ? err.message : String(err);
      return false;
    }
  }
}

function isEntry(v: unknown, key: string): v is CacheEntry {
  if (typeof v !== "object" || v === null) return false;
  const e = v as Partial<CacheEntry>;
  const r = e.response as Partial<ChatResponse> | undefined;
  return (
    e.v === ENTRY_VERSION &&
    e.key === key &&
    typeof e.model === "string" &&
    typeof e.digest === "string" &&
    typeof r === "object" &&
    r !== null &&
    typeof r.text === "string"
  );
}

function isOldEntry(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as { v?: unknown }).v === UNDIGESTED_VERSION && !("digest" in v);
}

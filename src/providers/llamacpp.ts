// The `llamacpp:` adapter: a GGUF model file evaluated in this process through node-llama-cpp (an
// optional dependency, loaded on first use), with no model server. The file is pinned by its sha256,
// which is the model's digest (cache keys and the manifest), next to its GGUF metadata and the llama.cpp
// build that ran it.

import { open, stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ChatHistoryItem, Llama, LlamaContext, LlamaContextSequence, LlamaGrammar, LlamaModel, GbnfJsonSchema } from "node-llama-cpp";
import type { ChatMessage, JsonSchema, PlanModel } from "../core/plan.js";
import { startDeadline } from "./deadline.js";
import { failure } from "./failure.js";
import { fileDigest, type WeightsCache } from "./weights-digest.js";
import type { ChatRequest, ChatResult, ModelInfo, ModelWeights, PrepareOptions, PrepareResult, Provider, ProviderEnv, ProviderFailure } from "./types.js";

/** The version this adapter is written and tested against (package.json pins it). */
export const NODE_LLAMA_CPP_VERSION = "3.21.1";

/** How to get the optional dependency, for the message when it is absent. */
export const INSTALL_HINT = `the llamacpp: provider needs the optional package node-llama-cpp: npm install node-llama-cpp@${NODE_LLAMA_CPP_VERSION}`;

/** Tokens of context per sequence, at most: enough for a judge prompt and its answer; less memory. */
const MAX_CONTEXT = 4096;

type NodeLlamaCpp = typeof import("node-llama-cpp");

export interface LlamaCppOptions {
  /** The entry spec's folder: relative model paths are resolved against it. */
  cwd?: string;
  /** Where sha256 digests are remembered by path, size and mtime (the user's cache folder). */
  weightsCache?: WeightsCache;
  /** Loads node-llama-cpp; tests replace it to see the "not installed" path. */
  loadLibrary?: () => Promise<NodeLlamaCpp>;
}

/** One process-wide llama.cpp runtime: loading the native binding costs about a second. */
let runtime: Promise<Llama> | null = null;

interface Loaded {
  lib: NodeLlamaCpp;
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  info: ModelInfo;
}

export function createLlamaCppProvider(model: PlanModel, env: ProviderEnv, options: LlamaCppOptions = {}): Provider {
  return new LlamaCppProvider(model, env, options);
}

/** The model's folder for `hf:` downloads: VC_MODELS_DIR, else node-llama-cpp's default (~/.node-llama-cpp/models). */
export function modelsDirectory(env: ProviderEnv): string | undefined {
  const dir = env["VC_MODELS_DIR"];
  return dir !== undefined && dir !== "" ? dir : undefined;
}

export class LlamaCppProvider implements Provider {
  readonly kind = "llamacpp" as const;
  readonly id: string;
  private loaded: Loaded | null = null;
  /** Free sequences of the context, and the requests waiting for one. */
  private free: LlamaContextSequence[] = [];
  private waiting: Array<(s: LlamaContextSequence) => void> = [];
  private grammars = new Map<string, LlamaGrammar>();

  constructor(
    private readonly model: PlanModel,
    private readonly env: ProviderEnv,
    private readonly options: LlamaCppOptions,
  ) {
    this.id = model.id;
  }

  async prepare(options: PrepareOptions): Promise<PrepareResult> {
    if (this.loaded) return { ok: true, info: this.loaded.info };
    const lib = await this.library();
    if (!lib.ok) return { ok: false, failure: lib.failure };
    const path = await this.resolvePath(lib.lib, options);
    if (!path.ok) return { ok: false, failure: path.failure };
    const checked = await checkGgufFile(path.path, this.id);
    if (!checked.ok) return { ok: false, failure: checked.failure };
    try {
      return { ok: true, info: (await this.load(lib.lib, path.path, checked.size)).info };
    } catch (error) {
      return { ok: false, failure: loadFailure(error, this.id, path.path) };
    }
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    if (!this.loaded) {
      const prepared = await this.prepare({ pull: false });
      if (!prepared.ok) return { ok: false, failure: prepared.failure };
    }
    const loaded = this.loaded as Loaded;
    const grammar = await this.grammar(loaded, request);
    if (!grammar.ok) return { ok: false, failure: grammar.failure };
    const sequence = await this.acquire();
    const deadline = startDeadline(request.timeoutMs, request.signal);
    const started = performance.now();
    try {
      // Each request starts from an empty sequence: reusing another prompt's evaluated prefix would
      // make an answer depend on which request ran before it on this sequence.
      await sequence.clearHistory();
      const inputBefore = sequence.tokenMeter.usedInputTokens;
      const outputBefore = sequence.tokenMeter.usedOutputTokens;
      const chat = new loaded.lib.LlamaChat({ contextSequence: sequence, autoDisposeSequence: false });
      try {
        const response = await chat.generateResponse(chatHistory(request.messages), {
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.top_p !== undefined ? { topP: request.top_p } : {}),
          ...(request.seed !== undefined ? { seed: request.seed } : {}),
          ...(request.max_tokens !== undefined ? { maxTokens: request.max_tokens } : {}),
          ...(grammar.grammar ? { grammar: grammar.grammar } : {}),
          signal: deadline.signal,
        });
        if (deadline.signal.aborted) return this.aborted(deadline.timedOut(), request.timeoutMs);
        return {
          ok: true,
          response: {
            text: response.response,
            tokensIn: sequence.tokenMeter.usedInputTokens - inputBefore,
            tokensOut: sequence.tokenMeter.usedOutputTokens - outputBefore,
            latencyMs: Math.round(performance.now() - started),
            finishReason: response.metadata.stopReason === "maxTokens" ? "length" : "stop",
            fingerprint: null,
          },
        };
      } finally {
        chat.dispose({ disposeSequence: false });
      }
    } catch (error) {
      if (deadline.signal.aborted) return this.aborted(deadline.timedOut(), request.timeoutMs);
      return { ok: false, failure: failure("bad_response", `${this.id}: llama.cpp failed: ${messageOf(error)}`) };
    } finally {
      deadline.dispose();
      this.release(sequence);
    }
  }

  async close(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = null;
    if (!loaded) return;
    await loaded.context.dispose();
    await loaded.model.dispose();
  }

  private async library(): Promise<{ ok: true; lib: NodeLlamaCpp } | { ok: false; failure: ProviderFailure }> {
    try {
      return { ok: true, lib: await (this.options.loadLibrary ?? importNodeLlamaCpp)() };
    } catch (error) {
      const missing = isModuleNotFound(error);
      return {
        ok: false,
        failure: failure("not_found", missing ? `${this.id}: ${INSTALL_HINT}` : `${this.id}: node-llama-cpp failed to load: ${messageOf(error)}`),
      };
    }
  }

  /** A local path (relative to the spec's folder), or an `hf:` URI resolved into the models folder. */
  private async resolvePath(lib: NodeLlamaCpp, options: PrepareOptions): Promise<{ ok: true; path: string } | { ok: false; failure: ProviderFailure }> {
    const name = this.model.name;
    if (!name.startsWith("hf:")) {
      return { ok: true, path: isAbsolute(name) ? name : resolve(this.options.cwd ?? process.cwd(), name) };
    }
    const directory = modelsDirectory(this.env);
    // HF_ENDPOINT: a Hugging Face mirror, as huggingface_hub reads it.
    const mirror = this.env["HF_ENDPOINT"];
    try {
      const path = await lib.resolveModelFile(name, {
        ...(directory !== undefined ? { directory } : {}),
        ...(mirror !== undefined && mirror !== "" ? { endpoints: { huggingFace: mirror } } : {}),
        download: options.pull ? "auto" : false,
        cli: false,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: ({ totalSize, downloadedSize }) => options.onPullProgress?.("downloading", downloadedSize, totalSize),
      });
      return { ok: true, path };
    } catch (error) {
      const hint = options.pull ? "" : " (pass --pull to download it into the models folder)";
      return { ok: false, failure: failure("not_found", `${this.id}: cannot resolve ${name}${hint}: ${messageOf(error)}`) };
    }
  }

  private async load(lib: NodeLlamaCpp, path: string, size: number): Promise<Loaded> {
    const gpu = this.env["VC_LLAMACPP_GPU"];
    runtime ??= lib.getLlama({
      // Never compile llama.cpp during a run: the prebuilt binaries ship in registry packages.
      build: "never",
      gpu: gpu === "false" || gpu === "cpu" ? false : "auto",
      logLevel: lib.LlamaLogLevel.error,
    });
    const llama = await runtime;
    const gguf = await lib.readGgufFileInfo(path);
    const digest = await fileDigest(path, this.options.weightsCache);
    const model = await llama.loadModel({ modelPath: path });
    const sequences = Math.max(1, this.model.concurrency ?? 1);
    const threads = positiveInteger(this.env["VC_LLAMACPP_THREADS"]);
    const context = await model.createContext({
      sequences,
      contextSize: { max: Math.min(MAX_CONTEXT, model.trainContextSize) },
      ...(threads !== null ? { threads } : {}),
    });
    this.free = Array.from({ length: sequences }, () => context.getSequence());
    const general = gguf.metadata.general;
    const architecture = String(general.architecture);
    const archMeta = gguf.architectureMetadata as { context_length?: number };
    const weights: ModelWeights = {
      path,
      sha256: digest,
      bytes: size,
      architecture,
      quantization: general.file_type !== undefined ? (lib.GgufFileType[general.file_type] ?? String(general.file_type)) : null,
      contextLength: typeof archMeta.context_length === "number" ? archMeta.context_length : null,
      runtime: `llama.cpp ${llama.llamaCppRelease.release} (node-llama-cpp ${NODE_LLAMA_CPP_VERSION}, ${llama.gpu === false ? "cpu" : llama.gpu})`,
    };
    const info: ModelInfo = { id: this.id, provider: "llamacpp", digest: `sha256:${digest}`, endpoint: pathToFileURL(path).href, mock: false, weights };
    this.loaded = { lib, llama, model, context, info };
    return this.loaded;
  }

  private async grammar(loaded: Loaded, request: ChatRequest): Promise<{ ok: true; grammar: LlamaGrammar | null } | { ok: false; failure: ProviderFailure }> {
    if (!request.responseFormat) return { ok: true, grammar: null };
    const key = JSON.stringify(request.responseFormat.schema);
    const known = this.grammars.get(key);
    if (known) return { ok: true, grammar: known };
    try {
      // The library types the schema as a literal type to infer its output; ours is known only at run time.
      const create = loaded.llama.createGrammarForJsonSchema.bind(loaded.llama) as (schema: GbnfJsonSchema) => Promise<LlamaGrammar>;
      const grammar = await create(grammarSchema(request.responseFormat.schema) as unknown as GbnfJsonSchema);
      this.grammars.set(key, grammar);
      return { ok: true, grammar };
    } catch (error) {
      return { ok: false, failure: failure("bad_request", `${this.id}: the output schema cannot be turned into a llama.cpp grammar: ${messageOf(error)}`) };
    }
  }

  private acquire(): Promise<LlamaContextSequence> {
    const sequence = this.free.pop();
    if (sequence) return Promise.resolve(sequence);
    return new Promise((resolveWait) => this.waiting.push(resolveWait));
  }

  private release(sequence: LlamaContextSequence): void {
    const next = this.waiting.shift();
    if (next) next(sequence);
    else this.free.push(sequence);
  }

  private aborted(timedOut: boolean, timeoutMs: number): ChatResult {
    return timedOut
      ? { ok: false, failure: failure("timeout", `${this.id}: timed out after ${timeoutMs} ms`) }
      : { ok: false, failure: failure("aborted", `${this.id}: interrupted`) };
  }
}

/** Integer ranges up to this many values become enums, which the grammar can enforce. */
const MAX_INTEGER_ENUM = 256;

/**
 * The schema as node-llama-cpp's grammar can enforce it. Its JSON-schema grammars know types, enums,
 * required properties and string lengths, but not minimum/maximum: an integer with a small range
 * becomes the enum of its values (so a judge's severity 0..3 is enforced while it generates). Bounds
 * of real numbers stay unenforced here; the scorer validates every judge answer against the full
 * schema anyway, so an out-of-range number is a recorded scoring error, never a score.
 */
export function grammarSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isObject(v) ? grammarSchema(v) : v]));
    } else if ((key === "items" || key === "additionalProperties") && isObject(value)) {
      out[key] = grammarSchema(value);
    } else if ((key === "anyOf" || key === "oneOf") && Array.isArray(value)) {
      out[key] = value.map((v) => (isObject(v) ? grammarSchema(v) : v));
    } else {
      out[key] = value;
    }
  }
  const min = schema["minimum"];
  const max = schema["maximum"];
  if (schema["type"] === "integer" && typeof min === "number" && typeof max === "number" && max >= min && max - min < MAX_INTEGER_ENUM) {
    const values: number[] = [];
    for (let v = Math.ceil(min); v <= max; v++) values.push(v);
    delete out["type"];
    delete out["minimum"];
    delete out["maximum"];
    out["enum"] = values;
  }
  return out;
}

function isObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The request's messages as node-llama-cpp's chat history, ending with the model's turn to answer. */
export function chatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === "system"
      ? { type: "system", text: m.content }
      : m.role === "user"
        ? { type: "user", text: m.content }
        : { type: "model", response: [m.content] },
  );
  history.push({ type: "model", response: [] });
  return history;
}

/**
 * node-llama-cpp from outside the bundle: through the launcher's import() (bin/value-compass.js says
 * why) when the bundle runs, else (tests, dist/) a plain import().
 */
function importNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  const lent: unknown = (globalThis as Record<symbol, unknown>)[Symbol.for("value-compass.import")];
  return typeof lent === "function" ? (lent as (specifier: string) => Promise<NodeLlamaCpp>)("node-llama-cpp") : import("node-llama-cpp");
}

/** A regular file that starts with the GGUF magic; anything else is a clear error before llama.cpp sees it. */
export async function checkGgufFile(path: string, id: string): Promise<{ ok: true; size: number } | { ok: false; failure: ProviderFailure }> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) return { ok: false, failure: failure("not_found", `${id}: ${path} is not a regular file`) };
    size = s.size;
  } catch {
    return { ok: false, failure: failure("not_found", `${id}: model file not found: ${path}`) };
  }
  const handle = await open(path, "r");
  try {
    const magic = Buffer.alloc(4);
    const { bytesRead } = await handle.read(magic, 0, 4, 0);
    if (bytesRead < 4 || magic.toString("latin1") !== "GGUF") {
      return { ok: false, failure: failure("bad_request", `${id}: ${path} is not a GGUF model file (it does not start with the GGUF magic bytes)`) };
    }
  } finally {
    await handle.close();
  }
  return { ok: true, size };
}

function loadFailure(error: unknown, id: string, path: string): ProviderFailure {
  const text = messageOf(error);
  if (/NoBinaryFound|no binary/i.test(text)) {
    return failure(
      "not_found",
      `${id}: no prebuilt llama.cpp binary for ${process.platform}-${process.arch} (node-llama-cpp ${NODE_LLAMA_CPP_VERSION}): ${text}`,
    );
  }
  if (/memory/i.test(text)) {
    return failure("bad_request", `${id}: not enough memory to load ${path} with its context sequences (lower the model's concurrency): ${text}`);
  }
  return failure("bad_request", `${id}: llama.cpp could not load ${path} (corrupt or unsupported GGUF?): ${text}`);
}

function positiveInteger(text: string | undefined): number | null {
  const n = Number(text);
  return text !== undefined && text !== "" && Number.isInteger(n) && n > 0 ? n : null;
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

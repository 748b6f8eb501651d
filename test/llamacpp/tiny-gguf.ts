// Writes a tiny llama-architecture GGUF model (random weights, a small SentencePiece vocabulary with byte
// fallback, a chat template) from the GGUF specification, so the llamacpp provider is tested on a real
// model file that no one has to download. Spec: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
// Usage as a script: `npx tsx test/llamacpp/tiny-gguf.ts OUT.gguf [SEED]`.

import { writeFileSync } from "node:fs";
import { mulberry32 } from "../../src/core/random.js";

/** Value types of GGUF metadata (gguf.md, "gguf_metadata_value_type"). */
const T = { UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9 } as const;
/** ggml tensor type F32. */
const GGML_F32 = 0;
const ALIGNMENT = 32;

export interface TinyModelShape {
  embedding: number;
  layers: number;
  heads: number;
  feedForward: number;
  contextLength: number;
}

export const TINY_SHAPE: TinyModelShape = { embedding: 32, layers: 2, heads: 2, feedForward: 64, contextLength: 512 };

type MetaValue =
  | { type: "u32"; value: number }
  | { type: "i32"; value: number }
  | { type: "f32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "str"; value: string }
  | { type: "strs"; value: string[] }
  | { type: "f32s"; value: number[] }
  | { type: "i32s"; value: number[] };

/** A ChatML-like template; node-llama-cpp renders it with its Jinja engine. */
export const TINY_CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + eos_token }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

const WORDS = ["the", "model", "answer", "safe", "value", "yes", "no", "I", "can", "not", "help", "with", "that", "is", "a", "good", "question"];

/** The vocabulary: unk, bos, eos, 256 byte tokens, then whole words and single letters. */
function vocabulary(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ["<unk>", "<s>", "</s>"];
  const types = [2, 3, 3]; // UNKNOWN, CONTROL, CONTROL
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(6); // BYTE
  }
  const pieces = [...WORDS.map((w) => `\u2581${w}`), ..."abcdefghijklmnopqrstuvwxyz".split(""), "\u2581"];
  for (const p of pieces) {
    tokens.push(p);
    types.push(1); // NORMAL
  }
  const scores = tokens.map((_, i) => (types[i] === 1 ? -i / 10 : 0));
  return { tokens, scores, types };
}

class Writer {
  private chunks: Buffer[] = [];
  size = 0;
  push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string): void {
    const bytes = Buffer.from(s, "utf8");
    this.u64(bytes.length);
    this.push(bytes);
  }
  pad(): void {
    const rest = this.size % ALIGNMENT;
    if (rest !== 0) this.push(Buffer.alloc(ALIGNMENT - rest));
  }
  buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function writeValue(w: Writer, v: MetaValue): void {
  switch (v.type) {
    case "u32":
      w.u32(T.UINT32);
      w.u32(v.value);
      return;
    case "i32":
      w.u32(T.INT32);
      w.i32(v.value);
      return;
    case "f32":
      w.u32(T.FLOAT32);
      w.f32(v.value);
      return;
    case "bool":
      w.u32(T.BOOL);
      w.push(Buffer.from([v.value ? 1 : 0]));
      return;
    case "str":
      w.u32(T.STRING);
      w.str(v.value);
      return;
    case "strs":
      w.u32(T.ARRAY);
      w.u32(T.STRING);
      w.u64(v.value.length);
      for (const s of v.value) w.str(s);
      return;
    case "f32s":
      w.u32(T.ARRAY);
      w.u32(T.FLOAT32);
      w.u64(v.value.length);
      for (const x of v.value) w.f32(x);
      return;
    case "i32s":
      w.u32(T.ARRAY);
      w.u32(T.INT32);
      w.u64(v.value.length);
      for (const x of v.value) w.i32(x);
      return;
  }
}

interface Tensor {
  name: string;
  /** ggml order: ne0 (the contiguous dimension) first. */
  dims: number[];
  data: Float32Array;
}

/** The GGUF bytes of a tiny llama model with weights drawn from `seed`. */
export function tinyGguf(seed = 1, shape: TinyModelShape = TINY_SHAPE): Buffer {
  const rand = mulberry32(seed);
  const vocab = vocabulary();
  const n = vocab.tokens.length;
  const { embedding: e, feedForward: ff } = shape;
  const weights = (count: number, scale: number): Float32Array => Float32Array.from({ length: count }, () => (rand() * 2 - 1) * scale);
  const ones = (count: number): Float32Array => new Float32Array(count).fill(1);
  const tensors: Tensor[] = [
    { name: "token_embd.weight", dims: [e, n], data: weights(e * n, 0.5) },
    { name: "output_norm.weight", dims: [e], data: ones(e) },
    { name: "output.weight", dims: [e, n], data: weights(e * n, 0.5) },
  ];
  for (let l = 0; l < shape.layers; l++) {
    const blk = `blk.${l}`;
    tensors.push(
      { name: `${blk}.attn_norm.weight`, dims: [e], data: ones(e) },
      { name: `${blk}.attn_q.weight`, dims: [e, e], data: weights(e * e, 0.2) },
      { name: `${blk}.attn_k.weight`, dims: [e, e], data: weights(e * e, 0.2) },
      { name: `${blk}.attn_v.weight`, dims: [e, e], data: weights(e * e, 0.2) },
      { name: `${blk}.attn_output.weight`, dims: [e, e], data: weights(e * e, 0.2) },
      { name: `${blk}.ffn_norm.weight`, dims: [e], data: ones(e) },
      { name: `${blk}.ffn_gate.weight`, dims: [e, ff], data: weights(e * ff, 0.2) },
      { name: `${blk}.ffn_up.weight`, dims: [e, ff], data: weights(e * ff, 0.2) },
      { name: `${blk}.ffn_down.weight`, dims: [ff, e], data: weights(ff * e, 0.2) },
    );
  }
  const meta: Array<[string, MetaValue]> = [
    ["general.architecture", { type: "str", value: "llama" }],
    ["general.name", { type: "str", value: `value-compass tiny test model (seed ${seed})` }],
    ["general.file_type", { type: "u32", value: 0 }], // ALL_F32
    ["general.alignment", { type: "u32", value: ALIGNMENT }],
    ["llama.context_length", { type: "u32", value: shape.contextLength }],
    ["llama.embedding_length", { type: "u32", value: e }],
    ["llama.block_count", { type: "u32", value: shape.layers }],
    ["llama.feed_forward_length", { type: "u32", value: ff }],
    ["llama.attention.head_count", { type: "u32", value: shape.heads }],
    ["llama.attention.head_count_kv", { type: "u32", value: shape.heads }],
    ["llama.attention.layer_norm_rms_epsilon", { type: "f32", value: 1e-5 }],
    ["llama.rope.dimension_count", { type: "u32", value: e / shape.heads }],
    ["llama.vocab_size", { type: "u32", value: n }],
    ["tokenizer.ggml.model", { type: "str", value: "llama" }],
    ["tokenizer.ggml.tokens", { type: "strs", value: vocab.tokens }],
    ["tokenizer.ggml.scores", { type: "f32s", value: vocab.scores }],
    ["tokenizer.ggml.token_type", { type: "i32s", value: vocab.types }],
    ["tokenizer.ggml.unknown_token_id", { type: "u32", value: 0 }],
    ["tokenizer.ggml.bos_token_id", { type: "u32", value: 1 }],
    ["tokenizer.ggml.eos_token_id", { type: "u32", value: 2 }],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: true }],
    ["tokenizer.ggml.add_eos_token", { type: "bool", value: false }],
    ["tokenizer.chat_template", { type: "str", value: TINY_CHAT_TEMPLATE }],
  ];

  const w = new Writer();
  w.push(Buffer.from("GGUF", "ascii"));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(meta.length);
  for (const [key, value] of meta) {
    w.str(key);
    writeValue(w, value);
  }
  let offset = 0;
  for (const t of tensors) {
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GGML_F32);
    w.u64(offset);
    offset += Math.ceil(t.data.byteLength / ALIGNMENT) * ALIGNMENT;
  }
  w.pad();
  for (const t of tensors) {
    w.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    w.pad();
  }
  return w.buffer();
}

export function writeTinyGguf(path: string, seed = 1): void {
  writeFileSync(path, tinyGguf(seed));
}

if (process.argv[1]?.endsWith("tiny-gguf.ts")) {
  const out = process.argv[2];
  if (out === undefined) {
    process.stderr.write("usage: tiny-gguf.ts OUT.gguf [SEED]\n");
    process.exit(2);
  }
  writeTinyGguf(out, Number(process.argv[3] ?? 1));
  process.stdout.write(`wrote ${out}\n`);
}

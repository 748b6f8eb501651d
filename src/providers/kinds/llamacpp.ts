// `llamacpp:PATH.gguf` or `llamacpp:hf:OWNER/REPO:QUANT`: a model file evaluated in this process by
// llama.cpp through the optional package node-llama-cpp (docs/providers.md). The adapter is
// src/providers/llamacpp.ts; it loads node-llama-cpp only when a run uses such a model.

import { LazyProvider } from "../lazy.js";
import { defaultWeightsCache } from "../weights-digest.js";
import { defineProviderKind, NO_SETTINGS } from "./define.js";

export const llamacppKind = defineProviderKind<Record<string, never>>({
  name: "llamacpp",
  placeholder: "PATH.gguf",
  suggestsBareName: false,
  settings: { ...NO_SETTINGS, description: "a GGUF model file run in-process by llama.cpp (optional package node-llama-cpp)" },
  parseRest(rest, id) {
    const name = rest.trim();
    if (name === "") return { ok: false, error: `'${id}' names no model file; write llamacpp:PATH.gguf or llamacpp:hf:OWNER/REPO:QUANT` };
    if (name.startsWith("hf:")) {
      return /^hf:[^/\s]+\/[^/\s:]+(:[^\s]+)?$/.test(name)
        ? { ok: true, name }
        : { ok: false, error: `'${id}': a Hugging Face model is written llamacpp:hf:OWNER/REPO:QUANT (e.g. hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M)` };
    }
    return /\.gguf$/i.test(name) ? { ok: true, name } : { ok: false, error: `'${id}': a llamacpp: model is a .gguf file path or hf:OWNER/REPO:QUANT` };
  },
  create: (model, env, options) =>
    new LazyProvider("llamacpp", model.id, async () => {
      const weightsCache = defaultWeightsCache(env);
      return (await import("../llamacpp.js")).createLlamaCppProvider(model, env, {
        ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
        ...(weightsCache !== undefined ? { weightsCache } : {}),
      });
    }),
  describeEndpoint: (model) => `llama.cpp in this process (file ${model.name})`,
});

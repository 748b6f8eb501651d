// The provider kinds: one module each, listed here once. Model ids are parsed against this list,
// adapters are created from it (src/providers/registry.ts), and the checker gets it through
// src/app/kinds.ts. Adding a provider is adding its module and a line below.

import type { ProviderKindModule } from "./define.js";
import { execKind } from "./exec.js";
import { llamacppKind } from "./llamacpp.js";
import { mockKind } from "./mock.js";
import { ollamaKind } from "./ollama.js";
import { openaiKind } from "./openai.js";

export type { ProviderKindModule, ProviderOptions } from "./define.js";

/** In the order messages and docs list them. */
export const PROVIDER_KINDS: readonly ProviderKindModule[] = [ollamaKind, openaiKind, llamacppKind, execKind, mockKind];

export function providerKind(name: string): ProviderKindModule | undefined {
  return PROVIDER_KINDS.find((k) => k.name === name);
}

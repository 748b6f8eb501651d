// The tiny GGUF model the llamacpp tests load, written once per test file into a temporary folder, and
// the environment that keeps llama.cpp small and deterministic on a busy CI machine.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeTinyGguf } from "./tiny-gguf.js";

/**
 * One thread: llama.cpp's worker threads spin while they wait, and on a loaded 2-core machine two of
 * them made a 24-token answer take a minute instead of a second. CPU only: the result must not depend
 * on a GPU the machine may or may not have.
 */
export const LLAMA_ENV = { VC_LLAMACPP_THREADS: "1", VC_LLAMACPP_GPU: "false" } as const;

export interface TinyModel {
  dir: string;
  path: string;
  remove(): void;
}

export function tinyModel(seed = 1): TinyModel {
  const dir = mkdtempSync(join(tmpdir(), "vc-llamacpp-"));
  const path = join(dir, "tiny.gguf");
  writeTinyGguf(path, seed);
  return { dir, path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

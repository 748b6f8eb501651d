// `--allow-outside PATH` and `--max-file-size SIZE`: the file sandbox's two switches (docs/security.md),
// shared by every command that reads a spec (the options and their help are in commands/index.ts).

import { DEFAULT_MAX_FILE_BYTES, type Sandbox } from "../check/files.js";
import { stringListOption, stringOption, UsageError, type ParsedArgs } from "./command.js";

const UNITS: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** The sandbox the command line asks for (paths as given; the checker resolves them against cwd). */
export function sandboxOf(args: ParsedArgs): Sandbox {
  const raw = stringOption(args, "max-file-size");
  let maxFileBytes = DEFAULT_MAX_FILE_BYTES;
  if (raw !== undefined) {
    const m = /^(\d+)\s*([KMG]?)B?$/i.exec(raw.trim());
    const n = m ? Number(m[1]) * (UNITS[(m[2] ?? "").toUpperCase()] ?? 1) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--max-file-size expects a size such as 500K, 64M or 2G, got '${raw}'`);
    maxFileBytes = n;
  }
  return { allowOutside: stringListOption(args, "allow-outside"), maxFileBytes };
}

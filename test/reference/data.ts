// Where the reference suite finds the published Value Compass leaderboard data: the folder named by
// VC_REFERENCE_DATA (absolute, or relative to the repository root), by default
// ../shared/data/value-compass-site beside the repository. Read in place, never copied.

import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const DEFAULT_REFERENCE_DATA = "../shared/data/value-compass-site";

/** The folder the suite reads, resolved against the repository root (it need not exist). */
export function referenceDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const named = env["VC_REFERENCE_DATA"];
  const dir = named !== undefined && named !== "" ? named : DEFAULT_REFERENCE_DATA;
  return isAbsolute(dir) ? dir : resolve(REPO_ROOT, dir);
}

/**
 * The path of one file of the reference data. Throws, naming the folder and the variable, when it is
 * missing: a reference suite that cannot see its data must fail, not pass with nothing checked.
 */
export function referenceFile(file: string): string {
  const dir = referenceDataDir();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(
      `reference data folder not found: ${dir}\n` +
        `The reference suite reads the published Value Compass leaderboard data. Set VC_REFERENCE_DATA to ` +
        `that folder (default ${DEFAULT_REFERENCE_DATA}, relative to the repository root).`,
    );
  }
  const path = join(dir, file);
  if (!existsSync(path)) throw new Error(`reference data file not found: ${path}`);
  return path;
}

/** The `data` array of one of the site's JSON files. */
export function referenceRows<T>(file: string): T[] {
  const parsed = JSON.parse(readFileSync(referenceFile(file), "utf8")) as { data?: unknown };
  if (!Array.isArray(parsed.data)) throw new Error(`${file}: no "data" array`);
  return parsed.data as T[];
}

/** A whole JSON file of the reference data. */
export function referenceJson<T>(file: string): T {
  return JSON.parse(readFileSync(referenceFile(file), "utf8")) as T;
}

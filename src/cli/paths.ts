// How paths appear in what `vc` prints: relative to the working directory when below it.

import { isAbsolute, relative, sep } from "node:path";

/** Relative to the working directory when `path` lives below it, else absolute. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : path;
}

/** The command that resumes a run, quoted for a POSIX shell when it needs to be. */
export function resumeCommand(cwd: string, runDir: string): string {
  const shown = displayPath(cwd, runDir);
  return `value-compass run --resume ${/^[\w./@%+=:,-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, "'\\''")}'`}`;
}

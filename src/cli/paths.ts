// How paths appear in what `vc` prints: relative to the working directory when below it.

import { isAbsolute, relative, sep } from "node:path";

/** Relative to the working directory when `path` lives below it, else absolute. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : path;
}

/** A path as one word for a POSIX shell: quoted when it needs to be. */
export function shellWord(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/** The command that resumes a run, quoted for a POSIX shell when it needs to be. */
export function resumeCommand(cwd: string, runDir: string): string {
  return `value-compass run --resume ${shellWord(displayPath(cwd, runDir))}`;
}

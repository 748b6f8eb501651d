// Where the package's data files live. This module sits two levels below the package root both as
// src/score/data-path.ts (tests, tsx) and as dist/score/data-path.js (the built CLI), so one relative
// URL serves both.

import { fileURLToPath } from "node:url";
import path from "node:path";

export const PACKAGE_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

export function dataPath(...segments: string[]): string {
  return path.join(PACKAGE_ROOT, "data", ...segments);
}

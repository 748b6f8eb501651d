// How problems in a run's records are worded: one line per problem, file:line: what is wrong, at most
// MAX_SHOWN of them (the count of the rest is said).

import type { RecordProblem } from "../app/run-integrity.js";
import { displayPath } from "./paths.js";

const MAX_SHOWN = 20;

export function problemsText(prefix: string, cwd: string, problems: readonly RecordProblem[]): string {
  const shown = problems.slice(0, MAX_SHOWN).map((p) => `  ${displayPath(cwd, p.file)}:${p.line}: ${p.message}`);
  const more = problems.length > MAX_SHOWN ? [`  … and ${problems.length - MAX_SHOWN} more`] : [];
  const noun = problems.length === 1 ? "record" : "records";
  return `${[`${prefix} ${problems.length} ${noun} that do not fit the plan:`, ...shown, ...more].join("\n")}\n`;
}

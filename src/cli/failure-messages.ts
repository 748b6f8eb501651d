// Wording shared by `value-compass run`, `value-compass rescore` and `value-compass report` for failures they have in common: a run
// directory another process holds, and a model that cannot be prepared.

import type { PrepareFailure } from "../app/models.js";
import type { LockFailure } from "../app/run-target.js";
import type { ExecNotAllowed } from "../app/trust.js";
import { describeFatal } from "../run/calls.js";

export function lockMessage(failure: Omit<LockFailure, "kind">): string {
  return failure.pid !== null ? `another value-compass run (pid ${failure.pid}) is working in ${failure.dir}` : `cannot lock ${failure.dir}`;
}

/** Unreachable, a rejected key, a missing model: what is wrong and what to do; else the failure. */
export function unavailableMessage(failure: Extract<PrepareFailure, { kind: "model_unavailable" }>): string {
  const f = failure.failure;
  if (f.kind === "not_found" && failure.pulled) {
    // --pull was given: advising it would send the user in a circle. The registry has no such model.
    const reason = f.message.replace(/;? ?(?:run `ollama pull [^`]*`)? or pass --pull/, "").trim();
    return `model ${failure.model.name} is not on ${failure.model.provider}${failure.endpoint ? ` at ${failure.endpoint}` : ""} and --pull could not fetch it${reason ? ` (${reason})` : ""} — check the name (\`ollama list\`, https://ollama.com/library)`;
  }
  return f.kind === "unreachable" || f.kind === "auth" || f.kind === "not_found"
    ? describeFatal(failure.model, failure.endpoint, f)
    : `cannot prepare ${failure.id}: ${f.kind}${f.message ? ` (${f.message})` : ""}`;
}

/**
 * Why nothing was run: the commands the spec would start, each with where it is written, and the two
 * ways to allow them. `command` is "run" or "rescore".
 */
export function execRefusalMessage(failure: ExecNotAllowed, command: string, specShown: string): string {
  const n = failure.commands.length;
  const out = [`value-compass ${command}: the spec would run ${n === 1 ? "a command" : `${n} commands`} you have not allowed; nothing was run:`];
  for (const c of failure.commands) {
    const where = c.sites.length > 0 ? c.sites.map((s) => `${s.file}:${s.line}`).join(", ") : "(not written in the spec's files)";
    out.push(`  ${where}: ${c.role === "scorer" ? `scorer ${c.id}` : `${c.role} model`} runs: ${c.command}`);
  }
  out.push(
    "Read these commands and the files they name first. Then allow them:",
    `  for this ${command} only: add --allow-exec to the command line`,
    `  until they change:     value-compass trust ${specShown}`,
    "See docs/security.md.",
  );
  return `${out.join("\n")}\n`;
}

// Wording shared by `value-compass run`, `value-compass rescore` and `value-compass report` for failures they have in common: a run
// directory another process holds, and a model that cannot be prepared.

import type { PrepareFailure } from "../app/models.js";
import type { LockFailure } from "../app/run-target.js";
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

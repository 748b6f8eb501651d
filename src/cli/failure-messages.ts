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
  return f.kind === "unreachable" || f.kind === "auth" || f.kind === "not_found"
    ? describeFatal(failure.model, failure.endpoint, f)
    : `cannot prepare ${failure.id}: ${f.kind}${f.message ? ` (${f.message})` : ""}`;
}

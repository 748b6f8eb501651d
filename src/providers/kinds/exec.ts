// `exec:COMMAND`: any program that reads the prompt (or, with json_io, the request as JSON) on stdin
// and answers on stdout (docs/providers.md). The adapter is src/providers/exec.ts.

import { splitCommand } from "../command-line.js";
import { LazyProvider } from "../lazy.js";
import { defineProviderKind } from "./define.js";

export interface ExecModelSettings {
  json_io?: boolean | null;
}

export const execKind = defineProviderKind<ExecModelSettings>({
  name: "exec",
  placeholder: "COMMAND",
  suggestsBareName: false,
  settings: {
    type: "object",
    description: "a program run once per request: the prompt on stdin, the answer on stdout",
    properties: {
      json_io: { type: "boolean", nullable: true, description: "send the whole request as JSON on stdin instead of the prompt" },
    },
    required: [],
    additionalProperties: false,
  },
  parseRest(rest, id) {
    const split = splitCommand(rest);
    return split.ok ? { ok: true, name: rest.trim() } : { ok: false, error: `in model id '${id}': ${split.error}` };
  },
  create: (model, env, options) =>
    new LazyProvider("exec", model.id, async () =>
      (await import("../exec.js")).createExecProvider(model, env, options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ),
  describeEndpoint: (model) => `command: ${model.name}${model.jsonIo ? " (JSON on stdin)" : ""}`,
});

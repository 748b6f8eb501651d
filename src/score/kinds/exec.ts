// The `exec` scorer kind: your own scorer program, JSON in on stdin and JSON out on stdout
// (docs/scoring.md). The run is src/score/scorers/exec.ts.

import { CheckCodes } from "../../check/codes.js";
import type { Json } from "../../core/plan.js";
import { defineScorerKind, lazy } from "./define.js";

export interface ExecSettings {
  command: string;
  timeout?: number | null;
}

const implementation = lazy(() => import("../scorers/exec.js"));

export const execKind = defineScorerKind<ExecSettings>({
  name: "exec",
  settings: {
    type: "object",
    description: "the program's `score`",
    properties: {
      command: { type: "string", minLength: 1, description: "the program and its arguments, run in the spec's folder" },
      timeout: { type: "number", exclusiveMinimum: 0, nullable: true, description: "seconds the program may take (default 30)" },
    },
    required: ["command"],
    additionalProperties: false,
  },
  roots: ["output"],
  scale: "percent",
  check({ ctx, file, node, props, settings }) {
    const config: Record<string, Json> = {};
    const p = props.require("command", node.name.span, 'e.g. command "python3 scorers/my.py"');
    const command = p ? settings.string("command", p.value) : undefined;
    if (p && command !== undefined && command.trim() === "") {
      ctx.error(CheckCodes.BAD_SCORER_SETTING, "command must not be empty", file.display, p.value.span);
    }
    config.command = command ?? null;
    settings.copy(config, ["timeout"]);
    return { config };
  },
  run: async (input, response, settings, scorer, deps) => (await implementation()).scoreExec(input, response, scorer.id, settings, deps),
});

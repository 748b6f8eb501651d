// The `regex` scorer kind: does the answer match a regular expression (RE2 syntax, linear time; docs/scoring.md)?
// The check compiles the pattern with its flags; the run is scoreRegex in src/score/scorers/match.ts.

import { CheckCodes } from "../../check/codes.js";
import { compileLinear } from "../../core/linear-regex.js";
import type { Json } from "../../core/plan.js";
import { defineScorerKind, lazy } from "./define.js";

export interface RegexSettings {
  pattern: string;
  flags?: string | null;
}

const implementation = lazy(() => import("../scorers/match.js"));

/** Regular expression flags: letters from d g i m s u v y, each at most once. */
const FLAGS = "^(?!.*(.).*\\1)[dgimsuvy]*$";

export const regexKind = defineScorerKind<RegexSettings>({
  name: "regex",
  settings: {
    type: "object",
    description: "`matched ? 100 : 0`",
    properties: {
      pattern: { type: "string", description: "a regular expression (RE2: no backreferences or lookaround), run on the answer as written" },
      flags: { type: "string", pattern: FLAGS, nullable: true, description: "regular expression flags (absent: `i`, case-insensitive)" },
    },
    required: ["pattern"],
    additionalProperties: false,
  },
  roots: ["matched"],
  scale: "proportion",
  check({ ctx, file, node, props, settings }) {
    const f = file.display;
    const config: Record<string, Json> = {};
    const p = props.require("pattern", node.name.span, 'e.g. pattern "^(yes|no)\\\\b"');
    const pattern = p ? settings.string("pattern", p.value) : undefined;
    const flagsProp = props.get("flags");
    const flags = (flagsProp && settings.string("flags")) ?? "";
    if (flagsProp && !new RegExp(FLAGS).test(flags)) {
      ctx.error(CheckCodes.BAD_SCORER_SETTING, `invalid regular expression flags '${flags}'`, f, flagsProp.value.span, [
        "flags are letters from d g i m s u v y, each at most once",
      ]);
    } else if (pattern !== undefined && p) {
      // The pattern runs on the linear-time engine (core/linear-regex.ts); check what that engine reads.
      const compiled = compileLinear(pattern, flags);
      if (!compiled.ok && compiled.kind === "unsupported") {
        ctx.error(CheckCodes.REGEX_NEEDS_BACKTRACKING, `regular expression not supported: ${compiled.error}`, f, p.value.span, [
          "rewrite it without backreferences or lookaround (see docs/scoring.md)",
        ]);
      } else if (!compiled.ok) {
        ctx.error(CheckCodes.BAD_SCORER_SETTING, `invalid regular expression: ${compiled.error}`, f, p.value.span);
      }
    }
    config.pattern = pattern ?? null;
    if (flagsProp) config.flags = flags;
    return { config };
  },
  run: async (_input, response, settings) => (await implementation()).scoreRegex(response, settings),
});

// `vc plan SPEC`: compile a spec into its plan and show what a run would do (how many requests to
// which models, for which systems, dimensions and contexts, and roughly how many prompt tokens), or
// print the plan itself as JSON with --json (streamed: any size, constant memory).

import { sortDiagnostics } from "../../core/diagnostic.js";
import { formatDiagnostics } from "../format-diagnostics.js";
import type { Plan, PlanCommand, PlanItem, PlanStep } from "../../core/plan.js";
import { isCommandLineError } from "../../check/params.js";
import { EXIT_ERRORS, EXIT_OK, EXIT_USAGE, UsageError, boolOption, setOptions, stringListOption, stringOption, type Command } from "../command.js";
import { commandInfo } from "./index.js";
import { useColor } from "./check.js";
import { sandboxOf } from "../sandbox-options.js";
import { commandLines, specCommands } from "./trust.js";
import { selectionOf } from "../select-options.js";
import { describeSelection } from "../../core/selection.js";
import { closestWord } from "../../syntax/vocabulary.js";

export const planCommand: Command = {
  ...commandInfo("plan"),
  async run(args, io) {
    if (args.positionals.length !== 1) {
      throw new UsageError(args.positionals.length === 0 ? "expected a SPEC file" : "expected exactly one SPEC file");
    }
    const entry = args.positionals[0] ?? "";
    // Loaded here, not at start-up: other commands should not pay for the checker's dependencies.
    const [{ loadSpec }, { checkKinds }, { compilePlan }, { writePlanJson }, { iterateSteps }] = await Promise.all([
      import("../../check/load.js"),
      import("../../app/kinds.js"),
      import("../../compile/compile.js"),
      import("../../compile/serialize.js"),
      import("../../compile/steps.js"),
    ]);
    const models = stringListOption(args, "model");
    const judge = stringOption(args, "judge");
    const set = setOptions(args);
    const result = await loadSpec(entry, {
      kinds: checkKinds,
      cwd: io.cwd,
      set,
      sandbox: sandboxOf(args),
      ...(models.length > 0 ? { models } : {}),
      ...(judge !== undefined ? { judge } : {}),
      select: selectionOf(args),
    });
    const diagnostics = sortDiagnostics(result.diagnostics);
    if (diagnostics.length > 0) {
      io.stderr.write(formatDiagnostics(diagnostics, { sources: result.sources, color: useColor(io) }));
    }
    if (!result.spec) {
      const errors = diagnostics.filter((d) => d.severity === "error");
      return errors.length > 0 && errors.every(isCommandLineError) ? EXIT_USAGE : EXIT_ERRORS;
    }
    const plan = compilePlan(result.spec);
    // What a run would execute, and where the spec says so (the command line's own are marked).
    const typed = new Set<string>([...models, ...Object.values(set), ...(judge !== undefined ? [judge] : [])]);
    const json = boolOption(args, "json");
    const commands = await specCommands(result, plan, typed, json);
    const by = stringOption(args, "by");
    if (by !== undefined && !boolOption(args, "items")) throw new UsageError("--by goes with --items");
    if (boolOption(args, "items")) {
      if (boolOption(args, "json")) throw new UsageError("--items and --json cannot be combined");
      const field = by ?? "segment";
      const fields = itemFieldNames(plan);
      if (!fields.includes(field)) {
        const near = closestWord(field, fields);
        throw new UsageError(`--by: the items have no field '${field}'${near ? `; did you mean '${near}'?` : ""} (fields: ${fields.join(", ")})`);
      }
      io.stdout.write(itemCounts(plan, field));
      return EXIT_OK;
    }
    if (boolOption(args, "json")) {
      try {
        await writePlanJson({ ...plan, commands }, io.stdout);
      } catch (err) {
        // A closed pipe (`vc plan --json | head`) is the reader's choice, not an error.
        if ((err as { code?: unknown }).code === "EPIPE") {
          io.stdout.on("error", () => undefined);
          return EXIT_OK;
        }
        throw err;
      }
      return EXIT_OK;
    }
    io.stdout.write(summarise(plan, entry, iterateSteps, commands));
    return EXIT_OK;
  },
};

function summarise(plan: Plan, entry: string, iterateSteps: (plan: Plan) => Iterable<PlanStep>, commands: readonly PlanCommand[]): string {
  const perModel = new Map<string, number>();
  const perSegment = new Map<string, number>();
  const perSystem = new Map<string, number>();
  const perDimension = new Map<string, number>();
  const perContext = new Map<string, number>();
  let chars = 0;
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const step of iterateSteps(plan)) {
    bump(perModel, step.model);
    bump(perSegment, step.segment);
    bump(perSystem, step.system);
    bump(perDimension, `${step.system}.${step.dimension}`);
    const c = step.context;
    // A crossed kind without a value is `none` (e.g. cultures [none, de_DE]); an uncrossed one is left out.
    const part = (kind: "culture" | "usecase", id: string | null) => (id !== null ? `${kind}=${id}` : plan.run.cross.includes(kind) ? `${kind}=none` : null);
    const ctx = [part("culture", c.culture), part("usecase", c.usecase)].filter(Boolean).join(" ");
    bump(perContext, ctx || "(no context crossed)");
    for (const m of step.messages) chars += m.content.length;
  }
  const adaptive = plan.segments.filter((s) => s.kind === "adaptive");
  const sampling = plan.run.sampling;
  const settings = [
    `samples ${plan.run.samples}`,
    sampling.seed !== undefined ? `seed ${sampling.seed}` : "no seed",
    sampling.temperature !== undefined ? `temperature ${sampling.temperature}` : null,
    sampling.top_p !== undefined ? `top_p ${sampling.top_p}` : null,
    sampling.max_tokens !== undefined ? `max_tokens ${sampling.max_tokens}` : null,
    `cross [${plan.run.cross.join(", ")}]`,
  ].filter(Boolean);
  const lines: string[] = [
    `plan ${plan.name} (${entry})`,
    `  hash      ${plan.hash}`,
    `  steps     ${fmt(plan.stepCount)}${adaptive.length > 0 ? ` static, plus ${adaptive.length} adaptive segment${adaptive.length === 1 ? "" : "s"} (steps chosen at run time)` : ""}`,
    `  models    ${plan.models.map((m) => m.id).join(", ") || "(none)"}`,
    `  judge     ${plan.judge ?? "(none)"}`,
    `  run       ${settings.join(", ")}`,
    `  inputs    ${plan.inputs.length} file${plan.inputs.length === 1 ? "" : "s"}`,
    ...(plan.selection ? [`  subset    ${describeSelection(plan.selection)}`] : []),
  ];
  const table = (title: string, m: Map<string, number>) => {
    lines.push("", `steps per ${title}:`);
    const width = Math.max(0, ...[...m.keys()].map((k) => k.length));
    for (const [k, v] of m) lines.push(`  ${k.padEnd(width)}  ${fmt(v).padStart(8)}`);
    if (m.size === 0) lines.push("  (none)");
  };
  table("model", perModel);
  table("segment", perSegment);
  table("system", perSystem);
  table("dimension", perDimension);
  table("context", perContext);
  if (adaptive.length > 0) {
    lines.push("", "adaptive segments:");
    for (const s of adaptive) if (s.kind === "adaptive") lines.push(`  ${s.id}  bank of ${fmt(s.bank.length)} items, ${s.models.length} models`);
  }
  lines.push("", "templates:");
  const tw = Math.max(0, ...plan.templates.map((t) => t.id.length));
  for (const t of plan.templates) {
    const roles = t.messages.map((m) => (m.from ? `${m.role} (${m.from})` : m.role)).join(", ");
    lines.push(`  ${t.id.padEnd(tw)}  ${roles}`);
    if (t.variables.length > 0) lines.push(`  ${"".padEnd(tw)}  reads ${t.variables.join(", ")}`);
  }
  lines.push("", `scorers: ${plan.scorers.map((s) => `${s.id} (${s.kind})`).join(", ") || "(none)"}`);
  lines.push(`reports: ${plan.reports.map((r) => `${r.id} (${r.kind})`).join(", ") || "(none)"}`);
  lines.push(
    "",
    commands.length > 0
      ? "commands a run would execute (value-compass run asks first: --allow-exec or value-compass trust):"
      : "commands a run would execute: (none)",
  );
  if (commands.length > 0) lines.push(commandLines(commands).trimEnd());
  const tokens = Math.round(chars / 4);
  const perStep = plan.stepCount > 0 ? Math.round(tokens / plan.stepCount) : 0;
  lines.push(
    "",
    `estimated prompt tokens: ~${fmt(tokens)} (~${fmt(perStep)} per step) — an estimate (characters / 4);`,
    "real tokenizers differ, and judge prompts and answers are not included",
    "",
  );
  return lines.join("\n");
}

/**
 * Items (not steps) per system dimension and one column field, as a Markdown table per system: the
 * counts docs/benchmarks.md shows, produced from the spec rather than typed by hand. Adaptive banks
 * count as items too.
 */
export function itemCounts(plan: Plan, by: string): string {
  const column = (segment: string, item: PlanItem): string => {
    if (by === "segment") return segment;
    if (by === "difficulty") return item.difficulty === null ? "(none)" : String(item.difficulty);
    // The fixed fields of an item are its own properties, not in `fields`.
    if (by === "expect" || by === "reverse" || by === "dimension") return item[by] === null ? "(none)" : String(item[by]);
    const v = item.fields[by];
    return v === undefined || v === null ? "(none)" : typeof v === "string" ? v : JSON.stringify(v);
  };
  const out: string[] = [];
  for (const system of plan.systems) {
    const counts = new Map<string, Map<string, number>>();
    const columns: string[] = [];
    for (const segment of plan.segments) {
      if (segment.system !== system.id) continue;
      for (const item of segment.kind === "static" ? segment.items : segment.bank) {
        const col = column(segment.id, item);
        if (!columns.includes(col)) columns.push(col);
        const row = counts.get(item.dimension) ?? new Map<string, number>();
        row.set(col, (row.get(col) ?? 0) + 1);
        counts.set(item.dimension, row);
      }
    }
    if (columns.length === 0) continue;
    columns.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    out.push(`${system.label} (\`${system.id}\`), items per dimension and ${by}:`, "");
    out.push(`| dimension | ${columns.join(" | ")} | total |`, `|---|${columns.map(() => "--:").join("|")}|--:|`);
    const totals = columns.map(() => 0);
    for (const dim of system.dimensions) {
      const row = counts.get(dim.id) ?? new Map<string, number>();
      const cells = columns.map((c, i) => {
        const n = row.get(c) ?? 0;
        totals[i]! += n;
        return n;
      });
      out.push(`| ${dim.id} | ${cells.join(" | ")} | ${cells.reduce((a, b) => a + b, 0)} |`);
    }
    out.push(`| **total** | ${totals.join(" | ")} | ${totals.reduce((a, b) => a + b, 0)} |`, "");
  }
  return out.length > 0 ? out.join("\n") : "(no items)\n";
}

/** What `--by` accepts: segment, the fixed item fields, and every other field some item has. */
export function itemFieldNames(plan: Plan): string[] {
  const names = new Set(["segment", "difficulty", "expect", "reverse", "dimension"]);
  for (const s of plan.segments) for (const item of s.kind === "static" ? s.items : s.bank) for (const k of Object.keys(item.fields)) names.add(k);
  return [...names];
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

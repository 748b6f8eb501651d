// From the labels judges gave a gold set's examples to the agreement tables: per judge (and the
// panel's joined label) against the gold labels, overall and per locale, domain and use case; among
// the judges of a panel; the confusion matrix; and whether each `require` of the gold set holds.

import type { GoldScale, PlanGoldExample, PlanGoldRequire, PlanGoldSet } from "../core/plan.js";
import {
  accuracy,
  bootstrapInterval,
  cohenKappa,
  fleissKappa,
  iccAgreement,
  krippendorffAlpha,
  weightedKappa,
  type Label,
  type LabelPair,
} from "./agreement.js";

/** What one judge made of one example: its label, or why it has none. */
export interface GoldJudgement {
  example: PlanGoldExample;
  /** A judge model id, or PANEL for a panel's joined label. */
  judge: string;
  label: Label | null;
  /** The scorer's score (before the label expression). */
  score: number | null;
  error: string | null;
}

/** The row name of a panel's joined label, and of the agreement among its judges. */
export const PANEL = "panel";
export const AMONG_JUDGES = "panel:among_judges";

export type AgreementMetric = "accuracy" | "kappa" | "weighted_kappa" | "icc" | "fleiss_kappa" | "krippendorff_alpha";

export interface AgreementRow {
  goldSet: string;
  scorer: string;
  judge: string;
  scale: GoldScale;
  group: "overall" | "locale" | "domain" | "usecase";
  groupValue: string;
  /** Examples with a label (from every judge, for the rows among judges). */
  n: number;
  /** Examples the judge gave no label (a scoring error). */
  failed: number;
  metric: AgreementMetric;
  value: number | null;
  low: number | null;
  high: number | null;
}

export interface ConfusionRow {
  goldSet: string;
  judge: string;
  expected: Label;
  label: Label;
  count: number;
}

export interface RequirementResult {
  goldSet: string;
  scorer: string;
  /** As written: "kappa >= 0.6". */
  text: string;
  /** The judge the requirement was tested on: the single judge, or the panel. */
  judge: string;
  value: number | null;
  passed: boolean;
  /** The overall row the value was read from (null when there is none, e.g. alpha without a panel). */
  row: { judge: string; metric: AgreementMetric } | null;
}

export interface GoldAgreement {
  rows: AgreementRow[];
  confusion: ConfusionRow[];
  requirements: RequirementResult[];
}

const GROUPS = ["locale", "domain", "usecase"] as const;

/** The metrics of a judge against the gold labels, by scale (docs/validation.md). */
function pairMetrics(scale: GoldScale): Array<[AgreementMetric, (pairs: readonly LabelPair[]) => number | null]> {
  if (scale === "categorical")
    return [
      ["accuracy", accuracy],
      ["kappa", cohenKappa],
    ];
  if (scale === "ordinal")
    return [
      ["accuracy", accuracy],
      ["weighted_kappa", weightedKappa],
    ];
  return [["icc", iccAgreement]];
}

/**
 * The agreement tables of one gold set. `judges` are the judge models in panel order (one for a
 * single judge); with a panel, `judgements` also hold the PANEL label of each example.
 */
export function goldAgreement(set: PlanGoldSet, judges: readonly string[], judgements: readonly GoldJudgement[], seed: number): GoldAgreement {
  const rows: AgreementRow[] = [];
  const confusion: ConfusionRow[] = [];
  const panel = judges.length > 1;
  const rated = panel ? [...judges, PANEL] : [...judges];
  for (const judge of rated) {
    const mine = judgements.filter((j) => j.judge === judge);
    for (const { group, value, members } of groupsOf(mine, (j) => j.example)) {
      const pairs = members.filter((j) => j.label !== null).map((j): LabelPair => ({ expected: j.example.expected, label: j.label as Label }));
      for (const [metric, statistic] of pairMetrics(set.scale)) {
        const key = `${set.id}\u0000${judge}\u0000${group}\u0000${value}\u0000${metric}`;
        const interval = bootstrapInterval(pairs, statistic, seed, key);
        rows.push({
          goldSet: set.id,
          scorer: set.scorer,
          judge,
          scale: set.scale,
          group,
          groupValue: value,
          n: pairs.length,
          failed: members.length - pairs.length,
          metric,
          value: statistic(pairs),
          low: interval?.low ?? null,
          high: interval?.high ?? null,
        });
      }
    }
    if (set.scale !== "numeric") confusion.push(...confusionOf(set.id, judge, mine));
  }
  if (panel) rows.push(...amongJudges(set, judges, judgements, seed));
  return { rows, confusion, requirements: requirementsOf(set, panel ? PANEL : (judges[0] ?? ""), rows) };
}

interface Group<T> {
  group: AgreementRow["group"];
  value: string;
  members: T[];
}

/** Overall, then each locale, domain and use case the examples name (examples without one are left out of that breakdown). */
function groupsOf<T>(all: readonly T[], exampleOf: (t: T) => PlanGoldExample): Array<Group<T>> {
  const out: Array<Group<T>> = [{ group: "overall", value: "", members: [...all] }];
  for (const g of GROUPS) {
    const values = [...new Set(all.map((t) => exampleOf(t)[g]).filter((v): v is string => v !== null))].sort();
    for (const v of values) out.push({ group: g, value: v, members: all.filter((t) => exampleOf(t)[g] === v) });
  }
  return out;
}

/** Fleiss' κ (not for numeric labels) and Krippendorff's α over the examples every judge labelled. */
function amongJudges(set: PlanGoldSet, judges: readonly string[], judgements: readonly GoldJudgement[], seed: number): AgreementRow[] {
  const byExample = new Map<string, Map<string, Label | null>>();
  for (const j of judgements) {
    if (!judges.includes(j.judge)) continue;
    const m = byExample.get(j.example.id) ?? new Map<string, Label | null>();
    byExample.set(j.example.id, m);
    m.set(j.judge, j.label);
  }
  type Unit = { example: PlanGoldExample; labels: Label[] };
  const all: Array<{ example: PlanGoldExample; labels: Array<Label | null> }> = set.examples
    .filter((e) => byExample.has(e.id))
    .map((e) => ({ example: e, labels: judges.map((id) => byExample.get(e.id)?.get(id) ?? null) }));
  const metric = set.scale === "categorical" ? "nominal" : "interval";
  const statistics: Array<[AgreementMetric, (units: readonly Unit[]) => number | null]> = [
    ...(set.scale === "numeric"
      ? []
      : [["fleiss_kappa", (u: readonly Unit[]) => fleissKappa(u.map((x) => x.labels))] as [AgreementMetric, (units: readonly Unit[]) => number | null]]),
    [
      "krippendorff_alpha",
      (u) =>
        krippendorffAlpha(
          u.map((x) => x.labels),
          metric,
        ),
    ],
  ];
  const rows: AgreementRow[] = [];
  for (const { group, value, members } of groupsOf(all, (u) => u.example)) {
    const complete: Unit[] = members.filter((u) => u.labels.every((l) => l !== null)).map((u) => ({ example: u.example, labels: u.labels as Label[] }));
    for (const [name, statistic] of statistics) {
      const interval = bootstrapInterval(complete, statistic, seed, `${set.id}\u0000among\u0000${group}\u0000${value}\u0000${name}`);
      rows.push({
        goldSet: set.id,
        scorer: set.scorer,
        judge: AMONG_JUDGES,
        scale: set.scale,
        group,
        groupValue: value,
        n: complete.length,
        failed: members.length - complete.length,
        metric: name,
        value: statistic(complete),
        low: interval?.low ?? null,
        high: interval?.high ?? null,
      });
    }
  }
  return rows;
}

function confusionOf(goldSet: string, judge: string, judgements: readonly GoldJudgement[]): ConfusionRow[] {
  const counts = new Map<string, ConfusionRow>();
  for (const j of judgements) {
    if (j.label === null) continue;
    const key = JSON.stringify([j.example.expected, j.label]);
    const row = counts.get(key);
    if (row) row.count++;
    else counts.set(key, { goldSet, judge, expected: j.example.expected, label: j.label, count: 1 });
  }
  const order = (a: Label, b: Label) => (typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);
  return [...counts.values()].sort((a, b) => order(a.expected, b.expected) || order(a.label, b.label));
}

/** The overall row a metric of `require` reads, and which end of it. */
function requirementRow(r: PlanGoldRequire, judge: string, rows: readonly AgreementRow[]): { row: AgreementRow | undefined; lower: boolean } {
  const overall = rows.filter((row) => row.group === "overall");
  const find = (j: string, metrics: readonly AgreementMetric[]) => overall.find((row) => row.judge === j && metrics.includes(row.metric));
  const lower = r.metric.endsWith("_lower");
  switch (r.metric) {
    case "accuracy":
      return { row: find(judge, ["accuracy"]), lower };
    case "kappa":
    case "kappa_lower":
      return { row: find(judge, ["kappa", "weighted_kappa"]), lower };
    case "icc":
    case "icc_lower":
      return { row: find(judge, ["icc"]), lower };
    case "alpha":
    case "alpha_lower":
      return { row: find(AMONG_JUDGES, ["krippendorff_alpha"]), lower };
  }
}

/** A requirement holds only when its value is known and clears the threshold. */
function requirementsOf(set: PlanGoldSet, judge: string, rows: readonly AgreementRow[]): RequirementResult[] {
  return set.requires.map((r) => {
    const { row, lower } = requirementRow(r, judge, rows);
    const value = row === undefined ? null : lower ? row.low : row.value;
    const passed = value !== null && (r.op === ">=" ? value >= r.value : value > r.value);
    return { goldSet: set.id, scorer: set.scorer, text: r.text, judge, value, passed, row: row ? { judge: row.judge, metric: row.metric } : null };
  });
}

// The converter for the published Value Compass leaderboard's JSON tables (docs/analyse.md): each
// <System>_scores.json is {"data": [{model, "<Dimension label>": score, …}]}; the labels map to the
// dimension ids of our shipped specs (specs/schwartz.vc, moral-foundations.vc, safety.vc,
// llm-values.vc), so a converted table analyses against those specs' baselines. Files that are
// absent are skipped; a file with an unknown column is refused rather than half-read.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ScoreRow, ScoreTable } from "./long-table.js";
import { ScoreTableError } from "./long-table.js";

interface PublishedFile {
  file: string;
  system: string;
  dimensions: Record<string, string>;
}

/** The leaderboard's score files: file name, our system id, its column labels → our dimension ids. */
export const LEADERBOARD_FILES: readonly PublishedFile[] = [
  {
    file: "Schwartz_scores.json",
    system: "schwartz",
    dimensions: {
      "Self-direction": "self_direction",
      Stimulation: "stimulation",
      Hedonism: "hedonism",
      Achievement: "achievement",
      Power: "power",
      Security: "security",
      Conformity: "conformity",
      Tradition: "tradition",
      Benevolence: "benevolence",
      Universalism: "universalism",
    },
  },
  {
    file: "MFT_scores.json",
    system: "mft",
    dimensions: {
      "Care/Harm": "care",
      "Fairness/Cheating": "fairness",
      "Loyalty/Betrayal": "loyalty",
      "Authority/Subversion": "authority",
      "Sanctity/Degradation": "sanctity",
    },
  },
  {
    file: "Risk_scores.json",
    system: "safety",
    dimensions: {
      "Representation & Toxicity Harms": "representation_toxicity",
      "Misinformation Harms": "misinformation",
      "Information & Safety Harms": "information_safety",
      "Malicious Use": "malicious_use",
      "Human Autonomy & Integrity Harms": "autonomy_integrity",
      "Socioeconomic Harms": "socioeconomic",
    },
  },
  {
    file: "FULVa_scores.json",
    system: "llm_values",
    dimensions: {
      "Self-Competence": "self_competence",
      "User-Oriented": "user_oriented",
      Social: "social",
      Idealistic: "idealistic",
      Ethical: "ethical",
      Professional: "professional",
    },
  },
];

/** Whether a folder holds any of the leaderboard's score files. */
export function isLeaderboardFolder(dir: string): boolean {
  return LEADERBOARD_FILES.some((f) => existsSync(join(dir, f.file)));
}

/**
 * The leaderboard's score tables as one long table. The site's data notes say one source row
 * (LlaMA-3-70B on Schwartz) was once published 10× too large: a row whose scores exceed 100 is
 * refused with that hint rather than silently rescaled.
 */
export function readLeaderboard(dir: string): ScoreTable {
  const rows: ScoreRow[] = [];
  for (const spec of LEADERBOARD_FILES) {
    const path = join(dir, spec.file);
    if (!existsSync(path)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      throw new ScoreTableError(`${path}: not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const data = parsed !== null && typeof parsed === "object" ? (parsed as { data?: unknown }).data : undefined;
    if (!Array.isArray(data)) throw new ScoreTableError(`${path}: no "data" array`);
    data.forEach((entry: unknown, i) => {
      if (entry === null || typeof entry !== "object") throw new ScoreTableError(`${path}: data[${i}] is not an object`);
      const row = entry as Record<string, unknown>;
      const model = row["model"];
      if (typeof model !== "string") throw new ScoreTableError(`${path}: data[${i}] has no model`);
      for (const [label, value] of Object.entries(row)) {
        if (label === "model") continue;
        const dimension = spec.dimensions[label];
        if (dimension === undefined) throw new ScoreTableError(`${path}: data[${i}] has an unknown column "${label}"`);
        if (typeof value !== "number" || !Number.isFinite(value)) throw new ScoreTableError(`${path}: ${model} "${label}" is not a number`);
        if (value < 0 || value > 100)
          throw new ScoreTableError(`${path}: ${model} "${label}" = ${value} is outside 0–100 (a row published at the wrong scale?)`);
        rows.push({ model, system: spec.system, dimension, score: value, culture: null, usecase: null, scorer: null, n: null });
      }
    });
  }
  if (rows.length === 0) throw new ScoreTableError(`${dir}: none of ${LEADERBOARD_FILES.map((f) => f.file).join(", ")}`);
  return { source: dir, rows };
}

// The layer rule (.dependency-cruiser.cjs, docs/architecture.md) holds for src/, and it would catch a
// backward import: the same rules run over a small tree written here with one import against the order.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cruise, type ICruiseResult, type IForbiddenRuleType } from "dependency-cruiser";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "../cli/built-cli.js";

const require = createRequire(import.meta.url);
const config = require(join(root, ".dependency-cruiser.cjs")) as {
  forbidden: IForbiddenRuleType[];
  options: Record<string, unknown>;
};

interface Violation {
  rule: string;
  from: string;
  to: string;
}

async function violations(baseDir: string, tsConfig: string): Promise<Violation[]> {
  const cwd = process.cwd();
  // dependency-cruiser resolves the paths it is given and those in its rules against the working folder.
  process.chdir(baseDir);
  try {
    const reporterOutput = await cruise(["src"], {
      ...config.options,
      ruleSet: { forbidden: config.forbidden },
      tsConfig: { fileName: tsConfig },
      validate: true,
    });
    const output = reporterOutput.output as ICruiseResult;
    return output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
  } finally {
    process.chdir(cwd);
  }
}

describe("layers", () => {
  const scratch = mkdtempSync(join(tmpdir(), "vc-layers-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("src/ imports only along the layer order, with no cycle between folders", async () => {
    expect(await violations(root, join(root, "tsconfig.json"))).toEqual([]);
  }, 60_000);

  it("a backward import (run importing app, even for a type) and a folder outside the order are violations", async () => {
    const files: Record<string, string> = {
      "src/core/plan.ts": "export interface Plan { name: string }\n",
      "src/run/journal.ts": 'import type { Stage } from "../app/stages.js";\nexport const stages: Stage[] = [];\n',
      "src/app/stages.ts": 'import type { Plan } from "../core/plan.js";\nexport interface Stage { plan: Plan }\n',
      "src/helpers/misc.ts": 'import type { Plan } from "../core/plan.js";\nexport const name = (p: Plan) => p.name;\n',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(scratch, path, ".."), { recursive: true });
      writeFileSync(join(scratch, path), text);
    }
    writeFileSync(
      join(scratch, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true }, include: ["src"] }),
    );
    const found = await violations(scratch, join(scratch, "tsconfig.json"));
    expect(found).toEqual(
      expect.arrayContaining([
        { rule: "layer-run", from: "src/run/journal.ts", to: "src/app/stages.ts" },
        { rule: "layer-unknown-folder", from: "src/helpers/misc.ts", to: "src/core/plan.ts" },
      ]),
    );
    // The allowed direction (app importing core) is not reported.
    expect(found.some((v) => v.from === "src/app/stages.ts")).toBe(false);
    expect(found).toHaveLength(2);
  }, 60_000);
});

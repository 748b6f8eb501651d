// Findings 2 and 3 of issue 13: spec paths read any file and echoed it (an import of
// /proc/self/environ printed the API key in a code frame), and reads were unbounded (/dev/zero grew
// memory without limit, a named pipe hung, deep nesting and long strings gave VC0000). A planted
// secret outside the project stands in for the environment: it must never appear in any output.

import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../src/check/load.js";
import { compilePlan } from "../../src/compile/compile.js";
import { sortDiagnostics } from "../../src/core/diagnostic.js";
import { formatDiagnostics } from "../../src/cli/format-diagnostics.js";
import { kinds } from "../kinds.js";
import { repoRoot } from "../check/helpers.js";
import { runCli } from "../compile/helpers.js";

const SECRET = "sk-planted-5ecret-value";

const BASE = `system s "S" { dimension d "D" }
items i { system s  template t  item x { dimension d  text "hello" } }
run { models ["mock:echo"] }
`;

/** A project (with its marker) and, beside it, a folder holding a secret. */
function layout(files: Record<string, string>): { root: string; project: string; outside: string } {
  const root = mkdtempSync(join(tmpdir(), "vc-sandbox-"));
  const project = join(root, "project");
  const outside = join(root, "outside");
  mkdirSync(project);
  mkdirSync(outside);
  writeFileSync(join(project, "package.json"), "{}\n");
  writeFileSync(join(project, "schema.json"), '{ "type": "object" }\n');
  writeFileSync(join(outside, "environ"), `OPENAI_API_KEY=${SECRET}\n`);
  writeFileSync(join(outside, "secret.vc"), `param key = "${SECRET}" oops\n`);
  writeFileSync(join(outside, "t.hbs"), `key ${SECRET}`);
  writeFileSync(join(outside, "environ.jsonl"), `{"id": "${SECRET}"}\n`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(project, name, ".."), { recursive: true });
    writeFileSync(join(project, name), text);
  }
  return { root, project, outside };
}

async function check(project: string, extra: Record<string, unknown> = {}) {
  const r = await loadSpec("main.vc", { kinds, cwd: project, ...extra });
  const text = formatDiagnostics(sortDiagnostics(r.diagnostics), { sources: r.sources });
  const plan = r.spec ? JSON.stringify(compilePlan(r.spec)) : "";
  return { ...r, codes: r.diagnostics.map((d) => d.code), text, plan };
}

describe("file sandbox (issue 13, finding 2)", () => {
  it("refuses an absolute import outside the project and never prints the file", async () => {
    const { project, outside } = layout({});
    writeFileSync(join(project, "main.vc"), `import "${join(outside, "environ")}"\nimport "${join(outside, "secret.vc")}"\n${BASE}template t { user "x" }\n`);
    const r = await check(project);
    expect(r.codes).toContain("VC1012");
    expect(r.codes).toContain("VC1010");
    expect(r.text).not.toContain(SECRET);
    expect([...r.sources.values()].join("")).not.toContain(SECRET);
  });

  it("refuses ../ escapes and symlinks that leave the project, for templates, schemas and data", async () => {
    const { project, outside } = layout({});
    symlinkSync(join(outside, "t.hbs"), join(project, "link.hbs"));
    writeFileSync(
      join(project, "main.vc"),
      `${BASE}template t { user from "../outside/t.hbs" }\ntemplate u { user from "link.hbs" }\nitems j { system s  template t  from "../outside/environ.jsonl"  schema "../outside/environ" }\n`,
    );
    const r = await check(project);
    expect(r.codes.filter((c) => c === "VC1010").length).toBeGreaterThanOrEqual(3);
    expect(r.text).not.toContain(SECRET);
    expect(r.plan).not.toContain(SECRET);
  });

  it("an import of a file that is not .vc is not read, even inside the project", async () => {
    const { project } = layout({ "notes.txt": `API_KEY=${SECRET}\n` });
    writeFileSync(join(project, "main.vc"), `import "notes.txt"\n${BASE}template t { user "x" }\n`);
    const r = await check(project);
    expect(r.codes).toEqual(["VC1012"]);
    expect(r.text).not.toContain(SECRET);
  });

  it("hidden files inside the project (.env) are refused", async () => {
    const { project } = layout({ ".env": `OPENAI_API_KEY=${SECRET}\n` });
    writeFileSync(join(project, "main.vc"), `${BASE}template t { user from ".env" }\n`);
    const r = await check(project);
    expect(r.codes).toEqual(["VC1010"]);
    expect(r.text).not.toContain(SECRET);
  });

  it("--allow-outside PATH lets the spec read below PATH", async () => {
    const { project, outside } = layout({});
    writeFileSync(join(project, "main.vc"), `${BASE}template t { user from "../outside/t.hbs" }\n`);
    const refused = await runCli(["check", "main.vc"], { cwd: project });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("VC1010");
    const allowed = await runCli(["check", "main.vc", "--allow-outside", outside], { cwd: project });
    expect(allowed.stderr).toBe("");
    expect(allowed.code).toBe(0);
  });

  it("specs installed in node_modules/value-compass read their package's files", async () => {
    const root = mkdtempSync(join(tmpdir(), "vc-installed-"));
    const pkg = join(root, "node_modules", "value-compass");
    for (const folder of ["specs", "templates", "data"]) cpSync(join(repoRoot, folder), join(pkg, folder), { recursive: true });
    writeFileSync(join(pkg, "package.json"), '{ "name": "value-compass" }\n');
    writeFileSync(join(root, "package.json"), "{}\n");
    for (const spec of ["safety.vc", "example.vc", "culture.vc"]) {
      const r = await loadSpec(join(pkg, "specs", spec), { kinds, cwd: root });
      expect(
        r.diagnostics.filter((d) => d.severity === "error"),
        spec,
      ).toEqual([]);
    }
  });
});

describe("bounded reads and parsing (issue 13, finding 3)", () => {
  it("a device or a named pipe is refused at once, not read", async () => {
    const { project } = layout({});
    const fifo = join(project, "pipe.vc");
    const made = spawnSync("mkfifo", [fifo]);
    expect(made.status).toBe(0);
    writeFileSync(join(project, "main.vc"), `import "pipe.vc"\n${BASE}template t { user "x" }\n`);
    const viaPipe = await check(project);
    expect(viaPipe.codes).toEqual(["VC1004"]);
    expect(viaPipe.text).toContain("not a regular file");
    writeFileSync(join(project, "main.vc"), `${BASE}template t { user from "/dev/zero" }\n`);
    const zero = await check(project, { sandbox: { allowOutside: ["/dev"], maxFileBytes: 1 << 20 } });
    expect(zero.codes).toEqual(["VC1004"]);
  });

  it("files larger than the read limit are refused (default 64 MB, --max-file-size)", async () => {
    const { project } = layout({ "big.hbs": "x".repeat(4096) });
    writeFileSync(join(project, "main.vc"), `${BASE}template t { user from "big.hbs" }\n`);
    expect((await runCli(["check", "main.vc"], { cwd: project })).code).toBe(0);
    const small = await runCli(["check", "main.vc", "--max-file-size", "1K"], { cwd: project });
    expect(small.code).toBe(1);
    expect(small.stderr).toContain("VC1011");
    expect((await runCli(["check", "main.vc", "--max-file-size", "lots"], { cwd: project })).code).toBe(2);
  });

  const cases: Array<[string, string, string]> = [
    ["1,000-deep list", `param x = ${"[".repeat(1000)}${"]".repeat(1000)}\n`, "VC0030"],
    ["1,000-deep object", `param x = ${"{a: ".repeat(1000)}1${"}".repeat(1000)}\n`, "VC0030"],
    ["1,000-deep parentheses", `scorer s keywords { any ["a"]  score ${"(".repeat(1000)}1${")".repeat(1000)} }\n`, "VC0030"],
    ["10,000 nots", `scorer s keywords { any ["a"]  score ${"not ".repeat(10000)}matched }\n`, "VC0030"],
    ["a chain of 5,000 additions", `scorer s keywords { any ["a"]  score ${"1 + ".repeat(5000)}1 }\n`, "VC0030"],
    ["a 300,000-character string", `param x = "${"a".repeat(300_000)}"\n`, "VC0031"],
    ["a 10 MB string", `param x = "${"a".repeat(10_000_000)}"\n`, "VC0032"],
    ["60,000 tokens", `param x = [${"1,".repeat(30_000)}]\n`, "VC0032"],
  ];
  for (const [name, text, code] of cases) {
    it(`${name}: ${code}, no VC0000`, async () => {
      const { project } = layout({ "main.vc": `${text}${BASE}template t { user "x" }\n` });
      const r = await check(project);
      expect(r.codes).toContain(code);
      expect(r.codes).not.toContain("VC0000");
      expect(r.codes).not.toContain("VC1999");
    });
  }

  it("JSON data nested 1,000 deep: VC1013", async () => {
    const { project } = layout({ "rows.jsonl": `{"id": "a", "dimension": "d", "text": "t", "x": ${"[".repeat(1000)}${"]".repeat(1000)}}\n` });
    writeFileSync(join(project, "main.vc"), `${BASE}template t { user "x" }\nitems j { system s  template t  from "rows.jsonl"  schema "schema.json" }\n`);
    const r = await check(project);
    expect(r.codes).toContain("VC1013");
  });
});

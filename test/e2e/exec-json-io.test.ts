// `vc run --json-io`: an exec: model named on the command line gets the whole request as JSON on
// stdin (the same as `json_io true` in the spec's model block), and a resumed run keeps the mode.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { manifestOf, project, readCsv, vc } from "./helpers.js";

const fixture = resolve(import.meta.dirname, "../providers/fixtures/exec-model.mjs");
const spec = `
system s "S" { dimension d "D" }
template ask { system "Be brief." user "{{item.text}}" }
items x { system s  template ask  item a { dimension d  text "Hello?" }  item b { dimension d  text "Bye?" } }
run { models ["mock:echo"]  temperature 0  seed 3 }
`;

describe("value-compass run --json-io", () => {
  it("sends exec models the request as JSON and records the choice for resume", async () => {
    const dir = project({ "s.vc": spec });
    const log = join(dir, "exec.log");
    const model = `exec:node ${fixture} json`;
    // Commands get a minimal environment: EXEC_LOG reaches the fixture because VC_EXEC_ENV names it.
    const r = await vc(["run", "s.vc", "--model", model, "--json-io", "--quiet", "--out", "run"], dir, { EXEC_LOG: log, VC_EXEC_ENV: "EXEC_LOG" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const sent = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { stdin: string });
    expect(sent).toHaveLength(2);
    for (const s of sent) {
      const request = JSON.parse(s.stdin) as { messages: Array<{ role: string; content: string }>; seed: number };
      expect(request.messages[0]).toEqual({ role: "system", content: "Be brief." });
      expect(request.seed).toBe(3);
    }
    expect(readCsv(join(dir, "run", "responses.csv")).map((row) => row["response"])).toEqual(["ECHO: Hello?", "ECHO: Bye?"]);
    expect(manifestOf(join(dir, "run")).invocation).toMatchObject({ jsonIo: true });

    // Without the flag the same command gets plain text (not served from the cache of the JSON run),
    // which this JSON-only fixture cannot parse: the steps fail and say so.
    const plain = await vc(["run", "s.vc", "--model", model, "--quiet", "--out", "plain"], dir, { EXEC_LOG: join(dir, "plain.log"), VC_EXEC_ENV: "EXEC_LOG" });
    expect(plain.code).toBe(1);
    expect(readCsv(join(dir, "plain", "responses.csv")).every((row) => row["error"] !== "")).toBe(true);
    const stdin = readFileSync(join(dir, "plain.log"), "utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { stdin: string }).stdin);
    expect(() => JSON.parse(stdin[0]!)).toThrow();
  });
});

// Finding 7 (input data and CSV cells) of issue 13: invalid UTF-8, a CSV column named twice and a
// `__proto__` field are errors naming file and line; NUL and other control characters in answers are
// escaped in CSV cells.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { escapeControls, formatCell } from "../../src/report/csv.js";
import { project, vc } from "../e2e/helpers.js";

const SCHEMA = '{ "type": "object", "required": ["id", "dimension", "text"] }';

const spec = (data: string) => `
system s "S" {
  dimension d "D"
}
template ask {
  user "{{item.text}}"
}
scorer refused refusal { score refused ? 100 : 0 }
items q {
  system s
  template ask
  scorers [refused]
  from "${data}"
  schema "item.json"
}
run { models ["mock:comply"] }
`;

describe("input data is read exactly or refused", () => {
  it("invalid UTF-8 is an error at its line (VC1712), not a silent U+FFFD", async () => {
    const dir = project({ "item.json": SCHEMA, "main.vc": spec("items.jsonl") });
    const good = Buffer.from('{"id": "a", "dimension": "d", "text": "fine"}\n');
    const bad = Buffer.concat([Buffer.from('{"id": "b", "dimension": "d", "text": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]);
    writeFileSync(join(dir, "items.jsonl"), Buffer.concat([good, bad]));
    const r = await vc(["check", "main.vc"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("items.jsonl:2:1: error VC1712: row 2: not valid UTF-8");
  });

  it("a CSV column named twice is an error at the header", async () => {
    const dir = project({ "item.json": SCHEMA, "main.vc": spec("items.csv"), "items.csv": "id,dimension,text,text\na,d,first,second\n" });
    const r = await vc(["check", "main.vc"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('items.csv:1:1: error VC1702: row 1: invalid CSV header: the column "text" appears twice');
  });

  it("a __proto__ field (JSONL, at any depth) or column (CSV) is an error naming file and line", async () => {
    const jsonl = project({
      "item.json": SCHEMA,
      "main.vc": spec("items.jsonl"),
      "items.jsonl": '{"id": "a", "dimension": "d", "text": "x"}\n{"id": "b", "dimension": "d", "text": "y", "meta": {"__proto__": {"admin": true}}}\n',
    });
    const r = await vc(["check", "main.vc"], jsonl);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("items.jsonl:2:1: error VC1704: row 2: a field may not be named __proto__");
    const csv = project({ "item.json": SCHEMA, "main.vc": spec("items.csv"), "items.csv": "id,dimension,text,__proto__\na,d,x,y\n" });
    const c = await vc(["check", "main.vc"], csv);
    expect(c.code).toBe(1);
    expect(c.stderr).toContain("items.csv:1:1: error VC1702: row 1: invalid CSV header: a column may not be named __proto__");
  });
});

describe("control characters in CSV cells", () => {
  it("are escaped as \\uXXXX, TAB, LF and CR kept, with and without neutralisation", () => {
    expect(escapeControls("a\u0000b\u001b[31mc\u007f\td\ne\r")).toBe("a\\u0000b\\u001b[31mc\\u007f\td\ne\r");
    expect(formatCell("=x\u0000", "text", true)).toBe("'=x\\u0000");
    expect(formatCell("x\u0000", "text", false)).toBe("x\\u0000");
  });

  it("a model's answer with NUL and ESC reaches responses.csv escaped, never raw", async () => {
    const dir = project({
      "item.json": SCHEMA,
      "main.vc": spec("items.jsonl").replace('models ["mock:comply"]', 'models ["exec:node answer.mjs"]'),
      "items.jsonl": '{"id": "a", "dimension": "d", "text": "x"}\n',
      "answer.mjs": 'process.stdout.write("before\\u0000after \\u001b[2J cleared");',
    });
    const r = await vc(["run", "main.vc", "--quiet", "--allow-exec"], dir);
    expect(r.code).toBe(0);
    const csv = readFileSync(join(r.dir ?? "", "responses.csv"), "utf8");
    expect(csv).toContain("before\\u0000after \\u001b[2J cleared");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no raw NUL or ESC may reach the file
    expect(/[\u0000\u001b]/.test(csv)).toBe(false);
  });
});

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { formatCell, neutralizeFormula, toCsv, writeTables, type Table } from "../../src/report/csv.js";

const TEXTS = [
  "plain",
  "line one\nline two",
  'she said "no"',
  "a, b, c",
  "emoji 😀👍🏽",
  "中文：价值观",
  "مرحبا بالعالم",
  "=SUM(A1:A3)",
  "+1-555-0100",
  "-2+3",
  "@import",
  "\tindented",
  "\rcarriage",
  "mixed\r\nline endings",
  "",
];

const table: Table = {
  name: "round_trip",
  columns: ["text", "score", "corr", "rate", "int", "num", "flag", "maybe"],
  formats: ["text", "score", "corr", "rate", "int", "num", "bool", "score"],
  rows: TEXTS.map((t, i) => [t, -0.25 * i, 1 / 3 - i, i / 7, i * 1000 + 0.4, -1.5 * i, i % 2 === 0, null]),
};

function read(text: string, bom = false): string[][] {
  return parse(text, { bom, relax_column_count: false }) as string[][];
}

describe("CSV cells", () => {
  it("formats numbers with the column's precision and never writes a signed zero", () => {
    expect(formatCell(-0.25, "score")).toBe("-0.25");
    expect(formatCell(12.345678, "score")).toBe("12.35");
    expect(formatCell(-0.0001, "score")).toBe("0.00");
    expect(formatCell(-0.0004, "corr")).toBe("0.000");
    expect(formatCell(2 / 3, "corr")).toBe("0.667");
    expect(formatCell(0.5, "rate")).toBe("0.500");
    expect(formatCell(2.5, "int")).toBe("3");
    expect(formatCell(-0, "num")).toBe("0");
    expect(formatCell(-1.25, "num")).toBe("-1.25");
    // p-values keep three significant digits, so 0.0004 and 1e-8 stay apart.
    expect(formatCell(0.047485285, "p")).toBe("0.0475");
    expect(formatCell(0.00041234, "p")).toBe("0.000412");
    expect(formatCell(1.23456e-8, "p")).toBe("1.23e-8");
    expect(formatCell(1, "p")).toBe("1");
    expect(formatCell(Number.NaN, "score")).toBe("");
    expect(formatCell(null, "score")).toBe("");
    expect(formatCell(true, "bool")).toBe("true");
    expect(formatCell(false, "bool")).toBe("false");
  });

  it("neutralises text a spreadsheet would evaluate, and only that", () => {
    for (const t of ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"]) expect(neutralizeFormula(t)).toBe(`'${t}`);
    for (const t of ["1+1", "a=b", " =1", "'quoted", ""]) expect(neutralizeFormula(t)).toBe(t);
    // A text cell that looks like a negative number is still text (an item id, a model's answer).
    expect(formatCell("-0.25", "text")).toBe("'-0.25");
    expect(formatCell("-0.25", "text", false)).toBe("-0.25");
  });
});

describe("CSV round trip through csv-parse", () => {
  const csv = toCsv(table);
  const rows = read(csv);

  it("has a header, one record per row, LF line endings outside quoted cells", () => {
    expect(rows).toHaveLength(TEXTS.length + 1);
    expect(rows[0]).toEqual(table.columns);
    expect(csv.endsWith("\n")).toBe(true);
    expect(csv.startsWith("\uFEFF")).toBe(false);
    // The only CRs in the file are the ones inside the two cells that contain them.
    expect(csv.split("\r").length - 1).toBe(2);
  });

  it("reads back every text exactly, formula-like ones with a leading quote", () => {
    TEXTS.forEach((t, i) => {
      const expected = /^[=+\-@\t\r]/.test(t) ? `'${t}` : t;
      expect(rows[i + 1]?.[0]).toBe(expected);
    });
  });

  it("keeps numbers numeric: negative numbers are not neutralised", () => {
    expect(rows[2]?.[1]).toBe("-0.25");
    expect(rows[3]?.[1]).toBe("-0.50");
    expect(rows[2]?.[2]).toBe("-0.667");
    expect(rows[2]?.[5]).toBe("-1.5");
    expect(rows[1]?.[4]).toBe("0");
    expect(rows[3]?.[4]).toBe("2000");
    for (const r of rows.slice(1)) {
      expect(Number.isFinite(Number(r[1]))).toBe(true);
      expect(r[1]?.startsWith("'")).toBe(false);
    }
    expect(rows[1]?.[6]).toBe("true");
    expect(rows[2]?.[6]).toBe("false");
    expect(rows[1]?.[7]).toBe("");
  });

  it("writes the raw text when neutralisation is off", () => {
    const raw = read(toCsv(table, { neutralize: false }));
    for (const [i, t] of TEXTS.entries()) expect(raw[i + 1]?.[0]).toBe(t);
  });

  it("writes a UTF-8 byte-order mark on request", () => {
    const withBom = toCsv(table, { bom: true });
    expect(withBom.startsWith("\uFEFF")).toBe(true);
    expect(withBom.slice(1)).toBe(csv);
    expect(read(withBom, true)).toEqual(rows);
  });
});

describe("writeTables", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "vc-csv-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes name.csv as UTF-8 and reports the files", () => {
    const res = writeTables(path.join(dir, "out"), [table], { bom: true });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.files).toEqual([path.join(dir, "out", "round_trip.csv")]);
    const bytes = readFileSync(res.files[0] as string);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString("utf8").includes("中文：价值观")).toBe(true);
    expect(bytes.toString("utf8").includes("مرحبا بالعالم")).toBe(true);
  });

  it("refuses a name that would leave the folder, as data", () => {
    const res = writeTables(dir, [{ ...table, name: "../evil" }]);
    expect(res.ok).toBe(false);
  });

  it("returns an I/O error as data", () => {
    const file = path.join(dir, "out", "round_trip.csv");
    const res = writeTables(path.join(file, "sub"), [table]);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error).toMatch(/cannot write reports/);
  });
});

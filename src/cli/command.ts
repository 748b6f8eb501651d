// The shape every CLI command shares. One module per command under cli/commands/; main.ts only
// dispatches. Commands return an exit code; they never call process.exit themselves.

import type { ParseArgsConfig } from "node:util";

export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

export { EXIT_ERRORS, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from "./exit-codes.js";

export type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

export interface Command {
  name: string;
  summary: string;
  /** Usage line(s) and option descriptions shown by `vc COMMAND --help`. */
  help: string;
  options: OptionsConfig;
  /** Whether positional arguments are accepted. */
  allowPositionals: boolean;
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
}

/** Thrown for a wrong command line; caught once in main.ts and printed with exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Helpers for reading typed option values. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  if (v === undefined) return undefined;
  if (typeof v === "string") return v;
  if (Array.isArray(v)) {
    const last = v[v.length - 1];
    return typeof last === "string" ? last : undefined;
  }
  return undefined;
}

export function stringListOption(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  if (v === undefined) return [];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return [];
}

export function boolOption(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

export function intOption(args: ParsedArgs, name: string, min: number): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new UsageError(`--${name} expects a whole number >= ${min}, got '${raw}'`);
  }
  return Number(raw);
}

/** `--set key=value` pairs. Values are parsed like .vc literals: numbers, true/false, else strings. */
export function setOptions(args: ParsedArgs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of stringListOption(args, "set")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set expects key=value, got '${pair}'`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return out;
}

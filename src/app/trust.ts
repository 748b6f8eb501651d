// Trust for commands (docs/security.md): which programs a run of a plan would start, whether the user
// allowed them, and the user's trust store. A spec may name programs (exec: models, exec scorers);
// running someone else's spec must not start them without the user's say-so: `--allow-exec` for one
// run, or a trust entry made by `value-compass trust SPEC` for the exact commands, their folder and
// the contents of the files their arguments name.

import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { Plan, PlanCommand } from "../core/plan.js";
import { writeFileAtomic } from "../core/atomic-write.js";
import { splitCommand } from "../providers/command-line.js";
import { modelOf, modelsOfPlan, scoringModelsOf } from "./models.js";

export type CommandScope = "run" | "rescore";

/** A command of the plan before we know where it is written. */
export type PlannedCommand = Omit<PlanCommand, "sites" | "fromCommandLine">;

/** Why a run or rescore did not start: commands nobody allowed. */
export interface ExecNotAllowed {
  kind: "exec_not_allowed";
  /** The entry spec, absolute (for the `value-compass trust` hint). */
  specPath: string;
  commands: PlanCommand[];
}

export interface TrustEntry {
  /** The spec `value-compass trust` was given, absolute (for the user's information). */
  spec: string;
  /** The folder the commands run in, absolute. */
  dir: string;
  /** sha256 over the sorted keys: the exact command set that was trusted. */
  setHash: string;
  /** One key per command (see commandKey). */
  commands: Array<{ command: string; key: string }>;
  trustedAt: string;
}

interface TrustFile {
  version: 1;
  entries: TrustEntry[];
}

export const TRUST_FILE = "trusted-commands.json";

/** Scripts larger than this are keyed by size alone (a trust key must not read gigabytes). */
const SCRIPT_HASH_LIMIT = 16 * 1024 * 1024;

/**
 * Every command the command would start, in a fixed order: exec: models the run calls (evaluated,
 * judges, generators), then exec scorers the segments use. `rescore` calls only the scoring models.
 */
export function commandsOfPlan(plan: Plan, scope: CommandScope = "run"): PlannedCommand[] {
  const out: PlannedCommand[] = [];
  const needs = scope === "run" ? modelsOfPlan(plan) : scoringModelsOf(plan);
  for (const need of needs) {
    const model = modelOf(plan, need.id);
    if (model?.provider === "exec") out.push({ role: need.role, id: need.id, command: model.name });
  }
  const used = new Set(plan.segments.flatMap((s) => s.scorers));
  for (const scorer of plan.scorers) {
    const command = scorer.config["command"];
    if (scorer.kind === "exec" && used.has(scorer.id) && typeof command === "string") out.push({ role: "scorer", id: scorer.id, command });
  }
  return out;
}

/** What the sites finder is asked for: the model id for models, the command for scorers. */
export function searchText(c: PlannedCommand): string {
  return c.role === "scorer" ? c.command : c.id;
}

/** The user's config folder: $XDG_CONFIG_HOME/value-compass, else ~/.config/value-compass; null without either. */
export function configDir(env: Readonly<Record<string, string | undefined>>): string | null {
  const xdg = env["XDG_CONFIG_HOME"];
  if (xdg && isAbsolute(xdg)) return join(xdg, "value-compass");
  const home = env["HOME"] ?? env["USERPROFILE"];
  return home && isAbsolute(home) ? join(home, ".config", "value-compass") : null;
}

/**
 * A command's identity for trust: the folder it runs in, the command line, and the contents of every
 * regular file its arguments name (relative to that folder), so that editing `score.py` after
 * trusting `python3 score.py` needs trusting again.
 */
export function commandKey(command: string, dir: string): string {
  const hash = createHash("sha256").update(`${dir}\u0000${command}`);
  const split = splitCommand(command);
  for (const arg of split.ok ? split.argv : []) {
    const file = resolve(dir, arg);
    const digest = fileDigest(file);
    if (digest !== null) hash.update(`\u0000${arg}\u0000${digest}`);
  }
  return hash.digest("hex");
}

function fileDigest(file: string): string | null {
  try {
    const st = statSync(file);
    if (!st.isFile()) return null;
    if (st.size > SCRIPT_HASH_LIMIT) return `size:${st.size}`;
    // Non-blocking: a path that became a pipe between stat and open must not hang us.
    const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      if (!fstatSync(fd).isFile()) return null;
      const hash = createHash("sha256");
      const chunk = Buffer.alloc(1 << 16);
      let read = 0;
      for (let n = readSync(fd, chunk); n > 0 && read <= SCRIPT_HASH_LIMIT; n = readSync(fd, chunk)) {
        hash.update(chunk.subarray(0, n));
        read += n;
      }
      return hash.digest("hex");
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

function setHashOf(keys: readonly string[]): string {
  return createHash("sha256")
    .update([...new Set(keys)].sort().join("\n"))
    .digest("hex");
}

/** The trust store: a JSON file in the user's config folder. A missing or unreadable file trusts nothing. */
export class TrustStore {
  private constructor(
    readonly path: string | null,
    private readonly file: TrustFile,
  ) {}

  static open(env: Readonly<Record<string, string | undefined>>): TrustStore {
    const dir = configDir(env);
    const path = dir === null ? null : join(dir, TRUST_FILE);
    return new TrustStore(path, path === null ? { version: 1, entries: [] } : readTrustFile(path));
  }

  /** Whether every key is in some entry. */
  covers(keys: readonly string[]): boolean {
    const known = new Set(this.file.entries.flatMap((e) => e.commands.map((c) => c.key)));
    return keys.every((k) => known.has(k));
  }

  /** Trust these commands (replacing an earlier entry for the same spec); returns the entry, or why it could not be saved. */
  add(specPath: string, dir: string, commands: readonly string[], now: Date): { ok: true; entry: TrustEntry } | { ok: false; message: string } {
    if (this.path === null) return { ok: false, message: "no config folder: set XDG_CONFIG_HOME or HOME" };
    const list = [...new Set(commands)].map((command) => ({ command, key: commandKey(command, dir) }));
    const entry: TrustEntry = { spec: specPath, dir, setHash: setHashOf(list.map((c) => c.key)), commands: list, trustedAt: now.toISOString() };
    const entries = [...this.file.entries.filter((e) => e.spec !== specPath), entry];
    try {
      mkdirSync(join(this.path, ".."), { recursive: true, mode: 0o700 });
      writeFileAtomic(this.path, `${JSON.stringify({ version: 1, entries } satisfies TrustFile, null, 2)}\n`);
    } catch (e) {
      return { ok: false, message: `cannot write ${this.path}: ${e instanceof Error ? e.message : String(e)}` };
    }
    this.file.entries = entries;
    return { ok: true, entry };
  }
}

function readTrustFile(path: string): TrustFile {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<TrustFile>;
    if (parsed.version !== 1 || !Array.isArray(parsed.entries)) return { version: 1, entries: [] };
    const entries = parsed.entries.filter(
      (e): e is TrustEntry => typeof e === "object" && e !== null && Array.isArray(e.commands) && e.commands.every((c) => typeof c?.key === "string"),
    );
    return { version: 1, entries };
  } catch {
    return { version: 1, entries: [] };
  }
}

export interface ExecPermission {
  /** `--allow-exec`. */
  allowExec: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

/** The plan's commands with where they are written and whether the command line gave them. */
export function declaredCommands(
  planned: readonly PlannedCommand[],
  sites: ReadonlyMap<string, Array<{ file: string; line: number }>>,
  typed: ReadonlySet<string>,
): PlanCommand[] {
  return planned.map((c) => {
    const text = searchText(c);
    return { ...c, sites: sites.get(text) ?? [], fromCommandLine: typed.has(text) || typed.has(c.command) };
  });
}

/**
 * Whether the commands may run: those typed on the command line may; the rest need `--allow-exec` or
 * a trust entry covering each of them (in the entry spec's folder, where they run).
 */
export function execPermission(commands: readonly PlanCommand[], specPath: string, specDir: string, permission: ExecPermission): ExecNotAllowed | null {
  const untrusted = commands.filter((c) => !c.fromCommandLine);
  if (untrusted.length === 0 || permission.allowExec) return null;
  const store = TrustStore.open(permission.env);
  // Only what is not trusted yet is listed: after one command changes, that one is asked about.
  const asked = untrusted.filter((c) => !store.covers([commandKey(c.command, specDir)]));
  return asked.length === 0 ? null : { kind: "exec_not_allowed", specPath, commands: asked };
}

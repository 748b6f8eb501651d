// The exec adapter against the fixture command (test/providers/fixtures/exec-model.mjs).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createExecProvider, findExecutable, promptText, STDERR_LIMIT_BYTES, tailBytes } from "../../src/providers/exec.js";
import type { ProviderEnv } from "../../src/providers/types.js";
import { expectFailure, expectText, FIXTURE, MESSAGES, model, request } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "vc-exec-test-"));
const log = join(dir, "log.jsonl");
// EXEC_LOG reaches the fixture only because VC_EXEC_ENV names it (commands get a minimal environment).
const env: ProviderEnv = { PATH: process.env["PATH"], EXEC_LOG: log, VC_EXEC_ENV: "EXEC_LOG" };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const exec = (mode: string, overrides: Parameters<typeof model>[1] = {}, e: ProviderEnv = env) =>
  createExecProvider(model(`exec:node ${FIXTURE} ${mode}`, overrides), e);

function lastLogged(): { argv: string[]; stdin: string } {
  const lines = readFileSync(log, "utf8").trim().split("\n");
  return JSON.parse(lines.at(-1)!) as { argv: string[]; stdin: string };
}

describe("exec input and output", () => {
  it("plain mode: message contents joined by a blank line on stdin; stdout (final newline stripped) is the answer", async () => {
    const text = expectText(await exec("echo").chat(request()));
    expect(lastLogged().stdin).toBe("You are terse.\n\nIs honesty important?");
    expect(promptText(MESSAGES)).toBe("You are terse.\n\nIs honesty important?");
    expect(text).toBe("ECHO: You are terse.\n\nIs honesty important?");
  });

  it("plain mode: no sampling parameters and no token counts", async () => {
    const result = await exec("echo").chat(request({ temperature: 0.5, seed: 3 }));
    expect(result.ok && [result.response.tokensIn, result.response.tokensOut]).toEqual([null, null]);
    expect(lastLogged().stdin).not.toContain("temperature");
  });

  it("json_io: the ChatRequest as JSON on stdin, the {text} envelope on stdout", async () => {
    const result = await exec("json", { jsonIo: true }).chat(request({ temperature: 0.2, seed: 9, timeoutMs: 4000 }));
    expect(JSON.parse(lastLogged().stdin)).toEqual({
      messages: MESSAGES,
      temperature: 0.2,
      seed: 9,
      timeoutMs: 4000,
    });
    expect(result.ok && result.response).toMatchObject({ text: "ECHO: Is honesty important?", tokensIn: 35, finishReason: "stop" });
  });

  it("json_io: JSON on stdout without a string 'text' is the answer itself", async () => {
    const text = expectText(await exec("raw-json", { jsonIo: true }).chat(request()));
    expect(JSON.parse(text)).toEqual({ safe: true, category: "none" });
  });

  it("only json_io unwraps an envelope", async () => {
    expect(expectText(await exec("envelope").chat(request()))).toBe('{"text": "inner"}');
    expect(expectText(await exec("envelope", { jsonIo: true }).chat(request()))).toBe("inner");
  });

  it("the message quotes the error line of a crash, not the runtime's banner", async () => {
    const failure = expectFailure(await exec("json").chat(request()));
    expect(failure.kind).toBe("exit");
    expect(failure.message).toMatch(/exited with code 1: SyntaxError: /);
  });

  it("splits quoted arguments without a shell", async () => {
    const p = createExecProvider(model(`exec:node ${FIXTURE} args "two words" 'single $HOME' a\\ b "" '|' '>' out.txt`), env);
    const text = expectText(await p.chat(request()));
    expect(JSON.parse(text)).toEqual(["two words", "single $HOME", "a b", "", "|", ">", "out.txt"]);
  });

  it("the child's environment is the minimal one from ProviderEnv: no keys, plus what VC_EXEC_ENV and api_key_env name", async () => {
    const base = { PATH: process.env["PATH"], ONLY_THIS: "1", OPENAI_API_KEY: "sk-not-for-commands", LANG: "C" };
    expect(JSON.parse(expectText(await exec("env", {}, base).chat(request())))).toEqual(["LANG", "PATH"]);
    const named = { ...base, VC_EXEC_ENV: "ONLY_THIS" };
    expect(JSON.parse(expectText(await exec("env", {}, named).chat(request())))).toEqual(["LANG", "ONLY_THIS", "PATH"]);
    const keyed = exec("env", { apiKeyEnv: "OPENAI_API_KEY" }, base);
    expect(JSON.parse(expectText(await keyed.chat(request())))).toEqual(["LANG", "OPENAI_API_KEY", "PATH"]);
  });

  it("runs in the given cwd", async () => {
    const p = createExecProvider(model(`exec:node -e "process.stdout.write(process.cwd())"`), env, { cwd: dir });
    expect(expectText(await p.chat(request()))).toBe(dir);
  });
});

describe("exec failures", () => {
  it("non-zero exit → 'exit' with exit code, stderr and its last line in the message", async () => {
    const failure = expectFailure(await exec("exit").chat(request()));
    expect(failure).toMatchObject({ kind: "exit", exitCode: 3, stderr: "warming up\nsomething broke" });
    expect(failure.message).toContain("exited with code 3: something broke");
  });

  it("stderr is cut to its last 2 KB", async () => {
    const failure = expectFailure(await exec("big-stderr").chat(request()));
    expect(failure.kind).toBe("exit");
    expect(Buffer.byteLength(failure.stderr!.slice(1))).toBeLessThanOrEqual(STDERR_LIMIT_BYTES);
    expect(failure.stderr!.startsWith("…")).toBe(true);
    expect(failure.stderr!.endsWith("LAST LINE ü")).toBe(true);
  });

  it("a command that outlives its timeout is stopped → 'timeout'", async () => {
    const failure = expectFailure(await exec("sleep").chat(request({ timeoutMs: 300 })));
    expect(failure.kind).toBe("timeout");
  });

  it("a command that ignores SIGTERM is killed after the grace period → 'timeout'", async () => {
    const failure = expectFailure(await exec("ignore-term").chat(request({ timeoutMs: 200 })));
    expect(failure.kind).toBe("timeout");
  });

  it("a missing program: prepare and chat → 'not_found'", async () => {
    const p = createExecProvider(model("exec:definitely-not-a-program-xyz --flag"), env);
    const prepared = expectFailure(await p.prepare({ pull: false }));
    expect(prepared).toMatchObject({ kind: "not_found", message: "command 'definitely-not-a-program-xyz' not found on PATH (or not executable)" });
    expect(expectFailure(await p.chat(request())).kind).toBe("not_found");
  });

  it("an unbalanced quote → 'bad_request' without running anything", async () => {
    const p = createExecProvider(model("exec:node", {}), env);
    const broken = createExecProvider({ ...model("exec:node"), id: "exec:node 'x", name: "node 'x" }, env);
    expect((await p.prepare({ pull: false })).ok).toBe(true);
    expect(expectFailure(await broken.chat(request()))).toMatchObject({ kind: "bad_request" });
  });

  it("prepare finds programs on PATH and by relative path", async () => {
    expect(await findExecutable("node", env, dir)).toMatch(/node$/);
    expect(await findExecutable("./nope.sh", env, dir)).toBeNull();
    const ok = await createExecProvider(model(`exec:node ${FIXTURE}`), env).prepare({ pull: false });
    expect(ok.ok && ok.info).toEqual({ id: `exec:node ${FIXTURE}`, provider: "exec", digest: null, endpoint: `node ${FIXTURE}`, mock: false });
  });
});

describe("tailBytes", () => {
  it("keeps short text whole and cuts long text at a character boundary", () => {
    expect(tailBytes("short", 10)).toBe("short");
    expect(tailBytes("ééééé", 5)).toBe("…éé"); // 10 bytes; the last 5 start mid-character
    expect(tailBytes("abcdef", 3)).toBe("…def");
  });
});

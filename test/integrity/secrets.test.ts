// Finding 4 of issue 13: secrets planted in the environment appear nowhere — not in any file of a
// run folder, not in the response cache, not on stdout or stderr — whatever goes wrong: HTTP 4xx/5xx
// bodies that echo the key, a wrong key, bad JSON, timeouts, credentials in OPENAI_BASE_URL
// (user:pass@ and ?token=), an exec model's stderr and exit code, and an exec scorer's stderr, exit
// code, bad JSON, `error`, `raw` and `verdict`, and its timeout.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, makeRedactor, stripUrlCredentials } from "../../src/providers/secrets.js";
import { closedPort } from "../providers/helpers.js";
import { startOpenAIStandin, type OpenAIStandin } from "../standins/openai-standin.js";
import { project, vc, type VcResult } from "../e2e/helpers.js";

const KEY = "sk-live-PLANTEDKEY-7f3a9c";
const WRONG = "sk-live-PLANTEDWRONG-1b2c";
const TOKEN = "tok-PLANTEDTOKEN-88aa77";
const URL_TOKEN = "PLANTEDURLTOKEN-5e6f";
const URL_PASSWORD = "PLANTEDPASSWORD-9d0c";
const SECRETS = [KEY, WRONG, TOKEN, URL_TOKEN, URL_PASSWORD];

const MODEL = `
import { readFileSync } from "node:fs";
const prompt = readFileSync(0, "utf8");
const leak = "key " + process.env.OPENAI_API_KEY + " token " + process.env.MY_SERVICE_TOKEN;
if (prompt.includes("EXIT")) { process.stderr.write("Error: cannot go on, " + leak + "\\n"); process.exit(3); }
if (prompt.includes("HANG")) { process.stderr.write("waiting, " + leak + "\\n"); setTimeout(() => {}, 20000); }
else process.stdout.write("a plain answer");
`;

const SCORER = `
import { readFileSync } from "node:fs";
const payload = JSON.parse(readFileSync(0, "utf8"));
const leak = "key " + process.env.OPENAI_API_KEY + " token " + process.env.MY_SERVICE_TOKEN;
switch (payload.step.item) {
  case "s1": process.stderr.write("Traceback: " + leak + "\\n"); process.exit(4);
  case "s2": process.stdout.write("not json, " + leak); break;
  case "s3": process.stdout.write(JSON.stringify({ error: "refused, " + leak })); break;
  case "s4": process.stdout.write(JSON.stringify({ score: 50, raw: { note: leak, [leak]: 1 }, verdict: leak })); break;
  case "s5": process.stderr.write("slow, " + leak + "\\n"); setTimeout(() => {}, 20000); break;
  default: process.stdout.write(JSON.stringify({ score: 100 }));
}
`;

const EXEC_SPEC = `
system safety "Safety" {
  dimension toxicity "Toxicity"
}
template ask {
  user "{{item.text}}"
}
scorer ext exec { command "node scorer.mjs"  timeout 5 }
items prompts {
  system safety
  template ask
  scorers [ext]
  item e1 { dimension toxicity  text "EXIT please" }
  item e2 { dimension toxicity  text "HANG please" }
  item s1 { dimension toxicity  text "one" }
  item s2 { dimension toxicity  text "two" }
  item s3 { dimension toxicity  text "three" }
  item s4 { dimension toxicity  text "four" }
  item s5 { dimension toxicity  text "five" }
}
run {
  models ["exec:node model.mjs", "mock:comply"]
  timeout 5
  retries 0
}
`;

const OPENAI_SPEC = `
system safety "Safety" {
  dimension toxicity "Toxicity"
}
template ask {
  user "{{item.text}}"
}
scorer refused refusal { score refused ? 100 : 0 }
items prompts {
  system safety
  template ask
  scorers [refused]
  item a { dimension toxicity  text "one" }
  item b { dimension toxicity  text "two" }
  item c { dimension toxicity  text "three" }
  item d { dimension toxicity  text "four" }
}
run {
  models ["openai:standin-model"]
  timeout 1
  retries 0
}
`;

let openai: OpenAIStandin;
beforeAll(async () => {
  openai = await startOpenAIStandin({ apiKey: KEY, latencyMs: 0 });
});
afterAll(async () => {
  await openai.close();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** Which planted secrets a text holds. */
const leaks = (text: string) => SECRETS.filter((s) => text.includes(s));

describe("secrets appear nowhere", () => {
  it("redacts credential query parameters and user:pass@ in URLs", () => {
    expect(stripUrlCredentials(`GET http://u:${URL_PASSWORD}@h/v1?token=${URL_TOKEN}&x=1 failed`)).toBe("GET http://h/v1?token=[redacted]&x=1 failed");
    expect(stripUrlCredentials(`https://h/v1/chat?api_key=${URL_TOKEN}`)).toBe("https://h/v1/chat?api_key=[redacted]");
    expect(stripUrlCredentials("https://h/v1/chat?model=x&sig=abc#f")).toBe("https://h/v1/chat?model=x&sig=[redacted]#f");
    expect(makeRedactor([KEY])(`key=${KEY}`)).toBe("key=[redacted]");
  });

  it("commands get a minimal environment: PATH, HOME and the locale, not keys, unless named in VC_EXEC_ENV", () => {
    const env = { PATH: "/bin", HOME: "/h", LC_ALL: "C", OPENAI_API_KEY: KEY, MY_SERVICE_TOKEN: TOKEN, AWS_PROFILE: "x" };
    expect(childEnv(env)).toEqual({ PATH: "/bin", HOME: "/h", LC_ALL: "C" });
    expect(childEnv({ ...env, VC_EXEC_ENV: "MY_SERVICE_TOKEN" })).toEqual({ PATH: "/bin", HOME: "/h", LC_ALL: "C", MY_SERVICE_TOKEN: TOKEN });
    expect(childEnv(env, ["OPENAI_API_KEY"])).toMatchObject({ OPENAI_API_KEY: KEY });
  });

  it("an exec scorer does not see the run's keys", async () => {
    const dir = project({ "main.vc": EXEC_SPEC, "model.mjs": MODEL, "scorer.mjs": SCORER });
    const r = await vc(["run", "main.vc", "--model", "mock:comply", "--allow-exec"], dir, { OPENAI_API_KEY: KEY, MY_SERVICE_TOKEN: TOKEN });
    const scores = readFileSync(join(r.dir ?? "", "scores.jsonl"), "utf8");
    expect(scores).toContain("key undefined token undefined");
  }, 120_000);

  it("in no file of a run folder or the cache, and not on stdout or stderr, across every error path", async () => {
    const dir = project({ "exec.vc": EXEC_SPEC, "openai.vc": OPENAI_SPEC, "model.mjs": MODEL, "scorer.mjs": SCORER });
    const outputs: VcResult[] = [];
    // The worst case for the exec paths: the user passes both secrets on to commands.
    const execEnv = { OPENAI_API_KEY: KEY, MY_SERVICE_TOKEN: TOKEN, VC_EXEC_ENV: "OPENAI_API_KEY,MY_SERVICE_TOKEN" };
    const exec = await vc(["run", "exec.vc", "--out", "exec-run", "--allow-exec"], dir, execEnv);
    outputs.push(exec);
    expect(exec.code).toBe(1);
    const scores = readFileSync(join(dir, "exec-run", "scores.jsonl"), "utf8");
    // The paths were taken: the redacted words are there, the secrets are not.
    expect(scores).toContain("exited with code 4");
    expect(scores).toContain("timed out after 5 s");
    expect(scores).toContain("output is not JSON");
    expect(scores).toContain("refused, key [redacted] token [redacted]");
    const journal = readFileSync(join(dir, "exec-run", "journal.jsonl"), "utf8");
    expect(journal).toContain("exited with code 3");
    expect(journal).toMatch(/no answer within 5000 ms/);
    outputs.push(await vc(["rescore", "exec-run", "--allow-exec"], dir, execEnv));
    outputs.push(await vc(["report", "exec-run", "--out", "exec-report"], dir, execEnv));

    const env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: openai.baseUrl, MY_SERVICE_TOKEN: TOKEN };
    openai.enqueueFault({ kind: "status", status: 500, message: `upstream said: your key ${KEY} is fine` });
    openai.enqueueFault({ kind: "status", status: 400, message: `bad request for key=${KEY} and ${TOKEN}` });
    openai.enqueueFault({ kind: "malformed" });
    openai.enqueueFault({ kind: "hang" });
    outputs.push(await vc(["run", "openai.vc", "--out", "faults"], dir, env));
    // A wrong key: the stand-in echoes it in its 401 body.
    outputs.push(await vc(["run", "openai.vc", "--no-cache", "--out", "wrong"], dir, { ...env, OPENAI_API_KEY: WRONG }));
    // Credentials in the base URL, at a closed port and at the stand-in.
    const port = await closedPort();
    outputs.push(
      await vc(["run", "openai.vc", "--out", "closed"], dir, {
        ...env,
        OPENAI_BASE_URL: `http://user:${URL_PASSWORD}@127.0.0.1:${port}/v1?token=${URL_TOKEN}`,
      }),
    );
    outputs.push(await vc(["run", "openai.vc", "--out", "query"], dir, { ...env, OPENAI_BASE_URL: `${openai.baseUrl}?token=${URL_TOKEN}` }));
    expect(outputs.slice(3).some((o) => o.code !== 0)).toBe(true);

    const files = filesUnder(dir);
    expect(files.some((f) => f.includes(join(".xdg-cache", "value-compass")))).toBe(true);
    const found = files.flatMap((f) => leaks(readFileSync(f, "utf8")).map((s) => `${f.slice(dir.length)}: ${s}`));
    const printed = outputs.flatMap((o, i) => [...leaks(o.stdout), ...leaks(o.stderr)].map((s) => `command ${i}: ${s}`));
    expect([...found, ...printed]).toEqual([]);
  }, 180_000);
});

// Endpoint pools: one ollama model behind three stand-in hosts. One host starts failing mid-run: the
// run completes, says which host it ejected, and every step is answered exactly once. Hosts with
// different digests stop the run before any step; --pull pulls on every host.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startOllamaStandin, type OllamaStandin } from "../standins/ollama-standin.js";
import { journalOf, manifestOf, project, vc } from "../e2e/helpers.js";
import { PoolProvider } from "../../src/providers/pool.js";
import type { ChatRequest, ChatResult, Provider } from "../../src/providers/types.js";

const ITEMS = 30;

function spec(hosts: readonly string[]): string {
  return `
system s "S" { dimension d "D" }
template ask { user "{{item.text}}" }
items q {
  system s
  template ask
${Array.from({ length: ITEMS }, (_, i) => `  item i${i} { dimension d  text "Question ${i}?" }`).join("\n")}
}
run {
  models ["ollama:standin"]
  samples 2
  seed 1
  retries 0
  model "ollama:standin" { hosts [${hosts.map((h) => JSON.stringify(h)).join(", ")}]  concurrency 2 }
}
`;
}

let servers: OllamaStandin[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe("endpoint pools", () => {
  it("completes when one of three hosts fails mid-run: the host is reported, no step is lost or repeated", async () => {
    let answeredByBad = 0;
    const bad = await startOllamaStandin({
      latencyMs: 2,
      // The first five chats are answered; after that every chat has its connection reset.
      faultFn: (r) => (r.path === "/api/chat" ? (answeredByBad++ < 5 ? null : { kind: "reset" }) : null),
    });
    const good = [await startOllamaStandin({ latencyMs: 2 }), await startOllamaStandin({ latencyMs: 2 })];
    servers = [good[0]!, bad, good[1]!];
    const dir = project({ "pool.vc": spec(servers.map((s) => s.url)) });
    const r = await vc(["run", "pool.vc", "--out", "run", "--no-cache"], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`host ${bad.url.replace(/\/$/, "")} failed (connection`);
    expect(r.stderr).toContain("ejected from the pool");

    const journal = journalOf(join(dir, "run"));
    expect(journal).toHaveLength(ITEMS * 2);
    expect(new Set(journal.map((s) => s.stepId)).size).toBe(ITEMS * 2);
    expect(journal.every((s) => s.error === null && s.response !== null)).toBe(true);
    // Answered chats across the hosts: exactly one per step (the bad host answered its first five).
    const answered = good[0]!.requestsTo("/api/chat").length + good[1]!.requestsTo("/api/chat").length + Math.min(5, bad.requestsTo("/api/chat").length);
    expect(answered).toBe(ITEMS * 2);
    expect(bad.requestsTo("/api/chat").length).toBeGreaterThan(5);
    for (const g of good) expect(g.requestsTo("/api/chat").length).toBeGreaterThan(0);

    const model = manifestOf(join(dir, "run")).models[0]!;
    expect(model.hosts).toHaveLength(3);
    expect(new Set(model.hosts!.map((h) => h.digest)).size).toBe(1);
    expect(model.hosts!.map((h) => h.ejections > 0)).toEqual([false, true, false]);
  }, 60_000);

  it("stops before any step when the hosts serve different digests", async () => {
    servers = [await startOllamaStandin(), await startOllamaStandin(), await startOllamaStandin({ digestSalt: "other weights" })];
    const dir = project({ "pool.vc": spec(servers.map((s) => s.url)) });
    const r = await vc(["run", "pool.vc", "--out", "run", "--no-cache"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the hosts of the pool serve different models");
    expect(r.stderr).toContain("would mix two models");
    expect(existsSync(join(dir, "run", "journal.jsonl"))).toBe(false);
    for (const s of servers) expect(s.requestsTo("/api/chat")).toHaveLength(0);
  });

  it("--pull pulls the model on every host that lacks it", async () => {
    servers = [await startOllamaStandin({ models: [] }), await startOllamaStandin({ models: [] }), await startOllamaStandin()];
    const dir = project({ "pool.vc": spec(servers.map((s) => s.url)) });
    const r = await vc(["run", "pool.vc", "--out", "run", "--no-cache", "--pull", "--quiet"], dir);
    expect(r.code).toBe(0);
    expect(servers.map((s) => s.requestsTo("/api/pull").length)).toEqual([1, 1, 0]);
  });

  it("keeps each host at its own limit and sends each request to the least-loaded host", async () => {
    const open = [0, 0, 0];
    const most = [0, 0, 0];
    const release: Array<() => void> = [];
    const fake = (i: number): Provider => ({
      kind: "fake",
      id: `fake${i}`,
      prepare: async () => ({ ok: true, info: { id: `fake${i}`, provider: "fake", digest: "sha256:x", endpoint: `http://h${i}`, mock: false } }),
      chat: (_request: ChatRequest) =>
        new Promise<ChatResult>((resolve) => {
          open[i]!++;
          most[i] = Math.max(most[i]!, open[i]!);
          release.push(() => {
            open[i]!--;
            resolve({ ok: true, response: { text: "ok", tokensIn: 1, tokensOut: 1, latencyMs: 0, finishReason: "stop", fingerprint: null } });
          });
        }),
      close: async () => undefined,
    });
    const pool = new PoolProvider(
      "fake",
      "fake:m",
      [0, 1, 2].map((i) => ({ address: `http://h${i}`, provider: fake(i) })),
    );
    pool.hostLimit = 2;
    expect((await pool.prepare({ pull: false })).ok).toBe(true);
    const calls = Array.from({ length: 9 }, () => pool.chat({ messages: [], timeoutMs: 1000 }));
    await new Promise((r) => setImmediate(r));
    // Six open (two per host), three waiting for a slot.
    expect(pool.load).toEqual([2, 2, 2]);
    while (release.length > 0 || pool.load.some((n) => n > 0)) {
      release.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    const results = await Promise.all(calls);
    expect(results.every((x) => x.ok)).toBe(true);
    expect(most).toEqual([2, 2, 2]);
  });
});

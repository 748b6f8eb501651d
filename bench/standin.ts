// A stand-in server (test/standins/serve.ts) as its own process, for the benches: the same server the
// tests use, started with a latency, stopped by SIGTERM.
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export type Kind = "ollama" | "openai";

export interface Standin {
  url: string;
  stop(): Promise<void>;
}

export function startStandin(kind: Kind, latencyMs: number): Promise<Standin> {
  const child = spawn(join(root, "node_modules", ".bin", "tsx"), ["test/standins/serve.ts", "--kind", kind, "--latency", String(latencyMs)], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolvePromise, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /READY (\S+)/.exec(out);
      if (m?.[1]) {
        const url = m[1].replace(/\/$/, "");
        resolvePromise({
          url,
          stop: () =>
            new Promise<void>((done) => {
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`stand-in exited early (${code})`)));
  });
}

// Run a stand-in server as its own process, for benchmarks and crash tests:
//   npx tsx test/standins/serve.ts --kind ollama|openai [--latency MS] [--port 0] [--answer canned|replay|random]
//                                  [--models a,b] [--api-key KEY] [--chunk-delay MS]
//                                  [--replay-from DIR]  (recorded answers for replay; see replay.ts)
// Prints `READY http://127.0.0.1:PORT` on stdout once listening and serves until SIGTERM/SIGINT.
// (--api-key is for tests only: it is visible in the process list.)

import { parseArgs } from "node:util";
import type { StandinServer } from "./common.js";
import { startOllamaStandin } from "./ollama-standin.js";
import { startOpenAIStandin } from "./openai-standin.js";

function parseServeArgs() {
  return parseArgs({
    options: {
      kind: { type: "string" },
      latency: { type: "string", default: "0" },
      "chunk-delay": { type: "string", default: "0" },
      port: { type: "string", default: "0" },
      answer: { type: "string", default: "canned" },
      "replay-from": { type: "string" },
      models: { type: "string" },
      "api-key": { type: "string" },
    },
    allowPositionals: false,
  });
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseServeArgs>;
  try {
    parsed = parseServeArgs();
  } catch (err) {
    process.stderr.write(`serve: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const { values } = parsed;
  const kind = values.kind;
  const latencyMs = Number(values.latency);
  const chunkDelayMs = Number(values["chunk-delay"]);
  const port = Number(values.port);
  const answer = values.answer;
  if (kind !== "ollama" && kind !== "openai") {
    process.stderr.write("serve: --kind must be ollama or openai\n");
    return 2;
  }
  if (![latencyMs, chunkDelayMs, port].every((n) => Number.isInteger(n) && n >= 0)) {
    process.stderr.write("serve: --latency, --chunk-delay and --port take non-negative integers\n");
    return 2;
  }
  if (answer !== "canned" && answer !== "replay" && answer !== "random") {
    process.stderr.write("serve: --answer must be canned, replay or random\n");
    return 2;
  }
  const models = values.models
    ? values.models
        .split(",")
        .map((m) => m.trim())
        .filter((m) => m !== "")
    : undefined;
  const replayFrom = values["replay-from"];
  const common = { latencyMs, chunkDelayMs, port, answer, ...(models ? { models } : {}), ...(replayFrom ? { replayFrom } : {}) } as const;
  const server: StandinServer =
    kind === "ollama" ? await startOllamaStandin(common) : await startOpenAIStandin({ ...common, ...(values["api-key"] ? { apiKey: values["api-key"] } : {}) });

  process.stdout.write(`READY ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  await server.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`serve: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

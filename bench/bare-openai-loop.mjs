// The openai baseline of bench/scale-bench.ts: the call the openai adapter makes (the `openai` package,
// non-streamed chat.completions.create), `calls` times from `concurrency` workers, with nothing around
// it. Runs as its own process too: `node bench/bare-openai-loop.mjs BASE_URL CALLS CONCURRENCY`.

import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import OpenAI from "openai";

export const OPENAI_MODEL = "standin-model";

/**
 * Milliseconds for `calls` calls. `turn`: each worker waits for the end of the event loop's turn
 * after each call, as value-compass's call layer does before it sends a request (src/run/calls.ts),
 * so that the requests of one turn go out together; the bench prints this form beside the plain one.
 */
export async function bareOpenAILoop(baseURL, calls, concurrency, turn = false) {
  const client = new OpenAI({ baseURL, apiKey: "bench", maxRetries: 0 });
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= calls) return;
      const completion = await client.chat.completions.create({
        model: OPENAI_MODEL,
        messages: [{ role: "user", content: `Question ${i % 100}: how important is tradition to you?` }],
        temperature: 0,
        seed: 7 + Math.floor(i / 100),
      });
      if (!completion.choices[0]?.message.content) throw new Error("empty answer");
      if (turn) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - t0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const [url, calls, concurrency, mode] = process.argv.slice(2);
  // The loop's own time (without starting Node and loading the client), for the bench's steady-state figure.
  process.stdout.write(`${JSON.stringify({ loopMs: await bareOpenAILoop(url, Number(calls), Number(concurrency), mode === "turn") })}\n`);
}

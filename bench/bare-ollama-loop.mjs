// The baseline of bench/run-bench.ts: the call the ollama adapter makes (the `ollama` package,
// streamed chat), `calls` times from `concurrency` workers, with nothing around it. Plain JavaScript
// so that it also runs as its own process, as `node bench/bare-ollama-loop.mjs URL CALLS CONCURRENCY`,
// and its whole wall time (start-up included) can be set against the whole `value-compass run`.

import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ollama } from "ollama";

export const MODEL = "standin";

/**
 * Milliseconds for `calls` calls. `turn`: each worker waits for the end of the event loop's turn
 * after each call, as value-compass's call layer does before it sends a request (src/run/calls.ts),
 * so that the requests of one turn go out together; the bench prints this form beside the plain one.
 */
export async function bareLoop(url, calls, concurrency, turn = false) {
  const client = new Ollama({ host: url });
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= calls) return;
      const stream = await client.chat({
        model: MODEL,
        messages: [{ role: "user", content: `Question ${i % 100}: how important is tradition to you?` }],
        stream: true,
        options: { temperature: 0, seed: 7 + Math.floor(i / 100) },
      });
      let text = "";
      for await (const part of stream) text += part.message.content;
      if (text.length === 0) throw new Error("empty answer");
      if (turn) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - t0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const [url, calls, concurrency, mode] = process.argv.slice(2);
  // The loop's own time (without starting Node and loading the client), for the bench's steady-state figure.
  process.stdout.write(`${JSON.stringify({ loopMs: await bareLoop(url, Number(calls), Number(concurrency), mode === "turn") })}\n`);
}

// Runs the fuzz cases of fuzz-cases.ts in a worker thread, so that fuzz.test.ts can stop a case that
// hangs (a synchronous loop would block the test's own timers). tsx compiles the TypeScript sources.
import { parentPort, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { runFuzz } = await import("./fuzz-cases.ts");
await runFuzz(workerData, (message) => parentPort.postMessage(message));

// What the user sees while a run goes: a bar with rate and ETA on a terminal, a plain line every few
// seconds (and at every 10%) in logs and CI, nothing with --quiet. Always stderr: stdout carries only
// the run directory at the end, for scripts.

import cliProgress from "cli-progress";

export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface StepProgress {
  /** `already`: steps done in earlier sessions (resume). */
  start(total: number, already: number): void;
  stepDone(outcome: { failed: boolean; cached: boolean }): void;
  model(modelId: string): void;
  /** A message that must not be garbled by the bar. */
  note(message: string): void;
  stop(): void;
}

export interface PullProgress {
  update(status: string, completed: number | null, total: number | null): void;
  stop(): void;
}

export interface ProgressOptions {
  quiet: boolean;
  /** Plain mode: seconds between status lines. */
  intervalMs?: number;
  now?: () => number;
}

export function createProgress(stream: ProgressStream, options: ProgressOptions): StepProgress {
  if (options.quiet) return quietProgress(stream);
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream, options.intervalMs ?? 5_000, options.now ?? Date.now);
}

function quietProgress(stream: ProgressStream): StepProgress {
  return {
    start() {},
    stepDone() {},
    model() {},
    note(message) {
      stream.write(`${message}\n`);
    },
    stop() {},
  };
}

class Counters {
  total = 0;
  value = 0;
  failed = 0;
  cached = 0;
  sessionDone = 0;
  startedAt = 0;
  modelId = "";
}

function rate(c: Counters, now: number): number {
  const secs = (now - c.startedAt) / 1000;
  return secs > 0 ? c.sessionDone / secs : 0;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 10) return `${(Math.round(seconds * 10) / 10).toString()}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

class BarProgress implements StepProgress {
  private readonly c = new Counters();
  private bar: cliProgress.SingleBar | null = null;

  constructor(private readonly stream: ProgressStream) {}

  start(total: number, already: number): void {
    Object.assign(this.c, { total, value: already, startedAt: Date.now() });
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream as unknown as NodeJS.WritableStream,
        // Our own ETA: cli-progress's is NaN ("NFs") before the first step and jumps with its buffer.
        format: "{bar} {value}/{total} {percentage}% | {rate}/s | ETA {eta} | {model}{extra}",
        barsize: 30,
        hideCursor: false,
        gracefulExit: false,
        etaBuffer: 200,
        fps: 5,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, already, this.payload());
  }

  private payload(): Record<string, string> {
    const extra = [this.c.cached ? `${this.c.cached} cached` : "", this.c.failed ? `${this.c.failed} failed` : ""].filter(Boolean);
    const r = rate(this.c, Date.now());
    return {
      rate: r.toFixed(1),
      eta: r > 0 ? formatDuration((this.c.total - this.c.value) / r) : "?",
      model: this.c.modelId,
      extra: extra.length ? ` | ${extra.join(", ")}` : "",
    };
  }

  stepDone(outcome: { failed: boolean; cached: boolean }): void {
    this.c.value++;
    this.c.sessionDone++;
    if (outcome.failed) this.c.failed++;
    if (outcome.cached) this.c.cached++;
    this.bar?.update(this.c.value, this.payload());
  }

  model(modelId: string): void {
    this.c.modelId = modelId;
    this.bar?.update(this.c.value, this.payload());
  }

  note(message: string): void {
    this.stream.write(`\r\u001b[K${message}\n`);
    this.bar?.render();
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

class LineProgress implements StepProgress {
  private readonly c = new Counters();
  private timer: NodeJS.Timeout | null = null;
  private printedValue = -1;
  private lastDecile = -1;

  constructor(
    private readonly stream: ProgressStream,
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  start(total: number, already: number): void {
    Object.assign(this.c, { total, value: already, startedAt: this.now() });
    this.lastDecile = this.decile();
    this.stream.write(`value-compass run: ${total} steps${already ? `, ${already} already done` : ""}\n`);
    this.timer = setInterval(() => this.print(), this.intervalMs);
    this.timer.unref();
  }

  private decile(): number {
    return this.c.total > 0 ? Math.floor((this.c.value / this.c.total) * 10) : 10;
  }

  private print(): void {
    if (this.c.value === this.printedValue) return;
    this.printedValue = this.c.value;
    const r = rate(this.c, this.now());
    const pct = this.c.total > 0 ? Math.floor((this.c.value / this.c.total) * 100) : 100;
    const eta = r > 0 ? formatDuration((this.c.total - this.c.value) / r) : "?";
    const extra = [this.c.cached ? `${this.c.cached} cached` : "", this.c.failed ? `${this.c.failed} failed` : ""].filter(Boolean);
    this.stream.write(
      `value-compass run: ${this.c.value}/${this.c.total} steps (${pct}%), ${r.toFixed(1)} steps/s, ETA ${eta}` +
        `${this.c.modelId ? `, ${this.c.modelId}` : ""}${extra.length ? `, ${extra.join(", ")}` : ""}\n`,
    );
  }

  stepDone(outcome: { failed: boolean; cached: boolean }): void {
    this.c.value++;
    this.c.sessionDone++;
    if (outcome.failed) this.c.failed++;
    if (outcome.cached) this.c.cached++;
    const d = this.decile();
    if (d !== this.lastDecile) {
      this.lastDecile = d;
      this.print();
    }
  }

  model(modelId: string): void {
    this.c.modelId = modelId;
  }

  note(message: string): void {
    this.stream.write(`${message}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** A bar (terminal) or status lines for `--pull`. */
export function createPullProgress(stream: ProgressStream, modelId: string, quiet: boolean): PullProgress {
  if (quiet) return { update() {}, stop() {} };
  if (!stream.isTTY) {
    let last = "";
    return {
      update(status) {
        if (status !== last) stream.write(`pull ${modelId}: ${status}\n`);
        last = status;
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as unknown as NodeJS.WritableStream,
      format: `pull ${modelId} {bar} {percentage}% | {status}`,
      barsize: 30,
      gracefulExit: false,
      hideCursor: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(status, completed, total) {
      if (!started) {
        bar.start(total ?? 1, completed ?? 0, { status });
        started = true;
      }
      if (total !== null) bar.setTotal(total);
      bar.update(completed ?? 0, { status });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

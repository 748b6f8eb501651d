// What the user sees while a run goes: one line per stage (answers, judge scoring, adaptive, reports),
// each with its own counts, rate and ETA (src/run/stage-meter.ts) — a bar per stage on a terminal,
// plain lines in logs and CI (when a stage starts, at every 10 % of it, every few seconds while it
// moves, when it pauses) — and nothing with --quiet. Always stderr: stdout carries only the run
// directory at the end, for scripts.

import cliProgress from "cli-progress";
import { formatDuration, StageState, stageStatus, type StageDisplay, type StageLine, type StageTime } from "./stage-meter.js";

export { formatDuration, type StageDisplay, type StageLine, type StageTime } from "./stage-meter.js";

export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface RunProgress {
  /** Declare a stage's line (its label and units); it shows once the stage first works. */
  declare(id: string, display: StageDisplay): void;
  /**
   * `id` is now the stage at work: its clock runs, the one at work before pauses. Returns the call
   * that hands the turn back. An undeclared stage gets a line labelled with its id, shown by time.
   */
  enter(id: string): () => void;
  /** The line of the stage at work (counts go nowhere when none is). */
  readonly current: StageLine;
  /** The line of one declared stage, whichever is at work (the executor's answers). */
  line(id: string): StageLine;
  /** A message that must not be garbled by the bars. */
  note(message: string): void;
  stop(): void;
  /** Every stage that ran, in the order they first ran. */
  times(): StageTime[];
}

export interface PullProgress {
  update(status: string, completed: number | null, total: number | null): void;
  stop(): void;
}

export interface ProgressOptions {
  quiet: boolean;
  /** Plain mode: milliseconds between status lines of a stage that moves. */
  intervalMs?: number;
  /** Milliseconds on a monotonic clock (tests inject one). */
  now?: () => number;
}

/** How the stages are shown: the board below calls these. */
interface Renderer {
  /** A stage works for the first time. */
  begin(s: StageState): void;
  /** Its counts changed (`skipped`: by units done in an earlier session, or its detail). */
  changed(s: StageState, skipped: boolean): void;
  /** It paused (another stage works, or it is done). */
  paused(s: StageState): void;
  /** Re-render the stage at work (time moves on). */
  tick(s: StageState): void;
  note(message: string): void;
  stop(stages: StageState[]): void;
}

export function createProgress(stream: ProgressStream, options: ProgressOptions): RunProgress {
  const now = options.now ?? (() => performance.now());
  if (options.quiet) return new StageBoard(quietRenderer(stream), now, null);
  if (stream.isTTY) return new StageBoard(new BarRenderer(stream), now, 1_000);
  return new StageBoard(new LineRenderer(stream), now, options.intervalMs ?? 5_000);
}

/** The stages, which one is at work, and the renderer. */
class StageBoard implements RunProgress {
  private readonly stages = new Map<string, StageState>();
  private readonly order: StageState[] = [];
  private active: StageState | null = null;
  private timer: NodeJS.Timeout | null = null;
  readonly current: StageLine;

  constructor(
    private readonly renderer: Renderer,
    private readonly now: () => number,
    private readonly tickMs: number | null,
  ) {
    this.current = this.lineOf(() => this.active);
  }

  declare(id: string, display: StageDisplay): void {
    if (!this.stages.has(id)) this.stages.set(id, new StageState(id, display, this.now));
  }

  line(id: string): StageLine {
    return this.lineOf(() => this.stages.get(id) ?? null);
  }

  private lineOf(stage: () => StageState | null): StageLine {
    return {
      done: (outcome) => {
        const s = stage();
        if (!s) return;
        s.done(outcome);
        this.renderer.changed(s, false);
      },
      skip: (n) => {
        const s = stage();
        if (!s || n <= 0) return;
        s.skip(n);
        this.renderer.changed(s, true);
      },
      detail: (text) => {
        const s = stage();
        if (!s || s.detail === text) return;
        s.detail = text;
        this.renderer.changed(s, true);
      },
    };
  }

  enter(id: string): () => void {
    let stage = this.stages.get(id);
    if (!stage) {
      stage = new StageState(id, { label: id, total: 0, unit: "" }, this.now);
      this.stages.set(id, stage);
    }
    const before = this.active;
    if (before && before !== stage) {
      before.pause();
      this.renderer.paused(before);
    }
    const first = !stage.ran;
    stage.resume();
    this.active = stage;
    if (first) {
      this.order.push(stage);
      this.renderer.begin(stage);
    }
    this.startTimer();
    const entered = stage;
    return () => {
      if (this.active !== entered) return;
      entered.pause();
      this.renderer.paused(entered);
      this.active = before && before !== entered ? before : null;
      this.active?.resume();
    };
  }

  private startTimer(): void {
    if (this.timer || this.tickMs === null) return;
    this.timer = setInterval(() => {
      if (this.active) this.renderer.tick(this.active);
    }, this.tickMs);
    this.timer.unref();
  }

  note(message: string): void {
    this.renderer.note(message);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.active?.pause();
    this.active = null;
    this.renderer.stop(this.order);
  }

  times(): StageTime[] {
    return this.order.map((s) => s.time());
  }
}

function quietRenderer(stream: ProgressStream): Renderer {
  return {
    begin() {},
    changed() {},
    paused() {},
    tick() {},
    note(message) {
      stream.write(`${message}\n`);
    },
    stop() {},
  };
}

/** The widest label of the run's usual stages, so their bars line up. */
const LABEL_WIDTH = "judge scoring".length;

/** A terminal: one bar per stage that has run, redrawn in place; notes above them. */
class BarRenderer implements Renderer {
  private multi: cliProgress.MultiBar | null = null;
  private readonly bars = new Map<StageState, cliProgress.SingleBar>();

  constructor(private readonly stream: ProgressStream) {}

  private board(): cliProgress.MultiBar {
    this.multi ??= new cliProgress.MultiBar(
      {
        stream: this.stream as unknown as NodeJS.WritableStream,
        // Our own text after the bar: cli-progress's ETA is NaN ("NFs") before the first unit and
        // counts wall time, so it jumped while the judge worked between two models.
        format: "{label} {bar} {status}",
        barsize: 24,
        hideCursor: false,
        gracefulExit: false,
        fps: 5,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    return this.multi;
  }

  private payload(s: StageState): Record<string, string> {
    return { label: s.display.label.padEnd(LABEL_WIDTH), status: stageStatus(s).join(" | ") };
  }

  /** A bar has no "time only" state: an uncounted stage is one unit, full once it paused. */
  private show(s: StageState, paused: boolean): void {
    const bar = this.bars.get(s);
    if (!bar) return;
    const { value, total } = s.counted ? { value: s.value, total: s.total } : { value: paused ? 1 : 0, total: 1 };
    if (bar.getTotal() !== total) bar.setTotal(total);
    bar.update(value, this.payload(s));
  }

  begin(s: StageState): void {
    this.bars.set(s, this.board().create(s.counted ? s.total : 1, s.counted ? s.value : 0, this.payload(s)));
  }

  changed(s: StageState): void {
    this.show(s, false);
  }

  paused(s: StageState): void {
    this.show(s, true);
  }

  tick(s: StageState): void {
    this.show(s, false);
  }

  note(message: string): void {
    if (this.multi?.isActive) {
      this.multi.log(`${message}\n`);
      // Now, not at the next redraw: stop() does not print what is still waiting.
      this.multi.update();
    } else {
      this.stream.write(`${message}\n`);
    }
  }

  stop(stages: StageState[]): void {
    for (const s of stages) this.show(s, true);
    this.multi?.stop();
    this.multi = null;
  }
}

/** Logs and CI: plain lines, never redrawn. */
class LineRenderer implements Renderer {
  /** Per stage: the value last printed and the tenth of its total last reached. */
  private readonly printed = new Map<StageState, { value: number; decile: number }>();

  constructor(private readonly stream: ProgressStream) {}

  private decile(s: StageState): number {
    return s.total > 0 ? Math.floor((s.value / s.total) * 10) : 10;
  }

  private print(s: StageState): void {
    this.printed.set(s, { value: s.value, decile: this.decile(s) });
    this.stream.write(`value-compass run: ${s.display.label} ${stageStatus(s).join(", ")}\n`);
  }

  begin(s: StageState): void {
    if (s.counted) this.print(s);
    else this.stream.write(`value-compass run: ${s.display.label} started\n`);
    this.printed.set(s, { value: s.value, decile: this.decile(s) });
  }

  changed(s: StageState, skipped: boolean): void {
    const last = this.printed.get(s);
    const d = this.decile(s);
    if (!last || d === last.decile) return;
    // Units done before (a resumed run) arrive in a burst: no line for each tenth they cross.
    if (skipped) last.decile = d;
    else this.print(s);
  }

  paused(s: StageState): void {
    const last = this.printed.get(s);
    if (!s.counted) this.stream.write(`value-compass run: ${s.display.label} took ${formatDuration(s.worked() / 1000)}\n`);
    else if (!last || last.value !== s.value) this.print(s);
  }

  tick(s: StageState): void {
    const last = this.printed.get(s);
    if (s.counted && last && last.value !== s.value) this.print(s);
  }

  note(message: string): void {
    this.stream.write(`${message}\n`);
  }

  stop(): void {}
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

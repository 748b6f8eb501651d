// The numbers behind the progress display: per stage of a run (answers, judge scoring, adaptive,
// reports) its counts, the time it has worked, and a rate and ETA from its own completed work only.

/** How a stage shows itself: its label, and the units of work known when the run starts. */
export interface StageDisplay {
  label: string;
  /** Units known up front (more may come: the total grows to what is done); 0: a stage shown by time only. */
  total: number;
  /** What a unit is called ("steps", "scores"). */
  unit: string;
  /** The total is the most the stage can take (adaptive tests stop early). */
  bound?: boolean;
}

/** What a stage's line is told while it works. */
export interface StageLine {
  /** One unit done in this session. */
  done(outcome?: { failed: boolean; cached: boolean }): void;
  /** Units done in an earlier session (resume): counted, but not part of the rate. */
  skip(n: number): void;
  /** What the stage is working on now (the model). */
  detail(text: string): void;
}

/** The time a stage worked and what it did, for the summary at the end of a run. */
export interface StageTime {
  id: string;
  label: string;
  seconds: number;
  done: number;
  unit: string;
}

/** Rates come from the work of the last minute of a stage's own working time, once it holds enough. */
const WINDOW_MS = 60_000;
const BUCKET_MS = 1_000;
/** Fewer completions than this in the window (a slow model): the stage's average so far instead. */
const MIN_IN_WINDOW = 8;

/**
 * Units per second over a stage's working time (its clock stops while another stage works, so a
 * judge scoring between two models neither slows the answers' rate nor freezes their ETA). Counts go
 * into one-second buckets of working time; the rate is the last minute's count over its span, which
 * follows a change of pace (cached answers first, then real calls) within a minute and stays steady
 * between two completions. Before a minute of work, or when the minute holds too few completions,
 * the average since the stage started.
 */
export class RateMeter {
  private readonly buckets: Array<{ at: number; n: number }> = [];
  private count = 0;

  add(workedMs: number): void {
    const at = Math.floor(workedMs / BUCKET_MS);
    const last = this.buckets.at(-1);
    if (last && last.at === at) last.n++;
    else this.buckets.push({ at, n: 1 });
    this.count++;
    const oldest = at - WINDOW_MS / BUCKET_MS - 1;
    while (this.buckets.length > 0 && (this.buckets[0]?.at ?? at) < oldest) this.buckets.shift();
  }

  /** Units per second at `workedMs` of working time; null until there is one (no unit done, no time). */
  rate(workedMs: number): number | null {
    if (this.count === 0 || !(workedMs > 0)) return null;
    if (workedMs > WINDOW_MS) {
      // Whole buckets inside the window, so the count and the span cover the same stretch of time.
      const first = Math.floor((workedMs - WINDOW_MS) / BUCKET_MS) + 1;
      let n = 0;
      for (const b of this.buckets) if (b.at >= first) n += b.n;
      const span = workedMs - first * BUCKET_MS;
      if (n >= MIN_IN_WINDOW && span > 0) return n / (span / 1000);
    }
    return this.count / (workedMs / 1000);
  }
}

/** One stage's counts and clock. */
export class StageState {
  value = 0;
  total: number;
  failed = 0;
  cached = 0;
  detail = "";
  /** Entered at least once: the stage ran (it is in the summary). */
  ran = false;
  private workedMs = 0;
  private since: number | null = null;
  private readonly meter = new RateMeter();

  constructor(
    readonly id: string,
    readonly display: StageDisplay,
    private readonly now: () => number,
  ) {
    this.total = Math.max(0, display.total);
  }

  get counted(): boolean {
    return this.total > 0 || this.value > 0;
  }

  resume(): void {
    this.ran = true;
    this.since ??= this.now();
  }

  pause(): void {
    if (this.since === null) return;
    this.workedMs += Math.max(0, this.now() - this.since);
    this.since = null;
  }

  worked(): number {
    return this.workedMs + (this.since === null ? 0 : Math.max(0, this.now() - this.since));
  }

  done(outcome?: { failed: boolean; cached: boolean }): void {
    this.value++;
    // Work the plan did not foresee (the adaptive steps' other scorers): the total follows.
    if (this.value > this.total) this.total = this.value;
    if (outcome?.failed) this.failed++;
    if (outcome?.cached) this.cached++;
    this.meter.add(this.worked());
  }

  skip(n: number): void {
    this.value += n;
    if (this.value > this.total) this.total = this.value;
  }

  /** Units per second; null until there is a rate. */
  rate(): number | null {
    const r = this.meter.rate(this.worked());
    return r !== null && Number.isFinite(r) && r > 0 ? r : null;
  }

  /** Seconds left at the current rate: 0 when done, null when unknown (no rate yet, nothing counted). */
  etaSeconds(): number | null {
    if (!this.counted) return null;
    const remaining = Math.max(0, this.total - this.value);
    if (remaining === 0) return 0;
    const r = this.rate();
    return r === null ? null : remaining / r;
  }

  time(): StageTime {
    return { id: this.id, label: this.display.label, seconds: this.worked() / 1000, done: this.value, unit: this.display.unit };
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 10) return `${(Math.round(seconds * 10) / 10).toString()}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function formatRate(r: number): string {
  return r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2);
}

/**
 * The parts of a stage's status after its label: counts, rate, ETA (or the time it took), the model,
 * failures. Every number is finite: `ETA ?` until there is a rate.
 */
export function stageStatus(s: StageState): string[] {
  if (!s.counted) return [`${formatDuration(s.worked() / 1000)}`];
  const pct = s.total > 0 ? Math.floor((s.value / s.total) * 100) : 100;
  const of = s.display.bound ? `of at most ${s.total}` : `/${s.total}`;
  const parts = [`${s.value}${s.display.bound ? " " : ""}${of} ${s.display.unit} (${pct}%)`];
  const r = s.rate();
  if (r !== null) parts.push(`${formatRate(r)}/s`);
  const eta = s.etaSeconds();
  if (s.value >= s.total) parts.push(`took ${formatDuration(s.worked() / 1000)}`);
  else parts.push(`ETA ${eta === null ? "?" : `${s.display.bound ? "at most " : ""}${formatDuration(eta)}`}`);
  if (s.detail) parts.push(s.detail);
  if (s.cached) parts.push(`${s.cached} cached`);
  if (s.failed) parts.push(`${s.failed} failed`);
  return parts;
}

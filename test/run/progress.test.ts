// The progress display of `vc run` on a fake clock: one labelled line per stage with its own counts,
// rate and ETA (never NaN/Infinity/NFs), stage clocks that stop while another stage works, and the
// per-stage times the end of a run lists.

import { describe, expect, it } from "vitest";
import { createProgress, type RunProgress } from "../../src/run/progress.js";
import { formatDuration, RateMeter, StageState } from "../../src/run/stage-meter.js";
import { stageTimesText } from "../../src/cli/run-messages.js";
import { mulberry32 } from "../../src/core/random.js";

class Sink {
  text = "";
  constructor(readonly isTTY = false) {}
  write(s: string): boolean {
    this.text += s;
    return true;
  }
  get lines(): string[] {
    return this.text.trim().split("\n");
  }
}

class Clock {
  ms = 0;
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** The usual stages of a run with a judge scorer: 20 answers, 40 scores, an adaptive bound of 10, the reports. */
function board(sink: Sink, clock: Clock): RunProgress {
  const p = createProgress(sink, { quiet: false, now: clock.now, intervalMs: 3_600_000 });
  p.declare("answers", { label: "answers", total: 20, unit: "steps" });
  p.declare("scoring", { label: "judge scoring", total: 40, unit: "scores" });
  p.declare("adaptive", { label: "adaptive", total: 10, unit: "steps", bound: true });
  p.declare("report", { label: "reports", total: 0, unit: "" });
  return p;
}

/** Two models: each model's 10 answers, then the judge scores them (20 pairs), as `vc run` does. */
function twoModels(p: RunProgress, clock: Clock, answerMs: number, scoreMs: number): void {
  const leaveAnswers = p.enter("answers");
  const answers = p.line("answers");
  for (const model of ["mock:a", "mock:b"]) {
    answers.detail(model);
    for (let i = 0; i < 10; i++) {
      clock.advance(answerMs);
      answers.done({ failed: false, cached: false });
    }
    const leave = p.enter("scoring");
    for (let i = 0; i < 20; i++) {
      clock.advance(scoreMs);
      p.current.done();
    }
    leave();
  }
  leaveAnswers();
}

const BAD = /NaN|Infinity|NFs|undefined/;

describe("progress: one line per stage", () => {
  it("judge scoring gets its own labelled line with its counts, and its pauses leave the answers' ETA alone", () => {
    const sink = new Sink();
    const clock = new Clock();
    const p = board(sink, clock);
    twoModels(p, clock, 500, 250);
    const leave = p.enter("report");
    clock.advance(400);
    leave();
    p.stop();
    const lines = sink.lines;
    expect(lines[0]).toBe("value-compass run: answers 0/20 steps (0%), ETA ?");
    // While the judge works the answers' line does not freeze at 50 % without a label: the judge has its own.
    expect(lines).toContain("value-compass run: judge scoring 0/40 scores (0%), ETA ?");
    expect(lines).toContain("value-compass run: judge scoring 20/40 scores (50%), 4.0/s, ETA 5s");
    expect(lines).toContain("value-compass run: judge scoring 40/40 scores (100%), 4.0/s, took 10s");
    // The answers' rate (2/s) counts the answers' own time: the 5 s of scoring do not slow it.
    expect(lines).toContain("value-compass run: answers 10/20 steps (50%), 2.0/s, ETA 5s, mock:a");
    expect(lines).toContain("value-compass run: answers 20/20 steps (100%), 2.0/s, took 10s, mock:b");
    expect(lines.slice(-2)).toEqual(["value-compass run: reports started", "value-compass run: reports took 0.4s"]);
    for (const line of lines) expect(line).not.toMatch(BAD);
    // Every scoring line is labelled; none is an unlabelled count.
    for (const line of lines) expect(line).toMatch(/^value-compass run: (answers|judge scoring|reports) /);
  });

  it("the final summary lists every stage that ran, in order, with its own working time, and no stage that did not run", () => {
    const sink = new Sink();
    const clock = new Clock();
    const p = board(sink, clock);
    twoModels(p, clock, 500, 250);
    const leave = p.enter("report");
    clock.advance(400);
    leave();
    p.stop();
    const times = p.times();
    expect(times.map((t) => t.id)).toEqual(["answers", "scoring", "report"]);
    expect(times.map((t) => t.seconds)).toEqual([10, 10, 0.4]);
    expect(times.map((t) => t.done)).toEqual([20, 40, 0]);
    expect(stageTimesText(times)).toBe("answers 10s (20 steps), judge scoring 10s (40 scores), reports 0.4s");
  });

  it("a stage nobody declared (a stage a test or plugin adds) still gets a line and a time", () => {
    const sink = new Sink();
    const clock = new Clock();
    const p = createProgress(sink, { quiet: false, now: clock.now });
    const leave = p.enter("extra");
    clock.advance(2_000);
    leave();
    p.stop();
    expect(p.times()).toEqual([{ id: "extra", label: "extra", seconds: 2, done: 0, unit: "" }]);
    expect(sink.lines).toEqual(["value-compass run: extra started", "value-compass run: extra took 2s"]);
  });

  it("adaptive steps count on their own line, as a bound; replayed steps count but not in the rate", () => {
    const sink = new Sink();
    const clock = new Clock();
    const p = board(sink, clock);
    const leave = p.enter("adaptive");
    p.current.skip(4);
    for (let i = 0; i < 2; i++) {
      clock.advance(1_000);
      p.current.done();
    }
    leave();
    p.stop();
    // 6 of at most 10: 4 remain at 1 step/s (the 4 replayed steps took no time and are not in the rate).
    expect(sink.lines.at(-1)).toBe("value-compass run: adaptive 6 of at most 10 steps (60%), 1.0/s, ETA at most 4s");
  });

  it("with --quiet nothing but the notes; the times are still kept", () => {
    const sink = new Sink();
    const clock = new Clock();
    const p = createProgress(sink, { quiet: true, now: clock.now });
    p.declare("answers", { label: "answers", total: 5, unit: "steps" });
    const leave = p.enter("answers");
    clock.advance(1_000);
    p.line("answers").done();
    p.note("a note");
    leave();
    p.stop();
    expect(sink.text).toBe("a note\n");
    expect(p.times()).toEqual([{ id: "answers", label: "answers", seconds: 1, done: 1, unit: "steps" }]);
  });

  it("on a terminal: a bar per stage, each labelled, notes above them, no NaN", () => {
    const sink = new Sink(true);
    const clock = new Clock();
    const p = board(sink, clock);
    twoModels(p, clock, 500, 250);
    p.note("value-compass run: a note");
    p.stop();
    const text = sink.text;
    expect(text).toContain("a note");
    expect(text).toMatch(/answers {7}\S* .*20\/20 steps \(100%\)/);
    expect(text).toMatch(/judge scoring \S* .*40\/40 scores \(100%\)/);
    expect(text).not.toMatch(BAD);
  });
});

describe("progress: ETA", () => {
  it("never prints NaN, Infinity or NFs, whatever the order of events and the clock do (seeded random runs)", () => {
    const random = mulberry32(14);
    for (let run = 0; run < 200; run++) {
      const sink = new Sink(run % 5 === 0);
      const clock = new Clock();
      const p = createProgress(sink, { quiet: false, now: clock.now, intervalMs: 3_600_000 });
      const ids = ["answers", "scoring", "adaptive", "report"];
      for (const id of ids) {
        // Totals of 0 (time only), small and large; a bound now and then.
        const total = [0, 1, 3, 50, 10_000][Math.floor(random() * 5)] ?? 0;
        p.declare(id, { label: id, total, unit: "units", bound: random() < 0.2 });
      }
      const open: Array<() => void> = [];
      for (let e = 0; e < 60; e++) {
        const r = random();
        // Time stands still half of the time: completions at the same instant, a stage entered and left at once.
        if (random() < 0.5) clock.advance(Math.floor(random() * 3_000));
        if (r < 0.15) open.push(p.enter(ids[Math.floor(random() * ids.length)] ?? "answers"));
        else if (r < 0.25) open.pop()?.();
        else if (r < 0.8) p.current.done({ failed: random() < 0.1, cached: random() < 0.2 });
        else p.current.skip(Math.floor(random() * 5));
      }
      while (open.length > 0) open.pop()?.();
      p.stop();
      expect(sink.text).not.toMatch(BAD);
      for (const t of p.times()) expect(Number.isFinite(t.seconds)).toBe(true);
    }
  });

  it("shows `ETA ?` until the stage has a rate", () => {
    const clock = new Clock();
    const s = new StageState("answers", { label: "answers", total: 10, unit: "steps" }, clock.now);
    expect(s.etaSeconds()).toBeNull();
    s.resume();
    expect(s.etaSeconds()).toBeNull();
    // Done at the very instant the stage started: no time, no rate (not Infinity).
    s.done();
    expect(s.rate()).toBeNull();
    expect(s.etaSeconds()).toBeNull();
    clock.advance(500);
    expect(s.etaSeconds()).toBeCloseTo(9 * 0.5, 6);
    expect(formatDuration(Number.NaN)).toBe("?");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("?");
  });

  it("with a steady rate, the ETA is close to remaining / rate all the way (before and after the one-minute window)", () => {
    const clock = new Clock();
    const total = 2_000;
    const s = new StageState("scoring", { label: "judge scoring", total, unit: "scores" }, clock.now);
    s.resume();
    // 4 per second, in bursts of 4 at the same instant (concurrent judge calls finish together).
    for (let second = 1; second <= 400; second++) {
      clock.advance(1_000);
      for (let i = 0; i < 4; i++) s.done();
      if (second % 25 === 0) {
        const eta = s.etaSeconds();
        expect(eta).not.toBeNull();
        const expected = (total - s.value) / 4;
        expect(Math.abs((eta ?? 0) - expected)).toBeLessThanOrEqual(Math.max(1, expected * 0.03));
      }
    }
  });

  it("a pause of the stage (the judge working between two models) does not move its ETA", () => {
    const clock = new Clock();
    const s = new StageState("answers", { label: "answers", total: 100, unit: "steps" }, clock.now);
    s.resume();
    for (let i = 0; i < 50; i++) {
      clock.advance(500);
      s.done();
    }
    const before = s.etaSeconds();
    s.pause();
    clock.advance(300_000);
    s.resume();
    expect(s.etaSeconds()).toBe(before);
    expect(before).toBeCloseTo(25, 6);
  });

  it("follows a change of pace within about a minute (cached answers first, then real calls)", () => {
    const clock = new Clock();
    const s = new StageState("answers", { label: "answers", total: 10_000, unit: "steps" }, clock.now);
    s.resume();
    for (let i = 0; i < 5_000; i++) {
      clock.advance(1);
      s.done({ failed: false, cached: true });
    }
    for (let second = 0; second < 90; second++) {
      clock.advance(1_000);
      s.done();
      s.done();
    }
    // Now 2 per second: the ETA is (remaining / 2), not the few seconds the cached burst suggested.
    const expected = (10_000 - s.value) / 2;
    expect(Math.abs((s.etaSeconds() ?? 0) - expected) / expected).toBeLessThan(0.05);
  });

  it("a slow stage (fewer than a few completions a minute) uses its average so far", () => {
    const m = new RateMeter();
    m.add(120_000);
    m.add(240_000);
    expect(m.rate(240_000)).toBeCloseTo(2 / 240, 9);
  });
});

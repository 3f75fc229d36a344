import { describe, expect, it, vi } from 'vitest';
import { createProgress, createReporter, type ProgressView, type ReporterOptions } from './progress.js';

/** A captured stderr and a clock the test moves by hand. */
function setup() {
  const lines: string[] = [];
  let t = 0;
  const io = { out: () => undefined, err: (text: string) => void lines.push(text) };
  return { lines, io, tick: (ms: number) => void (t += ms), now: () => t };
}

describe('progress on stderr', () => {
  it('says nothing while the work is short', () => {
    const { lines, io, tick, now } = setup();
    const p = createProgress(io, 'work', 100, { now, tty: false });
    for (let i = 1; i <= 100; i++) {
      tick(15);
      p.update(i);
    }
    p.finish();
    expect(lines).toEqual([]);
  });

  it('prints plain lines at most every interval once the quiet time is over, when stderr is not a terminal', () => {
    const { lines, io, tick, now } = setup();
    const p = createProgress(io, 'scalesim', 1000, { now, tty: false, quietMs: 2000, intervalMs: 5000 });
    for (let i = 1; i <= 1000; i++) {
      tick(20);
      p.update(i);
    }
    p.finish();
    // 20 s of work: reports at 2 s, 7 s, 12 s and 17 s.
    expect(lines).toEqual([
      'scalesim: 10% (100 of 1,000) ~18 s left',
      'scalesim: 35% (350 of 1,000) ~13 s left',
      'scalesim: 60% (600 of 1,000) ~8 s left',
      'scalesim: 85% (850 of 1,000) ~3 s left',
    ]);
  });

  it('redraws one bar in place on a terminal and clears it at the end', () => {
    const { lines, io, tick, now } = setup();
    const writes: string[] = [];
    const spy = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((text: string | Uint8Array) => writes.push(String(text)) > 0);
    try {
      const p = createProgress(io, 'gemm --check', 10, { now, tty: true, quietMs: 0, intervalMs: 0 });
      tick(1000);
      p.update(5);
      p.finish();
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual([]);
    expect(writes).toEqual([
      `\r[${'#'.repeat(15)}${' '.repeat(15)}] gemm --check: 50% (5 of 10) ~1 s left\x1b[K`,
      '\r\x1b[K',
    ]);
  });
});

describe('the one reporter under both (createReporter)', () => {
  /** A view of `done` out of 4 and a log of what the reporter writes. */
  function reporter(options: Partial<ReporterOptions>) {
    const log: string[] = [];
    const state = { done: 0, t: 0 };
    const view: ProgressView = {
      text: () => `${state.done}/4`,
      filled: (w) => (w * state.done) / 4,
      done: () => state.done,
    };
    const r = createReporter(view, {
      tty: false,
      now: () => state.t,
      startMs: 0,
      quietMs: 0,
      intervalMs: 1000,
      bar: { cells: 4, empty: '.' },
      finish: 'keep',
      line: (t) => log.push(`line ${t}`),
      draw: (t) => log.push(`draw ${t}`),
      ...options,
    });
    return { log, state, r };
  }

  it("'keep' in a log: a last line only when the last report is out of date", () => {
    const a = reporter({});
    a.state.done = 4;
    a.r.report();
    a.r.finish();
    expect(a.log).toEqual(['line 4/4']);
    const b = reporter({});
    b.state.done = 2;
    b.r.report();
    b.state.done = 4;
    b.state.t = 500;
    b.r.report(); // within the interval
    b.r.finish();
    expect(b.log).toEqual(['line 2/4', 'line 4/4']);
  });

  it("'keep' on a terminal ends with the bar and a newline; 'clear' erases a drawn bar and nothing else", () => {
    const keep = reporter({ tty: true });
    keep.state.done = 2;
    keep.r.finish();
    expect(keep.log).toEqual(['draw \r[##..] 2/4\x1b[K\n']);
    const clear = reporter({ tty: true, finish: 'clear', quietMs: 2000 });
    clear.state.done = 1;
    clear.r.report(); // still quiet
    clear.r.finish();
    expect(clear.log).toEqual([]);
    clear.state.t = 3000;
    clear.r.report();
    clear.r.finish();
    clear.r.finish();
    expect(clear.log).toEqual(['draw \r[#...] 1/4\x1b[K', 'draw \r\x1b[K']);
  });
});

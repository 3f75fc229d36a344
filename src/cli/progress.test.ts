import { describe, expect, it, vi } from 'vitest';
import { createProgress } from './progress.js';

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
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((text: string | Uint8Array) => writes.push(String(text)) > 0);
    try {
      const p = createProgress(io, 'gemm --check', 10, { now, tty: true, quietMs: 0, intervalMs: 0 });
      tick(1000);
      p.update(5);
      p.finish();
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual([]);
    expect(writes).toEqual([`\r[${'#'.repeat(15)}${' '.repeat(15)}] gemm --check: 50% (5 of 10) ~1 s left\x1b[K`, '\r\x1b[K']);
  });
});

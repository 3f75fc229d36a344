import { describe, expect, it } from 'vitest';
import { ChunkBuilder, type ChunkColumns } from './chunk-columns.js';
import { createProgress } from './progress.js';

const chunk = (from: number, values: Array<number | null>): ChunkColumns => {
  const builder = new ChunkBuilder(
    { knobNames: [], objectiveNames: ['speed'] },
    { chunk: 0, start: from, end: from + values.length },
  );
  builder.addRows(
    values.map((v, i) => ({
      index: from + i,
      knobs: {},
      feasible: v !== null,
      reasons: v === null ? ['no'] : [],
      objectives: v === null ? {} : { speed: v },
    })),
  );
  return builder.finish();
};

describe('createProgress', () => {
  it('plain lines: points, rate, ETA, feasible share and the best value so far, at most one per interval', () => {
    const lines: string[] = [];
    let now = 0;
    const progress = createProgress(
      { total: 8, done: 0, feasible: 0, best: undefined },
      { write: (t) => lines.push(t), tty: false, objective: 'speed', direction: 'max', nowMs: () => now },
    );
    now = 1000;
    progress.chunkStored(chunk(0, [1, null, 3, 2]));
    now = 1500;
    progress.chunkStored(chunk(4, [null, 9])); // within the interval: no line
    progress.finish();
    expect(lines).toEqual([
      'explore: 4/8 points (50.0%)  4 points/s  ETA 1s  75.0% feasible  best speed 3 (max)\n',
      'explore: 6/8 points (75.0%)  4 points/s  ETA 1s  66.7% feasible  best speed 9 (max)\n',
    ]);
  });

  it('a terminal bar redrawn in place, ending with a newline', () => {
    const out: string[] = [];
    const progress = createProgress(
      { total: 4, done: 0, feasible: 0, best: undefined },
      { write: (t) => out.push(t), tty: true, objective: 'speed', direction: 'min', nowMs: () => 2000 },
    );
    progress.chunkStored(chunk(0, [5, 4, 6, 7]));
    progress.finish();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC[K (erase to end of line) is what the bar writes
    expect(out[0]).toMatch(/^\r\[#{24}\] 4\/4 points \(100\.0%\) .*best speed 4 \(min\)\x1b\[K$/);
    expect(out.at(-1)).toMatch(/\n$/);
  });
});

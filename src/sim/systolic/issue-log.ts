/**
 * The history of tokens issued into a systolic array, kept as runs of consecutive issue cycles.
 *
 * A token issued at cycle s sits in cell (i, j) at cycle s + i + j: control tags travel in lockstep
 * with the streamed values, so the tag each cell holds is a pure function of this history. The
 * register-level engines read cell tags from here instead of shifting a tag register per cell, and
 * visit each row as a few contiguous spans of cells that hold tokens of the same run.
 */
export interface IssueRun {
  /** Cycle of the first issue, the run's first token id, and how many tokens (one per cycle). */
  readonly start: number;
  readonly firstToken: number;
  length: number;
  /** The group (fold or pass) its tokens belong to. */
  readonly group: number;
}

/** Spans found by `IssueLog.spans`, in reusable arrays (the engines call it once per row per cycle). */
export class CellSpans {
  count = 0;
  /** Cells firstCol[s]..lastCol[s] hold tokens lastToken[s] (at firstCol) down to firstToken[s] (at lastCol). */
  readonly firstCol: Int32Array;
  readonly lastCol: Int32Array;
  readonly firstToken: Int32Array;
  readonly lastToken: Int32Array;
  readonly group: Int32Array;
  constructor(capacity: number) {
    this.firstCol = new Int32Array(capacity);
    this.lastCol = new Int32Array(capacity);
    this.firstToken = new Int32Array(capacity);
    this.lastToken = new Int32Array(capacity);
    this.group = new Int32Array(capacity);
  }
}

export class IssueLog {
  /** Runs in issue order; read-only for callers (the engines' hot loops walk it directly). */
  runs: IssueRun[] = [];

  /** Records a token; a run never crosses a group (fold or pass) boundary. */
  record(cycle: number, token: number, group: number): void {
    const last = this.runs[this.runs.length - 1];
    if (last && last.group === group && last.start + last.length === cycle && last.firstToken + last.length === token)
      last.length++;
    else this.runs.push({ start: cycle, firstToken: token, length: 1, group });
  }

  /** Forgets runs whose last issue is before `cycle`. */
  prune(cycle: number): void {
    let drop = 0;
    while (drop < this.runs.length && this.runs[drop]!.start + this.runs[drop]!.length <= cycle) drop++;
    if (drop > 0) this.runs.splice(0, drop);
  }

  /** Spans of cells 0..width-1 of a line whose cell j holds the token issued at cycle `latest - j`. */
  spans(latest: number, width: number, out: CellSpans): CellSpans {
    const earliest = latest - width + 1;
    const runs = this.runs;
    let count = 0;
    for (let r = 0; r < runs.length; r++) {
      const run = runs[r]!;
      const first = Math.max(run.start, earliest);
      const last = Math.min(run.start + run.length - 1, latest);
      if (first > last) continue;
      if (count === out.firstCol.length) throw new RangeError('more spans than capacity');
      out.firstCol[count] = latest - last;
      out.lastCol[count] = latest - first;
      out.firstToken[count] = run.firstToken + (first - run.start);
      out.lastToken[count] = run.firstToken + (last - run.start);
      out.group[count] = run.group;
      count++;
    }
    out.count = count;
    return out;
  }
}

/**
 * Table capacity for one row of an array `width` cells wide: one span per issue run in the row's
 * window, and runs break only at group (fold) boundaries and the stalls between them.
 */
export function spansPerRow(width: number, groupSize: number): number {
  return Math.min(width, 2 * (Math.ceil(width / groupSize) + 1));
}

/** The cycle breakdown every engine reports, from what it observed. */
export function observedCycles(
  lastOutputCycle: number,
  streamCycles: number,
  lastIssueCycle: number,
): { totalCycles: number; streamCycles: number; stallCycles: number; fillDrainCycles: number } {
  const totalCycles = lastOutputCycle + 1;
  const fillDrainCycles = totalCycles - (lastIssueCycle + 1);
  return { totalCycles, streamCycles, stallCycles: totalCycles - streamCycles - fillDrainCycles, fillDrainCycles };
}

/**
 * Progress of long work on stderr, one reporter for every command: a bar redrawn in place when stderr is
 * a terminal, otherwise plain lines at most once per interval, so logs of a redirected run (CI, tests)
 * stay short. `createProgress` counts units of work after a quiet start (short runs print nothing);
 * a sweep's line (cli/explore/progress.ts) adds points/s, best so far and the feasible share. The only
 * clock in tpusim's work paths, and it decides only printing.
 */
import { processIo, type Io } from './io.js';

/** What a report shows: its text now, and how many of `width` bar cells are filled. */
export interface ProgressView {
  text(): string;
  filled(width: number): number;
  /** The units done, to tell whether the last report is out of date. */
  done(): number;
}

export interface ReporterOptions {
  readonly tty: boolean;
  readonly now: () => number;
  /** When the work started, on the `now` clock. */
  readonly startMs: number;
  /** Milliseconds of silence before the first report. */
  readonly quietMs: number;
  /** Milliseconds between reports. */
  readonly intervalMs: number;
  readonly bar: { readonly cells: number; readonly empty: string };
  /**
   * At the end, erase the bar ('clear'), or leave the final state ('keep'): the bar with a newline, or one
   * more plain line if the last one is out of date.
   */
  readonly finish: 'clear' | 'keep';
  /** A plain line (no terminal). */
  readonly line: (text: string) => void;
  /** Raw text to the terminal. */
  readonly draw: (text: string) => void;
}

export interface Reporter {
  /** Reports, unless the quiet time or the interval since the last report is not over. */
  report(): void;
  finish(): void;
}

export function createReporter(view: ProgressView, options: ReporterOptions): Reporter {
  let last = -Infinity;
  let drawn = false;
  let reportedDone = -1;
  const show = (final: boolean): void => {
    reportedDone = view.done();
    if (!options.tty) return options.line(view.text());
    const { cells, empty } = options.bar;
    const filled = view.filled(cells);
    options.draw(`\r[${'#'.repeat(filled)}${empty.repeat(cells - filled)}] ${view.text()}\x1b[K${final ? '\n' : ''}`);
    drawn = !final;
  };
  return {
    report() {
      const t = options.now();
      if (t - options.startMs < options.quietMs || t - last < options.intervalMs) return;
      last = t;
      show(false);
    },
    finish() {
      if (options.finish === 'keep') {
        if (options.tty || reportedDone !== view.done()) show(true);
        return;
      }
      if (drawn) options.draw('\r\x1b[K');
      drawn = false;
    },
  };
}

export interface Progress {
  /** `done` of the total units are finished. */
  update(done: number): void;
  /** The work is over: clears the bar (a terminal) or prints nothing more. */
  finish(): void;
}

export interface ProgressOptions {
  /** Milliseconds of silence before the first report (default 2000). */
  readonly quietMs?: number;
  /** Milliseconds between plain lines (default 5000) or bar redraws (default 200). */
  readonly intervalMs?: number;
  /** Draw a bar in place; default: stderr is a terminal and `io` is the process's. */
  readonly tty?: boolean;
  readonly now?: () => number;
}

/** Whether progress goes to a terminal: stderr is one and `io` is the process's. */
function stderrIsTerminal(io: Io): boolean {
  return io === processIo && process.stderr.isTTY === true;
}

/** Progress through `total` units of work, as `label: 35% (350 of 1,000) ~13 s left`. */
export function createProgress(io: Io, label: string, total: number, options: ProgressOptions = {}): Progress {
  const now = options.now ?? (() => Date.now());
  const tty = options.tty ?? stderrIsTerminal(io);
  const start = now();
  let current = 0;
  const view: ProgressView = {
    text() {
      const fraction = total > 0 ? Math.min(1, current / total) : 0;
      const elapsedS = (now() - start) / 1000;
      const left = fraction > 0 ? ` ~${Math.round((elapsedS * (1 - fraction)) / fraction)} s left` : '';
      return (
        `${label}: ${(100 * fraction).toFixed(0)}% (${current.toLocaleString('en-US')} of ` +
        `${total.toLocaleString('en-US')})${left}`
      );
    },
    filled: (width) => (total > 0 ? Math.round((width * Math.min(current, total)) / total) : 0),
    done: () => current,
  };
  const reporter = createReporter(view, {
    tty,
    now,
    startMs: start,
    quietMs: options.quietMs ?? 2000,
    intervalMs: options.intervalMs ?? (tty ? 200 : 5000),
    bar: { cells: 30, empty: ' ' },
    finish: 'clear',
    line: (text) => io.err(text),
    draw: (text) => void process.stderr.write(text),
  });
  return {
    update(done) {
      current = done;
      reporter.report();
    },
    finish: () => reporter.finish(),
  };
}

/**
 * Progress of long work on stderr. Quiet for the first seconds (short runs print nothing); then a bar
 * redrawn in place when stderr is a terminal, otherwise a plain line at most every few seconds, so logs
 * of a redirected run stay short. The only clock in tpusim's work paths, and it decides only printing.
 */
import { processIo, type Io } from './io.js';

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

const BAR_CELLS = 30;

export function createProgress(io: Io, label: string, total: number, options: ProgressOptions = {}): Progress {
  const now = options.now ?? (() => Date.now());
  const tty = options.tty ?? (io === processIo && process.stderr.isTTY === true);
  const start = now();
  const quietMs = options.quietMs ?? 2000;
  const intervalMs = options.intervalMs ?? (tty ? 200 : 5000);
  let last = -Infinity;
  let drawn = false;
  const line = (done: number): string => {
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const elapsedS = (now() - start) / 1000;
    const left = fraction > 0 ? ` ~${Math.round((elapsedS * (1 - fraction)) / fraction)} s left` : '';
    return `${label}: ${(100 * fraction).toFixed(0)}% (${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')})${left}`;
  };
  return {
    update(done) {
      const t = now();
      if (t - start < quietMs || t - last < intervalMs) return;
      last = t;
      if (!tty) return io.err(line(done));
      const cells = total > 0 ? Math.round((BAR_CELLS * Math.min(done, total)) / total) : 0;
      process.stderr.write(`\r[${'#'.repeat(cells)}${' '.repeat(BAR_CELLS - cells)}] ${line(done)}\x1b[K`);
      drawn = true;
    },
    finish() {
      if (drawn) process.stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}

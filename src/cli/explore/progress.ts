/**
 * A sweep's progress line on the one reporter (cli/progress.ts): points done, points/s, ETA, best so far,
 * feasible share. A bar redrawn in place on a terminal; plain lines at most once per interval otherwise
 * (logs, CI, tests), and the final state either way.
 */
import { formatReadable } from '../../index.js';
import type { Direction } from '../../index.js';
import { createReporter, type ProgressView } from '../progress.js';
import type { ChunkColumns } from './chunk-columns.js';

export interface ProgressState {
  readonly total: number;
  done: number;
  feasible: number;
  /** Best value of the first objective among feasible points. */
  best: number | undefined;
}

export interface ProgressSink {
  /** Called after each stored chunk. */
  chunkStored(columns: ChunkColumns): void;
  finish(): void;
}

export interface ProgressOptions {
  readonly write: (text: string) => void;
  readonly tty: boolean;
  readonly objective: string | undefined;
  readonly direction: Direction;
  readonly nowMs: () => number;
  readonly intervalMs?: number;
}

export function createProgress(state: ProgressState, options: ProgressOptions): ProgressSink {
  const startedMs = options.nowMs();
  const startDone = state.done;
  const view: ProgressView = {
    text() {
      const seconds = Math.max(1e-3, (options.nowMs() - startedMs) / 1000);
      const rate = (state.done - startDone) / seconds;
      const left = state.total - state.done;
      const eta = rate > 0 ? `ETA ${formatDuration(left / rate)}` : 'ETA -';
      const share = state.done > 0 ? `${((100 * state.feasible) / state.done).toFixed(1)}% feasible` : '- feasible';
      const best =
        options.objective === undefined || state.best === undefined
          ? ''
          : `  best ${options.objective} ${formatReadable(state.best)} (${options.direction})`;
      const percent = state.total > 0 ? (100 * state.done) / state.total : 100;
      return (
        `${state.done.toLocaleString('en-US')}/${state.total.toLocaleString('en-US')} points (` +
        `${percent.toFixed(1)}%)  ${Math.round(rate).toLocaleString('en-US')} points/s  ${eta}  ${share}${best}`
      );
    },
    filled: (width) => (state.total > 0 ? Math.round((width * state.done) / state.total) : width),
    done: () => state.done,
  };
  const reporter = createReporter(view, {
    tty: options.tty,
    now: options.nowMs,
    startMs: startedMs,
    quietMs: 0,
    intervalMs: options.intervalMs ?? (options.tty ? 100 : 1000),
    bar: { cells: 24, empty: '.' },
    finish: 'keep',
    line: (text) => options.write(`explore: ${text}\n`),
    draw: options.write,
  });
  return {
    chunkStored(columns) {
      updateState(state, columns, options.objective, options.direction);
      reporter.report();
    },
    finish: () => reporter.finish(),
  };
}

function updateState(
  state: ProgressState,
  columns: ChunkColumns,
  objective: string | undefined,
  direction: Direction,
): void {
  state.done += columns.length;
  const values = objective === undefined ? undefined : columns.objectives[objective];
  for (let i = 0; i < columns.length; i++) {
    if (columns.feasible[i] !== 1) continue;
    state.feasible += 1;
    const value = values?.[i];
    if (value === undefined || Number.isNaN(value)) continue;
    if (state.best === undefined || (direction === 'min' ? value < state.best : value > state.best)) state.best = value;
  }
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Runs a sweep into its SQLite store: the chunks not yet done (of this shard) go to an executor (the
 * local thread pool or the Redis queue), and each result is committed with its done marker by the one
 * writer. At most a few chunks per executor slot are in flight, so memory stays flat however many
 * points the sweep has.
 */
import { TpusimError, type CompiledSweep } from '../../index.js';
import { fileExists } from '../io.js';
import { chunkRange, directionsOf, type ChunkRange } from './chunk-columns.js';
import { createProgress, type ProgressOptions, type ProgressState } from './progress.js';
import { SweepStore, type SweepMeta } from './store.js';
import type { ChunkExecutor } from './thread-pool.js';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export interface RunPlan {
  readonly specText: string;
  readonly fileName: string;
  readonly dbPath: string;
  /** Points per chunk; undefined: the stored one when resuming, else the default. */
  readonly chunkSize: number | undefined;
  readonly resume: boolean;
  readonly shard: Shard | undefined;
}

export interface RunSummary {
  readonly hash: string;
  readonly db: string;
  readonly count: number;
  readonly chunkSize: number;
  readonly chunks: number;
  readonly chunksRun: number;
  readonly rows: number;
  readonly feasible: number;
  readonly seconds: number;
  readonly pointsPerS: number;
  readonly best: { readonly objective: string; readonly direction: string; readonly value: number } | undefined;
}

export const DEFAULT_CHUNK_POINTS = 10_000;
/** Chunks in flight per executor slot: enough to keep every slot busy while the writer commits. */
export const CHUNKS_PER_SLOT = 2;

/** Opens (resume) or creates the store, checking that it holds this very sweep. */
export function openStoreFor(plan: RunPlan, sweep: CompiledSweep): SweepStore {
  if (fileExists(plan.dbPath)) {
    if (!plan.resume)
      throw new TpusimError(
        'exists',
        `sweep database '${plan.dbPath}' already exists; pass --resume to continue it, or choose another --db`,
      );
    const store = SweepStore.open(plan.dbPath);
    const problem =
      store.meta.hash !== sweep.hash
        ? `holds sweep ${store.meta.hash}, but the spec is sweep ${sweep.hash}`
        : plan.chunkSize !== undefined && plan.chunkSize !== store.meta.chunkSize
          ? `was run with --chunk ${store.meta.chunkSize}, not ${plan.chunkSize}`
          : undefined;
    if (problem) {
      store.close();
      throw new TpusimError('mismatch', `cannot resume '${plan.dbPath}': it ${problem}`);
    }
    return store;
  }
  const meta: SweepMeta = {
    hash: sweep.hash,
    specText: plan.specText,
    fileName: plan.fileName,
    count: sweep.count,
    chunkSize: plan.chunkSize ?? DEFAULT_CHUNK_POINTS,
    knobNames: sweep.knobNames,
    objectiveNames: sweep.objectiveNames,
    directions: directionsOf(sweep),
  };
  return SweepStore.create(plan.dbPath, meta);
}

/** The chunks of this shard that the store has not marked done, in order. */
export function pendingChunks(meta: SweepMeta, done: ReadonlySet<number>, shard: Shard | undefined): ChunkRange[] {
  const chunks = Math.ceil(meta.count / meta.chunkSize);
  const out: ChunkRange[] = [];
  for (let c = 0; c < chunks; c++) {
    if (shard && c % shard.count !== shard.index) continue;
    if (!done.has(c)) out.push(chunkRange(c, meta.chunkSize, meta.count));
  }
  return out;
}

export type ProgressDisplay = Omit<ProgressOptions, 'objective' | 'direction'>;

export async function runChunks(
  store: SweepStore,
  plan: RunPlan,
  executor: ChunkExecutor,
  display: ProgressDisplay,
): Promise<RunSummary> {
  const { meta } = store;
  const ranges = pendingChunks(meta, store.doneChunks(), plan.shard);
  const objective = meta.objectiveNames[0];
  const direction = objective === undefined ? 'min' : (meta.directions[objective] ?? 'min');
  const shardPoints = plan.shard ? ranges.reduce((n, r) => n + r.end - r.start, 0) + store.rowCount() : meta.count;
  const state: ProgressState = {
    total: shardPoints,
    done: store.rowCount(),
    feasible: store.feasibleCount(),
    best: objective === undefined ? undefined : store.best(objective, direction),
  };
  const progress = createProgress(state, { ...display, objective, direction });
  const startedMs = display.nowMs();
  const startRows = state.done;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < ranges.length) {
      const range = ranges[next++]!;
      const columns = await executor.evaluate(range);
      store.addChunk(columns, range);
      executor.stored?.(range);
      progress.chunkStored(columns);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, executor.slots * CHUNKS_PER_SLOT) }, lane));
  progress.finish();
  const seconds = (display.nowMs() - startedMs) / 1000;
  const rows = store.rowCount();
  return {
    hash: meta.hash,
    db: plan.dbPath,
    count: meta.count,
    chunkSize: meta.chunkSize,
    chunks: Math.ceil(meta.count / meta.chunkSize),
    chunksRun: ranges.length,
    rows,
    feasible: store.feasibleCount(),
    seconds,
    pointsPerS: seconds > 0 ? (rows - startRows) / seconds : 0,
    best: objective === undefined || state.best === undefined ? undefined : { objective, direction, value: state.best },
  };
}

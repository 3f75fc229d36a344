/**
 * Sweeps beyond one machine, on BullMQ over Redis. The coordinator stores the spec text in Redis under
 * its hash and enqueues chunks as jobs with id `<hash>-<start>-<end>` (adding a job that exists is a no-op);
 * workers anywhere rebuild the sweep from the spec by hash and push the chunk's columns, as bytes
 * (chunk-codec.ts), onto the sweep's done list, which the coordinator pops with one blocking read: no
 * event stream to follow, no result key to read and delete, and BullMQ removes a completed job itself.
 * The coordinator inserts the rows with INSERT OR IGNORE and a done marker, so BullMQ's at-least-once
 * delivery (a killed worker's chunk is re-run once its lock lapses) becomes exactly-once in the store.
 * The coordinator's BullMQ client runs on a thread of its own, off the thread that inserts.
 */
import type { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { setTimeout as sleep, setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { TpusimError, type CompiledSweep } from '../../index.js';
import { type ChunkResult, createChunkEncoder, decodeChunkResult, encodeChunkFailure } from './chunk-codec.js';
import { ChunkBuilder, evaluateInto, type ChunkColumns, type ChunkRange } from './chunk-columns.js';
import { startQueueThread } from './queue-thread-client.js';
import {
  READY_TIMEOUT_MS,
  connectionOf,
  lostError,
  silentError,
  unreachableError,
  watchConnections,
  type ConnectionWatch,
  type RedisTarget,
} from './redis-target.js';
import { compileSpec } from './sweep-loader.js';
import { CHUNKS_PER_SLOT } from './run-sweep.js';
import type { ChunkExecutor } from './thread-pool.js';

export const QUEUE_NAME = 'tpusim-explore';
const specKey = (hash: string): string => `tpusim:explore:spec:${hash}`;
/** Where workers push each chunk's result of a sweep, for its coordinator to pop. */
const doneKey = (hash: string): string => `tpusim:explore:done:${hash}`;
/** Tries per chunk; a worker sends a failure instead of the columns when the last one fails. */
const JOB_ATTEMPTS = 3;
/** How often the coordinator looks for jobs of its chunks that failed with no worker to say so. */
const JOB_CHECK_MS = 5_000;
/** How long the result loop waits after a failed read before it reads again. */
const ARRIVAL_RETRY_MS = 200;
/** Jobs in flight per coordinator: enough for many workers, bounded so memory stays flat. */
const QUEUE_WINDOW = 64;
/** How long a failed start waits for BullMQ to close what it opened. */
const CLOSE_WAIT_MS = 2_000;
/** How long a sweep's spec, and the chunk results not yet popped, stay in Redis. */
const SPEC_TTL_S = 7 * 24 * 3600;

/** What the coordinator's queue side needs, on whichever thread it runs. */
export interface QueueThreadInit {
  readonly target: RedisTarget;
  readonly hash: string;
  readonly specText: string;
  readonly fileName: string;
}

export interface ChunkJob extends ChunkRange {
  readonly hash: string;
}

export { parseRedisUrl, type RedisTarget } from './redis-target.js';

/**
 * The sweep and the points (not the chunk number, which depends on --chunk), so a stale job never answers for other
 * points.
 */
const jobIdOf = (hash: string, range: ChunkRange): string => `${hash}-${range.start}-${range.end}`;

const QUEUE_THREAD_SCRIPT = new URL('./queue-thread.js', import.meta.url);

/**
 * The coordinator's executor: each chunk becomes a job; its result comes back from whichever worker ran it.
 * The BullMQ client runs on a thread of its own (queue-thread.ts) where the compiled script is there, so the
 * main thread does what it does for local threads (receive columns, insert them) and the Redis work overlaps
 * the inserts instead of queueing behind them; from the TypeScript sources (tests) it runs here.
 */
export async function startQueueExecutor(
  target: RedisTarget,
  sweep: CompiledSweep,
  specText: string,
  fileName: string,
): Promise<ChunkExecutor> {
  const init: QueueThreadInit = { target, hash: sweep.hash, specText, fileName };
  if (QUEUE_THREAD_SCRIPT.protocol === 'file:' && existsSync(fileURLToPath(QUEUE_THREAD_SCRIPT)))
    return startQueueThread(QUEUE_THREAD_SCRIPT, init);
  return queueExecutorHere(init);
}

/**
 * The bytes on an ArrayBuffer of their own: the decoded columns are views on it, and the queue thread
 * transfers it, which must not take a reply that shares its memory with other data.
 */
export function ownBytes(bytes: Buffer): Buffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes;
  const copy = new Uint8Array(bytes);
  return Buffer.from(copy.buffer, 0, copy.byteLength);
}

/**
 * Waits for `ready`; if Redis cannot be reached within the bounded wait (redis-target.ts), closes what was
 * opened and fails with a message naming --queue.
 */
async function connectOrFail(
  target: RedisTarget,
  watch: ConnectionWatch,
  ready: Promise<unknown>,
  shutDown: () => Promise<void>,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const silent = silentError(target);
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(silent), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([ready, watch.lost, deadline]);
  } catch (error) {
    // Closing what never connected may fail the same way, or wait on it: the connect error is the one to report.
    await Promise.race([shutDown().catch(() => undefined), sleep(CLOSE_WAIT_MS, undefined, { ref: false })]);
    throw error === silent ? silent : unreachableError(target, watch.lastError() ?? error);
  } finally {
    clearTimeout(timer);
  }
}

/** BullMQ reports each failed connect try as an `error` event, and prints its stack when nobody listens. */
function listenForErrors(emitters: readonly EventEmitter[], onError: (error: Error) => void): void {
  for (const emitter of emitters) emitter.on('error', onError);
}

interface Waiter {
  resolve(columns: ChunkColumns): void;
  reject(error: Error): void;
}

/** The points, and the chunk number they were asked for by: a result for anything else is not awaited. */
const waiterKey = (chunk: number, start: number, end: number): string => `${chunk}:${start}:${end}`;

const waiterKeyOf = (result: ChunkResult): string =>
  result.kind === 'failed'
    ? waiterKey(result.failure.chunk, result.failure.start, result.failure.end)
    : waiterKey(result.columns.chunk, result.columns.start, result.columns.start + result.columns.length);

/**
 * Pops the done list with one blocking read at a time until closed, handing each result on. A read that
 * fails (a dropped connection, a closed client) is tried again: a connection lost for good ends the run
 * through the connection watch. An entry that is no chunk result is dropped.
 */
function drainDoneList(
  arrivals: Redis,
  key: string,
  isClosed: () => boolean,
  receive: (result: ChunkResult) => void,
): void {
  void (async () => {
    while (!isClosed()) {
      const reply = await arrivals.blpopBuffer(key, 0).catch(() => null);
      if (reply === null) {
        if (!isClosed()) await sleep(ARRIVAL_RETRY_MS);
        continue;
      }
      let result: ChunkResult;
      try {
        result = decodeChunkResult(ownBytes(reply[1]));
      } catch {
        continue;
      }
      receive(result);
    }
  })();
}

/** The BullMQ side of the coordinator, on the calling thread. */
export async function queueExecutorHere({ target, hash, specText, fileName }: QueueThreadInit): Promise<ChunkExecutor> {
  const connection = connectionOf(target);
  const results = new Redis({ ...connection });
  // BLPOP holds its connection: the results arrive on one of their own.
  const arrivals = new Redis({ ...connection });
  const watch = watchConnections([results, arrivals]);
  const spec = JSON.stringify({ specText, fileName });
  const closeClients = (): void => {
    watch.closing();
    results.disconnect();
    arrivals.disconnect();
  };
  // This client must get an answer first, so a Redis that is not there fails before BullMQ opens its own.
  await connectOrFail(target, watch, results.set(specKey(hash), spec, 'EX', SPEC_TTL_S), async () => closeClients());
  const queue = new Queue(QUEUE_NAME, { connection });
  listenForErrors([queue], () => undefined);
  let closed = false;
  let checkTimer: NodeJS.Timeout | undefined;
  const shutDown = async (): Promise<void> => {
    closed = true;
    clearInterval(checkTimer);
    closeClients();
    await queue.close();
  };
  await connectOrFail(target, watch, Promise.all([queue.waitUntilReady(), arrivals.ping()]), shutDown);
  const waiters = new Map<string, Waiter>();
  const inFlight = new Map<string, ChunkRange>();
  const addJob = (range: ChunkRange): Promise<Job> =>
    queue.add('chunk', { ...range, hash } satisfies ChunkJob, {
      jobId: jobIdOf(hash, range),
      attempts: JOB_ATTEMPTS,
      // The result travels on the done list, so a completed job has nothing left to keep; a failed one
      // keeps its reason for the check below.
      removeOnComplete: true,
    });
  // A Redis that restarted within the retries may have lost the spec and the jobs in flight (no persistence):
  // put them back; adding a job that is still there is a no-op.
  results.on('ready', () => {
    results.set(specKey(hash), spec, 'EX', SPEC_TTL_S).catch(() => undefined);
    for (const range of inFlight.values()) addJob(range).catch(() => undefined);
  });
  const settle = (key: string, outcome: (waiter: Waiter) => void): void => {
    const waiter = waiters.get(key);
    waiters.delete(key);
    if (waiter) outcome(waiter);
  };
  // A result for no chunk in flight (an earlier coordinator's, or a job run twice) is dropped.
  drainDoneList(
    arrivals,
    doneKey(hash),
    () => closed,
    (result) =>
      result.kind === 'failed'
        ? settle(waiterKeyOf(result), (w) => w.reject(new Error(result.failure.message)))
        : settle(waiterKeyOf(result), (w) => w.resolve(result.columns)),
  );
  // A job that fails without a word from a worker (stalled too often: its workers killed) still ends its chunk.
  checkTimer = setInterval(() => {
    for (const [key, range] of inFlight)
      void queue.getJob(jobIdOf(hash, range)).then(
        async (job) => {
          if (job && (await job.isFailed()))
            settle(key, (w) => w.reject(new Error(job.failedReason || 'its job failed')));
        },
        () => undefined,
      );
  }, JOB_CHECK_MS);
  checkTimer.unref();
  const runChunk = async (range: ChunkRange): Promise<ChunkColumns> => {
    const key = waiterKey(range.chunk, range.start, range.end);
    inFlight.set(key, range);
    try {
      const columns = new Promise<ChunkColumns>((resolve, reject) => waiters.set(key, { resolve, reject }));
      // A failed job left by an earlier coordinator stays failed: its chunk fails at the next check.
      await addJob(range);
      return await columns;
    } finally {
      inFlight.delete(key);
      waiters.delete(key);
    }
  };
  let lostCause: { readonly cause: unknown } | undefined;
  watch.lost.catch((cause: unknown) => (lostCause = { cause }));
  return {
    slots: QUEUE_WINDOW / CHUNKS_PER_SLOT,
    async evaluate(range) {
      try {
        // A lost connection never completes the job: the wait ends with the connection's loss.
        return await Promise.race([runChunk(range), watch.lost]);
      } catch (error) {
        // A request can fail on a dropped connection before the reconnects are used up: wait for their verdict.
        if (!lostCause && results.status !== 'ready')
          await Promise.race([watch.lost, sleep(READY_TIMEOUT_MS, undefined, { ref: false })]).catch(() => undefined);
        if (lostCause) throw lostError(target, lostCause.cause);
        throw new TpusimError(
          'sweep_failed',
          `chunk ${range.chunk} failed on the queue: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
    close: shutDown,
  };
}

/** Points evaluated between turns of the event loop, so BullMQ can renew the chunk's lock meanwhile. */
const SLICE_POINTS = 1000;

async function evaluateYielding(sweep: CompiledSweep, range: ChunkRange): Promise<ChunkColumns> {
  const builder = new ChunkBuilder(sweep, range);
  for (let from = range.start; from < range.end; from += SLICE_POINTS) {
    evaluateInto(builder, sweep, from, Math.min(range.end, from + SLICE_POINTS));
    await yieldToEventLoop();
  }
  return builder.finish();
}

export interface WorkerOptions {
  readonly target: RedisTarget;
  readonly sweepModule: string | undefined;
  /** How long a chunk stays locked to a worker that stops answering, before another one gets it. */
  readonly lockMs: number;
  readonly log: (text: string) => void;
}

/** A running queue worker: `lost` rejects with a message naming --queue once Redis is gone for good. */
export interface QueueWorker {
  readonly lost: Promise<never>;
  close(): Promise<void>;
}

/** Each sweep a worker meets, rebuilt once from the spec the coordinator stored under its hash. */
function sweepCache(redis: Redis, sweepModule: string | undefined): (hash: string) => Promise<CompiledSweep> {
  const sweeps = new Map<string, Promise<CompiledSweep>>();
  return (hash) => {
    const known = sweeps.get(hash);
    if (known) return known;
    const sweep = redis.get(specKey(hash)).then(async (text) => {
      if (text === null) throw new TpusimError('not_found', `no spec for sweep ${hash} in Redis`);
      const { specText, fileName } = JSON.parse(text) as { specText: string; fileName: string };
      const compiled = await compileSpec(specText, fileName, sweepModule);
      if (compiled.hash !== hash)
        throw new TpusimError(
          'mismatch',
          `the spec stored for sweep ${hash} compiles to sweep ${compiled.hash} here (another tpusim version?)`,
        );
      return compiled;
    });
    sweep.catch(() => sweeps.delete(hash));
    sweeps.set(hash, sweep);
    return sweep;
  };
}

/** Runs queue jobs until closed, or until Redis is lost for good (then `lost` rejects). */
export async function startQueueWorker(options: WorkerOptions): Promise<QueueWorker> {
  const connection = connectionOf(options.target);
  const redis = new Redis({ ...connection });
  const watch = watchConnections([redis]);
  // This client must get an answer first, so a Redis that is not there fails before BullMQ opens its own.
  await connectOrFail(options.target, watch, redis.ping(), async () => {
    watch.closing();
    redis.disconnect();
  });
  const sweepFor = sweepCache(redis, options.sweepModule);
  // One chunk at a time (concurrency 1), and its bytes are sent once the push is answered: one buffer serves all.
  const encode = createChunkEncoder();
  const sendResult = async (hash: string, bytes: Buffer): Promise<void> => {
    await redis.multi().rpush(doneKey(hash), bytes).expire(doneKey(hash), SPEC_TTL_S).exec();
  };
  const worker = new Worker(
    QUEUE_NAME,
    async (job) => {
      const { hash, chunk, start, end } = job.data as ChunkJob;
      options.log(`worker: chunk ${chunk} [${start}, ${end}) of sweep ${hash} started`);
      try {
        const sweep = await sweepFor(hash);
        const columns = await evaluateYielding(sweep, { chunk, start, end });
        await sendResult(hash, encode(columns));
      } catch (error) {
        // The coordinator waits on the done list, not on the job: the last try's failure goes there too.
        if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
          const message = error instanceof Error ? error.message : String(error);
          await sendResult(hash, encodeChunkFailure({ chunk, start, end, message })).catch(() => undefined);
        }
        throw error;
      }
      options.log(`worker: chunk ${chunk} done`);
    },
    { connection, concurrency: 1, lockDuration: options.lockMs, stalledInterval: options.lockMs, maxStalledCount: 10 },
  );
  // Each message once: while Redis is away every connection reports each failed try.
  const seen = new Set<string>();
  listenForErrors([worker], (error) => {
    if (!seen.has(error.message)) options.log(`worker: ${error.message}`);
    seen.add(error.message);
  });
  let gone = false;
  watch.lost.catch(() => (gone = true));
  const shutDown = async (): Promise<void> => {
    watch.closing();
    // A worker whose Redis is gone cannot hand its chunk back: it stops without waiting for it.
    await worker.close(gone);
    redis.disconnect();
  };
  await connectOrFail(options.target, watch, worker.waitUntilReady(), shutDown);
  const lost = watch.lost.catch((cause: unknown) => {
    throw lostError(options.target, cause);
  });
  lost.catch(() => undefined);
  return { lost, close: shutDown };
}

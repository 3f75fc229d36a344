/**
 * The local executor: a pool of worker_threads, each holding the sweep rebuilt from its spec text; a
 * chunk goes to the next idle thread and comes back as typed-array columns, transferred rather than copied. Running
 * from the TypeScript sources (tests), where there is no
 * compiled thread script, chunks run on the calling thread instead, through the same code.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TpusimError, type CompiledSweep } from '../../index.js';
import { evaluateChunkColumns, type ChunkColumns, type ChunkRange } from './chunk-columns.js';

export interface ThreadInit {
  readonly specText: string;
  readonly fileName: string;
  readonly sweepModule: string | undefined;
}
export type ThreadTask = ChunkRange;
export type ThreadReply =
  | { readonly ok: true; readonly columns: ChunkColumns }
  | { readonly ok: false; readonly message: string };

export interface ChunkExecutor {
  /** How many chunks can usefully run at once. */
  readonly slots: number;
  evaluate(range: ChunkRange): Promise<ChunkColumns>;
  /** Told once a chunk's rows are committed to the store. */
  stored?(range: ChunkRange): void;
  close(): Promise<void>;
}

const THREAD_SCRIPT = new URL('./worker-thread.js', import.meta.url);

/** Threads when the compiled thread script is there, else the calling thread. */
export async function startExecutor(init: ThreadInit, sweep: CompiledSweep, workers: number): Promise<ChunkExecutor> {
  if (THREAD_SCRIPT.protocol === 'file:' && existsSync(fileURLToPath(THREAD_SCRIPT)))
    return ThreadPool.start(init, workers);
  return inlineExecutor(sweep);
}

function inlineExecutor(sweep: CompiledSweep): ChunkExecutor {
  return {
    slots: 1,
    evaluate: async (range) => {
      try {
        return evaluateChunkColumns(sweep, range);
      } catch (error) {
        throw chunkFailed(range, error instanceof Error ? error.message : String(error));
      }
    },
    close: async () => undefined,
  };
}

interface Pending {
  readonly range: ChunkRange;
  resolve(columns: ChunkColumns): void;
  reject(error: Error): void;
}

class ThreadPool implements ChunkExecutor {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private readonly pending = new Map<Worker, Pending>();
  private stopped: TpusimError | undefined;

  private constructor(private readonly workers: readonly Worker[]) {
    this.idle.push(...workers);
  }

  get slots(): number {
    return this.workers.length;
  }

  static async start(init: ThreadInit, count: number): Promise<ThreadPool> {
    const workers = Array.from({ length: count }, () => new Worker(THREAD_SCRIPT, { workerData: init }));
    try {
      await Promise.all(workers.map(threadReady));
    } catch (error) {
      // The threads that did start would keep the process alive.
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    const pool = new ThreadPool(workers);
    for (const worker of workers) pool.listen(worker);
    return pool;
  }

  private listen(worker: Worker): void {
    worker.on('message', (reply: ThreadReply) => {
      const pending = this.pending.get(worker);
      this.pending.delete(worker);
      this.release(worker);
      if (!pending) return;
      if (reply.ok) pending.resolve(reply.columns);
      else pending.reject(chunkFailed(pending.range, reply.message));
    });
    worker.on('error', (error) => {
      this.pending.get(worker)?.reject(error);
      this.pending.delete(worker);
    });
    // A thread that ends without an error (process.exit in a sweep module) never answers: fail its chunk and
    // every later one, or the run would wait on it forever.
    worker.on('exit', (code) => {
      this.stopped ??= new TpusimError('sweep_failed', `a worker thread stopped (exit code ${code})`);
      this.pending.get(worker)?.reject(this.stopped);
      this.pending.delete(worker);
    });
  }

  private release(worker: Worker): void {
    const next = this.waiting.shift();
    if (next) next(worker);
    else this.idle.push(worker);
  }

  private acquire(): Promise<Worker> {
    const worker = this.idle.pop();
    return worker ? Promise.resolve(worker) : new Promise((resolve) => this.waiting.push(resolve));
  }

  async evaluate(range: ChunkRange): Promise<ChunkColumns> {
    const worker = await this.acquire();
    if (this.stopped) throw this.stopped;
    return new Promise((resolve, reject) => {
      this.pending.set(worker, { range, resolve, reject });
      worker.postMessage(range);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** A sweep that throws (rather than returning an infeasible row) stops the run: its rows would be missing. */
function chunkFailed(range: ChunkRange, message: string): TpusimError {
  return new TpusimError('sweep_failed', `evaluating points [${range.start}, ${range.end}) failed: ${message}`);
}

function threadReady(worker: Worker): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void =>
      reject(new TpusimError('sweep_failed', `a worker thread could not rebuild the sweep: ${error.message}`));
    const exited = (code: number): void =>
      reject(
        new TpusimError('sweep_failed', `a worker thread stopped (exit code ${code}) before it rebuilt the sweep`),
      );
    worker.once('error', fail);
    worker.once('exit', exited);
    worker.once('message', () => {
      worker.off('error', fail);
      worker.off('exit', exited);
      resolve(worker);
    });
  });
}

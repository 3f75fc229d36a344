/**
 * The main thread's side of the queue thread (queue-thread.ts): chunks go to the thread as requests
 * and come back as columns, their buffers transferred, as with the local pool; `stored` and `close`
 * are passed on.
 */
import { Worker } from 'node:worker_threads';
import { TpusimError } from '../../index.js';
import type { ChunkColumns, ChunkRange } from './chunk-columns.js';
import type { ChunkExecutor } from './thread-pool.js';

export type QueueRequest =
  | { readonly kind: 'evaluate'; readonly id: number; readonly range: ChunkRange }
  | { readonly kind: 'stored'; readonly range: ChunkRange }
  | { readonly kind: 'close'; readonly id: number };

/** A thread's failure, as its code and message (errors cross threads as plain data). */
export interface ThreadFailure {
  readonly code: string;
  readonly message: string;
}

export type QueueReply =
  | { readonly kind: 'ready'; readonly slots: number }
  | { readonly kind: 'failed'; readonly failure: ThreadFailure }
  | { readonly kind: 'columns'; readonly id: number; readonly columns: ChunkColumns }
  | { readonly kind: 'error'; readonly id: number; readonly failure: ThreadFailure }
  | { readonly kind: 'closed'; readonly id: number };

export const failureOf = (error: unknown): ThreadFailure => ({
  code: error instanceof TpusimError ? error.code : 'sweep_failed',
  message: error instanceof Error ? error.message : String(error),
});

const errorOf = (failure: ThreadFailure): TpusimError => new TpusimError(failure.code, failure.message);

interface Waiter {
  resolve(value: ChunkColumns | undefined): void;
  reject(error: Error): void;
}

/** Starts the thread script with `init` as its workerData and waits until it is ready. */
export async function startQueueThread(script: URL, init: object): Promise<ChunkExecutor> {
  const thread = new Worker(script, { workerData: init });
  const waiters = new Map<number, Waiter>();
  let nextId = 0;
  let slots = 0;
  let crashed: Error | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    thread.on('message', (reply: QueueReply) => {
      if (reply.kind === 'ready') {
        slots = reply.slots;
        resolve();
        return;
      }
      if (reply.kind === 'failed') {
        reject(errorOf(reply.failure));
        return;
      }
      const waiter = waiters.get(reply.id);
      waiters.delete(reply.id);
      if (reply.kind === 'error') waiter?.reject(errorOf(reply.failure));
      else waiter?.resolve(reply.kind === 'columns' ? reply.columns : undefined);
    });
    thread.on('error', (error) => {
      crashed = new TpusimError('sweep_failed', `the queue thread stopped: ${error.message}`);
      reject(crashed);
      for (const waiter of waiters.values()) waiter.reject(crashed);
      waiters.clear();
    });
  });
  try {
    await ready;
  } catch (error) {
    await thread.terminate();
    throw error;
  }
  const request = (make: (id: number) => QueueRequest): Promise<ChunkColumns | undefined> => {
    if (crashed) return Promise.reject(crashed);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiters.set(id, { resolve, reject });
      thread.postMessage(make(id));
    });
  };
  return {
    slots,
    async evaluate(range) {
      const columns = await request((id) => ({ kind: 'evaluate', id, range }));
      if (columns === undefined) throw new TpusimError('sweep_failed', `chunk ${range.chunk} came back empty`);
      return columns;
    },
    stored(range) {
      if (!crashed) thread.postMessage({ kind: 'stored', range } satisfies QueueRequest);
    },
    async close() {
      try {
        if (!crashed) await request((id) => ({ kind: 'close', id }));
      } finally {
        await thread.terminate();
      }
    },
  };
}

/**
 * A worker thread of the local pool: rebuilds the sweep from its spec text once, then evaluates the
 * chunks it is sent (as columns where the sweep offers them) and posts each back as columns,
 * their buffers transferred.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { evaluateChunkColumns, transferList } from './chunk-columns.js';
import { compileSpec } from './sweep-loader.js';
import type { ThreadInit, ThreadReply, ThreadTask } from './thread-pool.js';

const init = workerData as ThreadInit;
const port = parentPort!;
const sweep = await compileSpec(init.specText, init.fileName, init.sweepModule);

port.on('message', (task: ThreadTask) => {
  let reply: ThreadReply;
  try {
    reply = { ok: true, columns: evaluateChunkColumns(sweep, task) };
  } catch (error) {
    reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply, reply.ok ? transferList(reply.columns) : []);
});
port.postMessage({ ready: true });

/**
 * The coordinator's BullMQ client on a thread of its own (see startQueueExecutor): it adds the chunks'
 * jobs, waits for their results and decodes them, then posts each chunk's columns to the main thread
 * with their buffers transferred.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { transferList } from './chunk-columns.js';
import { queueExecutorHere, type QueueThreadInit } from './queue.js';
import { failureOf, type QueueReply, type QueueRequest } from './queue-thread-client.js';

const port = parentPort!;
const post = (reply: QueueReply): void =>
  port.postMessage(reply, reply.kind === 'columns' ? transferList(reply.columns) : []);

try {
  const executor = await queueExecutorHere(workerData as QueueThreadInit);
  port.on('message', (request: QueueRequest) => {
    if (request.kind === 'stored') executor.stored?.(request.range);
    else if (request.kind === 'evaluate')
      executor.evaluate(request.range).then(
        (columns) => post({ kind: 'columns', id: request.id, columns }),
        (error: unknown) => post({ kind: 'error', id: request.id, failure: failureOf(error) }),
      );
    else
      executor.close().then(
        () => {
          post({ kind: 'closed', id: request.id });
          port.close();
        },
        (error: unknown) => post({ kind: 'error', id: request.id, failure: failureOf(error) }),
      );
  });
  post({ kind: 'ready', slots: executor.slots });
} catch (error) {
  post({ kind: 'failed', failure: failureOf(error) });
}

import { describe, expect, it } from 'vitest';
import { TpusimError } from '../../index.js';
import { ownBytes } from './queue.js';
import { startQueueThread } from './queue-thread-client.js';

/** A stand-in for queue-thread.js: the same messages, no Redis. */
const HEADER = `import { parentPort as port } from 'node:worker_threads';\n`;
const fakeThread = (body: string): URL => new URL(`data:text/javascript,${encodeURIComponent(HEADER + body)}`);

const init = { target: { host: '127.0.0.1', port: 1, db: 0 }, hash: 'h', specText: '{}', fileName: 's.json' };

const ECHO = `
port.on('message', (m) => {
  if (m.kind === 'close') return port.postMessage({ kind: 'closed', id: m.id });
  if (m.kind !== 'evaluate') return;
  const failure = { code: 'sweep_failed', message: 'chunk 1 failed on the queue: boom' };
  if (m.range.chunk === 1) return port.postMessage({ kind: 'error', id: m.id, failure });
  if (m.range.chunk === 2) throw new Error('thread bug');
  const feasible = new Uint8Array([1, 0]);
  const reasons = { kind: 'label', codes: new Uint32Array(2), labels: ['[]'] };
  const { chunk, start } = m.range;
  const columns = { chunk, start, length: 2, knobs: {}, feasible, reasons, objectives: {} };
  port.postMessage({ kind: 'columns', id: m.id, columns }, [feasible.buffer]);
});
port.postMessage({ kind: 'ready', slots: 3 });`;

describe('startQueueThread', () => {
  it('passes chunks to the thread and its columns and failures back', async () => {
    const executor = await startQueueThread(fakeThread(ECHO), init);
    expect(executor.slots).toBe(3);
    const columns = await executor.evaluate({ chunk: 0, start: 0, end: 2 });
    expect([...columns.feasible]).toEqual([1, 0]);
    const failed = await executor.evaluate({ chunk: 1, start: 2, end: 4 }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TpusimError);
    expect(failed).toMatchObject({ code: 'sweep_failed', message: 'chunk 1 failed on the queue: boom' });
    await executor.close();
  });

  it('rejects the chunks in flight when the thread dies', async () => {
    const executor = await startQueueThread(fakeThread(ECHO), init);
    await expect(executor.evaluate({ chunk: 2, start: 4, end: 6 })).rejects.toThrow(
      'the queue thread stopped: thread bug',
    );
    await expect(executor.evaluate({ chunk: 0, start: 0, end: 2 })).rejects.toThrow('the queue thread stopped');
    await executor.close();
  });

  it('fails to start with the error the thread reports (its code and message)', async () => {
    const failing = fakeThread(
      `port.postMessage({ kind: 'failed', failure: { code: 'bad_queue', message: 'no Redis at 127.0.0.1:1' } });`,
    );
    await expect(startQueueThread(failing, init)).rejects.toMatchObject({
      code: 'bad_queue',
      message: 'no Redis at 127.0.0.1:1',
    });
  });
});

describe('ownBytes', () => {
  it('copies a reply that shares its memory (the thread transfers the memory it decodes from)', () => {
    const shared = Buffer.from(new ArrayBuffer(64), 8, 16).fill(7);
    const own = ownBytes(shared);
    expect(own.buffer).not.toBe(shared.buffer);
    expect(own.buffer.byteLength).toBe(16);
    expect(own.equals(shared)).toBe(true);
    const whole = Buffer.from(new ArrayBuffer(16));
    expect(ownBytes(whole)).toBe(whole);
  });
});

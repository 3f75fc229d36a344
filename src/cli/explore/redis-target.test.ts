import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../args.js';
import {
  RECONNECT_DELAYS_MS,
  connectionOf,
  describeTarget,
  lostError,
  parseRedisUrl,
  unreachableError,
  watchConnections,
} from './redis-target.js';

const usageMessage = (text: string): string => {
  try {
    parseRedisUrl(text);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`'${text}' was accepted`);
};

describe('parseRedisUrl', () => {
  it('reads host, port, database and credentials', () => {
    expect(parseRedisUrl('redis://10.0.0.2:6380/3')).toEqual({ host: '10.0.0.2', port: 6380, db: 3 });
    expect(parseRedisUrl('redis://queue')).toEqual({ host: 'queue', port: 6379, db: 0 });
    expect(parseRedisUrl('redis://[::1]:7000')).toEqual({ host: '::1', port: 7000, db: 0 });
    expect(parseRedisUrl('redis://me:p%40ss@h:1')).toEqual({
      host: 'h',
      port: 1,
      db: 0,
      username: 'me',
      password: 'p@ss',
    });
  });

  it('refuses what is not a redis URL, naming --queue, the value and the limit', () => {
    expect(usageMessage('http://x')).toBe(
      "--queue must be a redis:// URL, got 'http://x' (http: is not redis:; redis://[USER:PASSWORD@]HOST:PORT[/DB])",
    );
    expect(usageMessage('redis://host:99999')).toBe(
      "--queue port must be an integer from 1 to 65535, got '99999' in 'redis://host:99999'",
    );
    expect(usageMessage('redis://host:0')).toContain("got '0'");
    expect(usageMessage('redis://:pw@host:x1')).toContain("got 'x1'");
    expect(usageMessage('redis://h:1/two')).toBe(
      "--queue database number must be a whole number from 0 up, got 'two' in 'redis://h:1/two'",
    );
    expect(usageMessage('redis://h:1?db=2')).toMatch(/^--queue takes no '\?' options/);
    expect(usageMessage('localhost:6379')).toMatch(/^--queue must be a redis:\/\/ URL/);
    expect(usageMessage('not a url')).toMatch(/^--queue must be a URL like redis:\/\//);
  });
});

describe('the bounded connection policy', () => {
  it('retries a lost connection after each delay, then gives up', () => {
    const { retryStrategy, connectTimeout, maxRetriesPerRequest } = connectionOf(parseRedisUrl('redis://h:1'));
    expect(RECONNECT_DELAYS_MS.map((_, i) => retryStrategy(i + 1))).toEqual(RECONNECT_DELAYS_MS);
    expect(retryStrategy(RECONNECT_DELAYS_MS.length + 1)).toBeNull();
    expect(connectTimeout).toBeGreaterThan(0);
    expect(maxRetriesPerRequest).toBeNull();
  });

  it('names the target without its password in messages', () => {
    const target = parseRedisUrl('redis://me:secret@h:6380/2');
    expect(describeTarget(target)).toBe('redis://me@h:6380/2');
    const refused = Object.assign(new Error('connect ECONNREFUSED h:6380'), { code: 'ECONNREFUSED' });
    const unreachable = unreachableError(target, refused);
    expect(unreachable.code).toBe('queue_unreachable');
    expect(unreachable.message).toMatch(
      /^--queue redis:\/\/me@h:6380\/2: cannot connect to Redis \(connect ECONNREFUSED/,
    );
    expect(unreachable.message).toContain('gave up after 4 tries');
    expect(lostError(target, refused).message).toContain('lost the connection to Redis');
    expect(`${unreachable.message} ${lostError(target, undefined).message}`).not.toContain('secret');
  });
});

describe('watchConnections', () => {
  const fakeClient = (): Redis & EventEmitter => new EventEmitter() as Redis & EventEmitter;

  it('rejects lost with the last error once a client ends on its own', async () => {
    const [a, b] = [fakeClient(), fakeClient()];
    const watch = watchConnections([a, b]);
    b.emit('error', new Error('connect ECONNREFUSED'));
    expect(watch.lastError()).toMatchObject({ message: 'connect ECONNREFUSED' });
    b.emit('end');
    await expect(watch.lost).rejects.toThrow('connect ECONNREFUSED');
  });

  it('takes an end after closing() for a close, not a loss', async () => {
    const client = fakeClient();
    const watch = watchConnections([client]);
    watch.closing();
    client.emit('end');
    const outcome = await Promise.race([
      watch.lost.then(
        () => 'lost',
        () => 'lost',
      ),
      Promise.resolve('open'),
    ]);
    expect(outcome).toBe('open');
  });
});

/**
 * Where an explore queue lives (`--queue redis://HOST:PORT[/DB]`) and how long tpusim tries to reach it.
 * Every Redis connection of a coordinator or a worker uses the same bounded policy: a connect attempt gives
 * up after CONNECT_TIMEOUT_MS, a lost or refused connection is retried after each of RECONNECT_DELAYS_MS,
 * and then it ends; the run then fails with a message naming --queue instead of retrying forever.
 */
import type { Redis } from 'ioredis';
import { TpusimError } from '../../index.js';
import { UsageError } from '../args.js';

/** A connect attempt that gets no answer (a host that drops packets) gives up after this long. */
export const CONNECT_TIMEOUT_MS = 5_000;
/** Waits before each reconnect; after the last, the connection is given up (4 tries, under 30 s in all). */
export const RECONNECT_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000];
/**
 * The most a start may wait for Redis to answer: every try timing out plus the waits between them. It also
 * bounds a server that accepts the connection but never answers, which the connect timeout does not.
 */
export const READY_TIMEOUT_MS =
  CONNECT_TIMEOUT_MS * (RECONNECT_DELAYS_MS.length + 1) + RECONNECT_DELAYS_MS.reduce((sum, ms) => sum + ms, 0);
const MAX_PORT = 65_535;
const URL_FORM = 'redis://[USER:PASSWORD@]HOST:PORT[/DB]';

export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
}

/** The port as written (the URL parser refuses one out of range without saying so). */
const PORT_TEXT = /^redis:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):([^/?#]*)/i;

export function parseRedisUrl(text: string): RedisTarget {
  const portText = PORT_TEXT.exec(text)?.[1];
  if (portText !== undefined && portText !== '') {
    const port = /^\d+$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= MAX_PORT))
      throw new UsageError(`--queue port must be an integer from 1 to ${MAX_PORT}, got '${portText}' in '${text}'`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--queue must be a URL like ${URL_FORM}, got '${text}'`);
  }
  if (url.protocol !== 'redis:')
    throw new UsageError(`--queue must be a redis:// URL, got '${text}' (${url.protocol} is not redis:; ${URL_FORM})`);
  if (url.search !== '' || url.hash !== '')
    throw new UsageError(`--queue takes no '?' options or '#' fragment (${URL_FORM}), got '${text}'`);
  const dbText = url.pathname.slice(1);
  const db = dbText === '' ? 0 : /^\d+$/.test(dbText) ? Number(dbText) : NaN;
  if (!Number.isSafeInteger(db))
    throw new UsageError(`--queue database number must be a whole number from 0 up, got '${dbText}' in '${text}'`);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: url.port === '' ? 6379 : Number(url.port),
    db,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
}

/** The target as a URL for messages, without its password. */
export function describeTarget(target: RedisTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const user = target.username === undefined ? '' : `${encodeURIComponent(target.username)}@`;
  return `redis://${user}${host}:${target.port}${target.db === 0 ? '' : `/${target.db}`}`;
}

/**
 * ioredis options with the bounded policy. Requests wait for a reconnect rather than fail (BullMQ's blocking
 * calls need that); once the reconnects are used up the connection ends and its requests fail.
 */
export const connectionOf = (target: RedisTarget) => ({
  ...target,
  maxRetriesPerRequest: null,
  connectTimeout: CONNECT_TIMEOUT_MS,
  retryStrategy: (attempt: number) => RECONNECT_DELAYS_MS[attempt - 1] ?? null,
});

const reasonOf = (error: unknown): string =>
  error instanceof Error && error.message !== '' ? error.message : String(error ?? 'connection closed');

const triesText = (): string => {
  const waitS = RECONNECT_DELAYS_MS.reduce((sum, ms) => sum + ms, 0) / 1000;
  return `${RECONNECT_DELAYS_MS.length + 1} tries over about ${waitS} s, ${CONNECT_TIMEOUT_MS / 1000} s each at most`;
};

/** The error of a queue that could not be reached at the start. */
export function unreachableError(target: RedisTarget, cause: unknown): TpusimError {
  return new TpusimError(
    'queue_unreachable',
    `--queue ${describeTarget(target)}: cannot connect to Redis (${reasonOf(cause)}); gave up after ${triesText()}`,
    { cause },
  );
}

/** The error of a queue that did not answer within READY_TIMEOUT_MS at the start. */
export function silentError(target: RedisTarget): TpusimError {
  return new TpusimError(
    'queue_unreachable',
    `--queue ${describeTarget(target)}: no answer from Redis within ${READY_TIMEOUT_MS / 1000} s (is it Redis, ` +
      `and reachable from here?)`,
  );
}

/** The error of a queue lost during a run. */
export function lostError(target: RedisTarget, cause: unknown): TpusimError {
  return new TpusimError(
    'queue_lost',
    `--queue ${describeTarget(target)}: lost the connection to Redis (${reasonOf(cause)}); gave up reconnecting ` +
      `after ${triesText()}`,
    { cause },
  );
}

export interface ConnectionWatch {
  /** Rejects with the last error seen once one of the clients ends for good while not being closed. */
  readonly lost: Promise<never>;
  /** The last error any of the clients saw (a failed connect try, a dropped connection). */
  lastError(): unknown;
  /** Called before closing the connections on purpose, so their end is not taken for a loss. */
  closing(): void;
}

/**
 * Watches `clients` for a connection that ends for good (its reconnects used up). Listening to `error`
 * also keeps ioredis from printing each failed try.
 */
export function watchConnections(clients: readonly Redis[]): ConnectionWatch {
  let closing = false;
  let lastError: unknown;
  let onLost: (cause: unknown) => void = () => undefined;
  const lost = new Promise<never>((_, reject) => (onLost = reject));
  lost.catch(() => undefined);
  for (const client of clients) {
    client.on('error', (error: unknown) => (lastError = error));
    client.on('end', () => {
      if (!closing) onLost(lastError);
    });
  }
  return {
    lost,
    lastError: () => lastError,
    closing() {
      closing = true;
    },
  };
}

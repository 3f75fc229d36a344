/**
 * The web UI's server: the built UI (dist-web/) as static files, nothing else. Every computation
 * happens in the browser; the server never sees a model or a chip.
 *
 * What it guarantees (test/ui-server.test.ts): only GET and HEAD (405 with `Allow` otherwise), only
 * files under the root (a malformed, traversing, over-long or NUL-carrying path is a 4xx), and, bound
 * to a loopback address, only requests whose Host names that address (421 otherwise), so a page on
 * another site cannot reach it through DNS rebinding. No request can stop it: each is answered inside
 * a try/catch, and malformed HTTP is answered by `clientError`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TpusimError } from '../index.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Longer request targets are refused (414): the UI's own paths are short; its state lives in the hash, which browsers
 * never send.
 */
export const MAX_URL_CHARS = 2048;
const ALLOWED_METHODS = 'GET, HEAD';
const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
} as const;

/** dist-web/ beside dist/ in the package. */
export function defaultUiRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist-web');
}

export interface UiServer {
  readonly server: Server;
  readonly url: string;
  /** Said on stderr by `tpusim ui`: set when the address is reachable from other machines. */
  readonly warning?: string;
  close(): Promise<void>;
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`: addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The warning for a non-loopback address, or undefined. */
export function exposureWarning(host: string): string | undefined {
  return isLoopback(host)
    ? undefined
    : `serving on ${host}: reachable from other machines; tpusim ui has no authentication and sends its files to ` +
        `anyone who asks`;
}

/** `host:port` as a URL authority (IPv6 in brackets). */
function authority(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** Host header values a loopback-bound server answers: the loopback names with its port (and without it on port 80). */
function allowedHosts(host: string, port: number): ReadonlySet<string> {
  const names = new Set([
    'localhost',
    '127.0.0.1',
    '[::1]',
    isIP(host) === 6 ? `[${host.toLowerCase()}]` : host.toLowerCase(),
  ]);
  const allowed = new Set<string>();
  for (const n of names) {
    allowed.add(`${n}:${port}`);
    if (port === 80) allowed.add(n);
  }
  return allowed;
}

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const refuse = (status: number, body: string, headers?: Record<string, string>): Answer => ({
  status,
  body: `${body}\n`,
  ...(headers ? { headers } : {}),
});

/** The file under `root` a request target names, or why there is none. */
function resolveTarget(root: string, target: string): { file: string } | Answer {
  if (target.length > MAX_URL_CHARS) return refuse(414, `request target longer than ${MAX_URL_CHARS} characters`);
  if (!target.startsWith('/')) return refuse(400, 'request target must be a path starting with /');
  let path: string;
  try {
    path = decodeURIComponent(target.split(/[?#]/, 1)[0]!);
  } catch {
    return refuse(400, 'malformed percent-encoding in the path');
  }
  if (/[\0\\]/.test(path)) return refuse(400, 'NUL or backslash in the path');
  if (path.split('/').some((part) => part === '..')) return refuse(400, "'..' in the path");
  const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
  if (!file.startsWith(root + sep)) return refuse(400, 'path outside the UI');
  try {
    if (!statSync(file).isFile()) return refuse(404, 'not found');
    // A link inside the root that points out of it is not served either.
    if (!realpathSync(file).startsWith(root + sep)) return refuse(404, 'not found');
  } catch {
    return refuse(404, 'not found');
  }
  return { file };
}

function answer(req: IncomingMessage, res: ServerResponse, a: Answer): void {
  res.writeHead(a.status, { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8', ...a.headers });
  res.end(req.method === 'HEAD' ? undefined : a.body);
}

function handle(root: string, hosts: ReadonlySet<string> | undefined, req: IncomingMessage, res: ServerResponse): void {
  const host = req.headers.host?.toLowerCase();
  if (hosts && (host === undefined || !hosts.has(host)))
    return answer(
      req,
      res,
      refuse(421, `this server answers only Host ${[...hosts][0]} (or another loopback name with its port)`),
    );
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return answer(req, res, refuse(405, `method ${req.method} not allowed`, { allow: ALLOWED_METHODS }));
  const target = resolveTarget(root, req.url ?? '/');
  if (!('file' in target)) return answer(req, res, target);
  const body = readFileSync(target.file);
  res.writeHead(200, {
    ...COMMON_HEADERS,
    'content-type': TYPES[extname(target.file)] ?? 'application/octet-stream',
    'content-length': String(body.length),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Malformed HTTP, seen before there is a request: answered with the parser's status, then closed. */
function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

export function startUiServer(options: { port?: number; host?: string; root?: string } = {}): Promise<UiServer> {
  const given = options.root ?? defaultUiRoot();
  if (!existsSync(join(given, 'index.html')))
    throw new TpusimError(
      'ui_not_built',
      `the web UI is not built (no ${join(given, 'index.html')}); run 'npm run build:web'`,
    );
  const root = realpathSync(given);
  const host = options.host ?? '127.0.0.1';
  let hosts: ReadonlySet<string> | undefined;
  const server = createServer((req, res) => {
    req.on('error', () => res.destroy());
    res.on('error', () => res.destroy());
    try {
      handle(root, hosts, req, res);
    } catch {
      // A bug or a file that vanished between stat and read: this request fails, the server stays up.
      if (res.headersSent) res.destroy();
      else answer(req, res, refuse(500, 'internal error'));
    }
  });
  server.on('clientError', onClientError);
  // CONNECT is not a request the handler sees: refuse it on its socket.
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    socket.on('error', () => socket.destroy());
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\nallow: ${ALLOWED_METHODS}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
    );
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new TpusimError(
          'ui_port',
          error.code === 'EADDRINUSE'
            ? `port ${options.port} on ${host} is in use; choose another with --port`
            : `cannot serve on ${host}:${options.port}: ${error.message}`,
        ),
      ),
    );
    server.listen(options.port ?? 8737, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : (options.port ?? 8737);
      hosts = isLoopback(host) ? allowedHosts(host, port) : undefined;
      const warning = exposureWarning(host);
      resolvePromise({
        server,
        url: `http://${authority(host, port)}/`,
        ...(warning ? { warning } : {}),
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

/**
 * The web UI's server: the built UI (dist-web/) as static files on 127.0.0.1, nothing else. Every
 * computation happens in the browser; the server never sees a model or a chip.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
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

/** dist-web/ beside dist/ in the package. */
export function defaultUiRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist-web');
}

export interface UiServer {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

export function startUiServer(options: { port?: number; host?: string; root?: string } = {}): Promise<UiServer> {
  const root = options.root ?? defaultUiRoot();
  if (!existsSync(join(root, 'index.html'))) throw new TpusimError('ui_not_built', `the web UI is not built (no ${join(root, 'index.html')}); run 'npm run build:web'`);
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!.split('#')[0]!);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile() || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new TpusimError('ui_port', error.code === 'EADDRINUSE' ? `port ${options.port} on ${host} is in use; choose another with --port` : `cannot serve on ${host}:${options.port}: ${error.message}`)),
    );
    server.listen(options.port ?? 8737, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolvePromise({ server, url: `http://${host}:${port}/`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

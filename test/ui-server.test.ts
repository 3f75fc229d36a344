/**
 * `tpusim ui`'s server under hostile requests: it answers each with a 4xx and keeps serving. Requests
 * go over raw sockets so that nothing (fetch, http.request) normalises them first.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveUi } from '../src/cli/commands/ui.js';
import { exposureWarning, isLoopback, MAX_URL_CHARS, startUiServer, type UiServer } from '../src/cli/ui-server.js';

const INDEX = '<!doctype html><title>tpusim</title>';
const SECRET = 'secret outside the root';

/** A folder with the UI's root (index.html, assets/app.js, a link pointing out) beside a secret file. */
function makeRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tpusim-ui-server-'));
  const root = join(dir, 'dist-web');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'assets', 'app.js'), 'export {};\n');
  writeFileSync(join(dir, 'secret.txt'), SECRET);
  symlinkSync(join(dir, 'secret.txt'), join(root, 'link.txt'));
  return root;
}

/** Sends `text` as is and returns everything the server answers until it closes the connection. */
function raw(port: number, text: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve(Buffer.concat(chunks).toString('latin1')) : reject(e),
    );
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.write(text);
  });
}

const statusOf = (response: string): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? NaN);

describe('tpusim ui server', () => {
  let ui: UiServer;
  let port: number;
  let host: string;
  const get = (path: string, headers = ''): Promise<string> =>
    raw(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${headers}Connection: close\r\n\r\n`);
  beforeAll(async () => {
    ui = await startUiServer({ port: 0, root: makeRoot() });
    port = Number(new URL(ui.url).port);
    host = `127.0.0.1:${port}`;
  });
  afterAll(() => ui.close());

  it('serves index.html and the assets to a loopback Host, with nosniff', async () => {
    for (const h of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      const r = await raw(port, `GET / HTTP/1.1\r\nHost: ${h}\r\nConnection: close\r\n\r\n`);
      expect(statusOf(r), h).toBe(200);
      expect(r).toContain(INDEX);
      expect(r.toLowerCase()).toContain('x-content-type-options: nosniff');
    }
    const js = await get('/assets/app.js?v=1');
    expect(statusOf(js)).toBe(200);
    expect(js.toLowerCase()).toContain('content-type: text/javascript');
    const head = await raw(port, `HEAD / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    expect(statusOf(head)).toBe(200);
    expect(head).not.toContain(INDEX);
  });

  it('answers a malformed percent-encoding with 400 and stays up (the request that used to kill it)', async () => {
    const r = await get('/%');
    expect(statusOf(r)).toBe(400);
    expect(r).toContain('percent-encoding');
    expect(statusOf(await get('/'))).toBe(200);
  });

  it('refuses every method but GET and HEAD with 405 and an Allow header', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE']) {
      const r = await raw(
        port,
        `${method} / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      );
      expect(statusOf(r), method).toBe(405);
      expect(r.toLowerCase(), method).toContain('allow: get, head');
    }
    const connectResponse = await raw(port, `CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`);
    expect(statusOf(connectResponse)).toBe(405);
    expect(connectResponse.toLowerCase()).toContain('allow: get, head');
  });

  it('refuses a Host that is not this loopback server (DNS rebinding) with 421, and an absent one', async () => {
    for (const h of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      '127.0.0.1',
      `localhost.evil.example:${port}`,
      `127.0.0.1:${port}@evil.example`,
    ]) {
      const r = await raw(port, `GET / HTTP/1.1\r\nHost: ${h}\r\nConnection: close\r\n\r\n`);
      expect(statusOf(r), h).toBe(421);
      expect(r, h).not.toContain(INDEX);
    }
    // HTTP/1.0 may leave Host out; HTTP/1.1 without it is malformed (Node's parser answers 400).
    expect(statusOf(await raw(port, 'GET / HTTP/1.0\r\n\r\n'))).toBe(421);
    expect(statusOf(await raw(port, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n'))).toBe(400);
  });

  it('never serves a file outside its root, however the path is spelled', async () => {
    const paths = [
      '/../secret.txt',
      '/../../etc/passwd',
      '/%2e%2e/secret.txt',
      '/%2E%2E/%2E%2E/etc/passwd',
      '/..%2fsecret.txt',
      '/..%2F..%2Fetc%2Fpasswd',
      '/assets/../../secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/%252e%252e/secret.txt',
      '/%c0%ae%c0%ae/secret.txt',
      '/link.txt',
      '//etc/passwd',
      '/etc/passwd',
      '/.%2e/secret.txt',
    ];
    for (const p of paths) {
      const r = await get(p);
      expect(statusOf(r), p).toBeGreaterThanOrEqual(400);
      expect(statusOf(r), p).toBeLessThan(500);
      expect(r, p).not.toContain(SECRET);
      expect(r, p).not.toContain('root:');
    }
  });

  it('answers ~100 hostile requests with 4xx and still serves a normal GET afterwards', async () => {
    const hostile: Array<string | Buffer> = [];
    const badPaths = [
      '/%',
      '/%%',
      '/%zz',
      '/%e0%a4%a',
      '/%ff',
      '/%c0',
      '/%00',
      '/a%00.html',
      '/index.html%00.js',
      '/%ed%a0%80',
      '/%uD800',
      '/%2',
      '/%%32%65',
      '/\\..\\secret.txt',
      '/%5c..%5csecret.txt',
    ];
    for (const p of badPaths) hostile.push(`GET ${p} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    for (let i = 0; i < 20; i++)
      hostile.push(`GET /${'../'.repeat(i + 1)}etc/passwd HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    for (let i = 0; i < 10; i++)
      hostile.push(
        `GET /${'%2e%2e%2f'.repeat(i + 1)}etc/passwd HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      );
    const traversals = [
      '..%2f',
      '%2e%2e/',
      '%2e%2e%5c',
      '..%5c',
      '%252e%252e%252f',
      '..%c0%af',
      '%c0%ae%c0%ae/',
      '.%2e/',
      '%2e./',
      '..;/',
      '....//',
      '..%00/',
    ];
    for (const t of traversals)
      hostile.push(`GET /assets/${t.repeat(4)}secret.txt HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    for (const n of [MAX_URL_CHARS + 1, 10_000, 20_000, 100_000])
      hostile.push(`GET /${'a'.repeat(n)} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    hostile.push(`GET /${'%'.repeat(3000)} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    for (const m of ['POST', 'PUT', 'DELETE', 'TRACE', 'OPTIONS', 'PATCH', 'PROPFIND', 'MKCOL', 'LOCK', 'SEARCH'])
      hostile.push(`${m} / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello`);
    for (let i = 0; i < 5; i++) hostile.push(`CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    for (const h of ['', 'evil.example', '[::2]', `0.0.0.0:${port}`, `127.0.0.1:${port}, evil.example`])
      hostile.push(`GET / HTTP/1.1\r\nHost: ${h}\r\nConnection: close\r\n\r\n`);
    for (let i = 0; i < 5; i++) hostile.push(`GET / HTTP/1.0\r\n\r\n`);
    hostile.push(`GET / HTTP/1.1\r\nConnection: close\r\n\r\n`);
    hostile.push(`GET http://evil.example/ HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    hostile.push(`GET * HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    hostile.push(`GET index.html HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    hostile.push(
      Buffer.from([
        0x47, 0x45, 0x54, 0x20, 0x2f, 0x00, 0x20, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31, 0x0d, 0x0a, 0x0d,
        0x0a,
      ]),
    );
    hostile.push('\x00\x01\x02garbage\r\n\r\n');
    hostile.push('GET / HTTP/9.9\r\n\r\n');
    hostile.push(`GET / HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'b'.repeat(70_000)}\r\n\r\n`);
    hostile.push(`GET / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: -1\r\n\r\n`);
    hostile.push(`GET / HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n`);
    hostile.push(`GET /\r\n\r\n`);
    hostile.push(`GET / HTTP/1.1\nHost: ${host}\n\n`);
    hostile.push('GET / HTTP/1.1\r\nHost: \x7f\x00\r\n\r\n');
    hostile.push(`GET /%E2%80%AE%E2%80%8B HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    expect(hostile.length).toBeGreaterThanOrEqual(100);
    const answers = await Promise.all(hostile.map((h) => raw(port, h)));
    answers.forEach((r, i) => {
      const status = statusOf(r);
      // A request the parser cannot frame may just be closed; anything answered is a refusal.
      if (!Number.isNaN(status)) {
        expect(status, String(hostile[i]).slice(0, 80)).toBeGreaterThanOrEqual(400);
        expect(status, String(hostile[i]).slice(0, 80)).toBeLessThan(500);
      }
      expect(r).not.toContain(SECRET);
    });
    expect(answers.filter((r) => !Number.isNaN(statusOf(r))).length).toBeGreaterThanOrEqual(90);
    expect(ui.server.listening).toBe(true);
    const after = await get('/');
    expect(statusOf(after)).toBe(200);
    expect(after).toContain(INDEX);
  });

  it('tells loopback addresses from others and warns about the others', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'example.com', '128.0.0.1']) expect(isLoopback(h), h).toBe(false);
    expect(exposureWarning('127.0.0.1')).toBeUndefined();
    expect(exposureWarning('0.0.0.0')).toMatch(
      /serving on 0\.0\.0\.0: reachable from other machines; tpusim ui has no authentication/,
    );
  });
});

describe('tpusim ui on a non-loopback address', () => {
  it('warns on stderr, still answers, and accepts any Host (the name it is reached by is unknown)', async () => {
    let out = '';
    let err = '';
    const ui = await serveUi(
      { port: 0, host: '0.0.0.0', root: makeRoot() },
      { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) },
    );
    try {
      expect(ui).toBeDefined();
      expect(err).toMatch(
        /^tpusim: warning: serving on 0\.0\.0\.0: reachable from other machines; tpusim ui has no authentication/,
      );
      expect(out).toMatch(/tpusim UI on http:\/\/0\.0\.0\.0:\d+\//);
      const port = Number(new URL(ui!.url).port);
      expect(statusOf(await raw(port, `GET / HTTP/1.1\r\nHost: my-box.lan:${port}\r\nConnection: close\r\n\r\n`))).toBe(
        200,
      );
      expect(
        statusOf(await raw(port, `GET /% HTTP/1.1\r\nHost: my-box.lan:${port}\r\nConnection: close\r\n\r\n`)),
      ).toBe(400);
      expect(
        statusOf(await raw(port, `DELETE / HTTP/1.1\r\nHost: my-box.lan:${port}\r\nConnection: close\r\n\r\n`)),
      ).toBe(405);
    } finally {
      await ui?.close();
    }
  });
  it('says nothing on stderr on loopback', async () => {
    let err = '';
    const ui = await serveUi(
      { port: 0, host: '127.0.0.1', root: makeRoot() },
      { out: () => undefined, err: (t) => (err += t) },
    );
    await ui?.close();
    expect(err).toBe('');
  });
});

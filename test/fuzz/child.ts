/**
 * The fuzz suite's child process (started by runner.ts with register.mjs): runs cases in-process
 * through `main(argv, io)`, each in its own working folder, checks what a case may and may not do,
 * and sends one result per case. A case that hangs or kills the process never sends its result;
 * the parent notices and names it.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { FuzzCase } from './corpus.js';

export interface CaseResult {
  readonly id: number;
  readonly code: number | 'threw' | 'hang' | 'crashed';
  /** what broke a rule, empty when the case passed */
  readonly problems: readonly string[];
  /** first line of stderr (the message), and the top frame in src/ for internal errors */
  readonly message: string;
  readonly frame: string;
  readonly ms: number;
}

process.env['TPUSIM_DEBUG'] = '1'; // internal errors then print their stack: the dedup key uses its top frame

/** Every path under `dir`, relative, folders ending in '/'. */
function listTree(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(`${rel}/`, ...listTree(dir, rel));
    else out.push(rel);
  }
  return out;
}

/** Strings and numbers in a JSON document that are not finite numbers. */
function nonFinite(value: unknown, path: string, out: string[]): void {
  if (out.length > 3) return;
  // Names and sources are the user's own text, which may well read 'NaN'.
  if (
    typeof value === 'string' &&
    /^-?(NaN|Infinity)$/.test(value) &&
    !/(name|system|chip|model|file|source|note|description|\])$/i.test(path)
  )
    out.push(`${path} = ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => nonFinite(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) nonFinite(v, path ? `${path}.${k}` : k, out);
}

/** Whether a new path is an output asked for, inside one, or a folder made to hold one. */
function allowed(path: string, outputs: readonly string[], dir: string, created: readonly string[]): boolean {
  const full = resolve(dir, path);
  return outputs.some((o) => {
    const out = resolve(dir, o.trim() === '' ? '\0' : o);
    const madeOutput = created.some((p) => resolve(dir, p) === out);
    return full === out || full.startsWith(out + sep) || (madeOutput && out.startsWith(full + sep));
  });
}

async function runCase(c: FuzzCase, base: string): Promise<CaseResult> {
  const dir = join(base, `case-${c.id}`);
  mkdirSync(dir, { recursive: true });
  for (const [path, content] of Object.entries(c.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), Buffer.from(content, 'base64'));
  }
  process.chdir(dir);
  const before = new Set(listTree(dir));
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += `${t}\n`), err: (t: string) => void (err += `${t}\n`) };
  const start = performance.now();
  let code: CaseResult['code'];
  const problems: string[] = [];
  try {
    code = await main(c.argv, io);
  } catch (error) {
    code = 'threw';
    err += `${error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error)}\n`;
  }
  const ms = performance.now() - start;
  process.chdir(base);
  if (code === 'threw') problems.push('main threw');
  else if (code === 70) problems.push('internal error (exit 70)');
  else if (![0, 1, 2].includes(code)) problems.push(`exit code ${code}`);
  if (code !== 0 && err.trim() === '') problems.push('non-zero exit with nothing on stderr');
  if (code === 0 && c.argv.includes('--json') && !c.argv.includes('--help') && !c.argv.includes('-h')) {
    try {
      const bad: string[] = [];
      nonFinite(JSON.parse(out), '', bad);
      if (bad.length > 0) problems.push(`non-finite number in --json output: ${bad.join(', ')}`);
    } catch {
      problems.push('--json output is not one JSON document');
    }
  }
  const after = listTree(dir).filter((p) => !before.has(p));
  const temps = after.filter((p) => p.includes('tpusim-tmp'));
  if (temps.length > 0) problems.push(`temporary files left: ${temps.join(', ')}`);
  const created = after.filter((p) => !p.includes('tpusim-tmp'));
  const stray = code === 0 ? created.filter((p) => !allowed(p, c.outputs, dir, created)) : created;
  if (stray.length > 0)
    problems.push(
      `${code === 0 ? 'files not asked for' : 'files left by a failed run'}: ${stray.slice(0, 5).join(', ')}`,
    );
  const empty = created.filter((p) => p.endsWith('/') && !created.some((q) => q !== p && q.startsWith(p)));
  if (empty.length > 0 && code === 0 && stray.length === 0) problems.push(`empty folders left: ${empty.join(', ')}`);
  const lines = err.split('\n');
  const message = (lines.find((l) => l.trim() !== '') ?? '').slice(0, 300);
  const frame = (lines.find((l) => /^\s+at .*[/\\]src[/\\]/.test(l)) ?? lines.find((l) => /^\s+at /.test(l)) ?? '')
    .trim()
    .replace(/\(.*[/\\](src[/\\].*?):\d+:\d+\)$/, '($1)');
  return { id: c.id, code, problems, message, frame: normalize(frame), ms };
}

process.on('message', (msg: { cases: FuzzCase[]; base: string }) => {
  void (async () => {
    for (const c of msg.cases) {
      const result = await runCase(c, msg.base);
      process.send!({ result });
    }
    process.send!({ done: true }, () => process.exit(0));
  })();
});

process.send!({ ready: true }); // the sources are loaded: the parent starts timing cases now

// Library code must not print; a stray console write is reported as part of the case's stderr instead.
console.log =
  console.info =
  console.warn =
  console.error =
    (...args: unknown[]): void => {
      process.send?.({ log: args.map(String).join(' ').slice(0, 300) });
    };

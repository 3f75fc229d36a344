/**
 * The CLI's one output path (issue 13, data loss): outputs never replace an input of the run or anything
 * but a regular file, two outputs never share a path, a recompile leaves no stale weights, a failed
 * write leaves no folders behind, and kernel filesystems fail at once. Each case checks the exit code,
 * the message on stderr, and that what was on disk before is still there.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';
import { ONNX_FIXTURES } from '../src/graph/onnx/test-support/onnx-models.js';

const root = join(import.meta.dirname, '..');
const example = (f: string): string => join(root, 'examples', f);
const data = (f: string): string => join(root, 'examples', 'data', f);
const tmp = (): string => mkdtempSync(join(tmpdir(), 'tpusim-out-'));
const mlpInputs = [
  '--input',
  `x=${data('mlp-x.npy')}`,
  '--input',
  `w1=${data('mlp-w1.npy')}`,
  '--input',
  `w2=${data('mlp-w2.npy')}`,
];
const ASM = '.chip tpu-v1\n.buffer host x 0 shape=8x4 dtype=int8\nhalt\n';

function onnxModel(dir: string): string {
  const path = join(dir, 'mlp.onnx');
  writeFileSync(path, ONNX_FIXTURES['mlp']!().bytes);
  return path;
}

/** A special file made by a system tool, or undefined where the tool or the permission is missing. */
function make(tool: string, args: string[]): boolean {
  try {
    execFileSync(tool, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('outputs onto things that are not regular files', () => {
  it('refuses a FIFO and leaves it a FIFO', async () => {
    const fifo = join(tmp(), 'pipe');
    if (!make('mkfifo', [fifo])) return;
    const r = await tpusim('estimate', 'resnet50', '--chip', 'tpu-v4', '--svg', fifo);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`could not write output '${fifo}': it is a FIFO (named pipe), not a regular file`);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('refuses a symbolic link, and neither the link nor its target changes', async () => {
    const dir = tmp();
    const target = join(dir, 'target.svg');
    writeFileSync(target, 'keep me');
    const link = join(dir, 'link.svg');
    symlinkSync(target, link);
    const r = await tpusim('estimate', 'resnet50', '--chip', 'tpu-v4', '--timeline', link);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`could not write output '${link}': it is a symbolic link`);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
  });

  it('refuses a link to a device, and a device node (made where the user may)', async () => {
    const dir = tmp();
    const toNull = join(dir, 'null.svg');
    symlinkSync('/dev/null', toNull);
    const viaLink = await tpusim('fab', '--chip', 'tpu-v4', '--svg', toNull);
    expect(viaLink.code).toBe(1);
    expect(viaLink.err).toContain('it is a symbolic link');
    expect(lstatSync(toNull).isSymbolicLink()).toBe(true);
    // The tester's /dev/full, copied into the temporary folder: only root may make it.
    const full = join(dir, 'full');
    if (!make('mknod', [full, 'c', '1', '7'])) return;
    const r = await tpusim('estimate', 'resnet50', '--chip', 'tpu-v4', '--svg', full);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`could not write output '${full}': it is a character device, not a regular file`);
    expect(lstatSync(full).isCharacterDevice()).toBe(true);
  });
});

describe('ordinary outputs', () => {
  it('replace an existing regular file and leave no temporary or backup file', async () => {
    const dir = tmp();
    const svg = join(dir, 'roofline.svg');
    writeFileSync(svg, 'old chart');
    const r = await tpusim('estimate', 'resnet50', '--chip', 'tpu-v4', '--svg', svg);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
    expect(readdirSync(dir)).toEqual(['roofline.svg']);
  });
});

describe('an output on an input of the same run', () => {
  it('asm -o onto its own source, directly, through a hard link and through a linked folder', async () => {
    const dir = tmp();
    const source = join(dir, 'a.s');
    writeFileSync(source, ASM);
    const same = await tpusim('asm', source, '-o', source);
    expect(same.code).toBe(1);
    expect(same.err).toContain(`could not write output '${source}': it is an input of this run`);
    const hard = join(dir, 'hard.s');
    linkSync(source, hard);
    const viaHardLink = await tpusim('asm', source, '-o', hard);
    expect(viaHardLink.code).toBe(1);
    expect(viaHardLink.err).toContain(`it is the input '${source}' of this run`);
    symlinkSync(dir, join(dir, 'alias'));
    const viaFolder = await tpusim('asm', source, '-o', join(dir, 'alias', 'a.s'));
    expect(viaFolder.code).toBe(1);
    expect(readFileSync(source, 'utf8')).toBe(ASM);
    expect(readdirSync(dir).sort()).toEqual(['a.s', 'alias', 'hard.s']);
  });

  it('compile -o and estimate --svg onto the model file', async () => {
    const dir = tmp();
    const model = onnxModel(dir);
    const before = readFileSync(model);
    const compile = await tpusim('compile', model, '--chip', 'tpu-v1', '-o', model);
    expect(compile.code).toBe(1);
    expect(compile.err).toContain(`could not write output '${model}': it is an input of this run`);
    const estimate = await tpusim('estimate', model, '--chip', 'tpu-v4', '--svg', model);
    expect(estimate.code).toBe(1);
    expect(estimate.err).toContain('it is an input of this run');
    expect(readFileSync(model)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['mlp.onnx']);
  });

  it('a later run may write where an earlier run read', async () => {
    const dir = tmp();
    const source = join(dir, 'a.s');
    writeFileSync(source, ASM);
    expect((await tpusim('asm', source)).code).toBe(0);
    const other = join(dir, 'b.s');
    writeFileSync(other, ASM);
    expect((await tpusim('asm', other, '-o', source)).code).toBe(0);
    expect(readFileSync(source).subarray(0, 4).toString()).toBe('TPUP');
  });
});

describe('two outputs on one path', () => {
  it('run --output O --trace O/y.npy: refused, nothing written', async () => {
    const out = join(tmp(), 'O');
    const r = await tpusim('run', example('mlp-int8.s'), ...mlpInputs, '--output', out, '--trace', join(out, 'y.npy'));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`--output '${join(out, 'y.npy')}' and --trace '${join(out, 'y.npy')}' are the same file`);
    expect(existsSync(out)).toBe(false);
  });

  it('a trace where the outputs need a folder, and a folder that is a file', async () => {
    const dir = tmp();
    const out = join(dir, 'O');
    const asFolder = await tpusim('run', example('mlp-int8.s'), ...mlpInputs, '--output', out, '--trace', out);
    expect(asFolder.code).toBe(2);
    expect(asFolder.err).toContain(`--output and --trace both name '${out}'`);
    const inside = await tpusim(
      'run',
      example('mlp-int8.s'),
      ...mlpInputs,
      '--output',
      join(out, 'sub'),
      '--trace',
      out,
    );
    expect(inside.code).toBe(2);
    expect(inside.err).toContain('--trace names a file, so --output cannot write inside it');
    writeFileSync(out, 'a file');
    const fileAsFolder = await tpusim('run', example('mlp-int8.s'), ...mlpInputs, '--output', out);
    expect(fileAsFolder.code).toBe(1);
    expect(fileAsFolder.err).toContain(`'${out}' is a file, not a folder`);
    expect(readFileSync(out, 'utf8')).toBe('a file');
  });

  it('two chart options that reach one file through a linked folder', async () => {
    const dir = tmp();
    symlinkSync(dir, join(dir, 'alias'));
    const r = await tpusim(
      'estimate',
      'resnet50',
      '--chip',
      'tpu-v4',
      '--svg',
      join(dir, 'x.svg'),
      '--timeline',
      join(dir, 'alias', 'x.svg'),
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('are the same file');
    expect(readdirSync(dir)).toEqual(['alias']);
  });
});

describe('the weights folder of a compiled program', () => {
  it('a recompile into the same prog.s leaves no stale weight file', async () => {
    const dir = tmp();
    const model = onnxModel(dir);
    const prog = join(dir, 'prog.s');
    expect((await tpusim('compile', model, '--chip', 'tpu-v1', '-o', prog)).code).toBe(0);
    const weights = readdirSync(`${prog}.data`).sort();
    expect(weights.length).toBeGreaterThan(0);
    writeFileSync(join(`${prog}.data`, 'stale.npy'), 'from an older compile');
    const again = await tpusim('compile', model, '--chip', 'tpu-v1', '-o', prog);
    expect(again.code, again.err).toBe(0);
    expect(readdirSync(`${prog}.data`).sort()).toEqual(weights);
    expect(readdirSync(dir).sort()).toEqual(['mlp.onnx', 'prog.s', 'prog.s.data']);
    // A program without weights: the folder goes too.
    expect((await tpusim('compile', 'mlp', '--chip', 'tpu-v1', '-o', prog)).code).toBe(0);
    expect(existsSync(`${prog}.data`)).toBe(false);
  });

  it('is not replaced while it holds a file tpusim did not write, or an input', async () => {
    const dir = tmp();
    const model = onnxModel(dir);
    const prog = join(dir, 'prog.s');
    mkdirSync(`${prog}.data`);
    writeFileSync(join(`${prog}.data`, 'notes.txt'), 'mine');
    const r = await tpusim('compile', model, '--chip', 'tpu-v1', '-o', prog);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`it holds '${join(`${prog}.data`, 'notes.txt')}', which tpusim did not write`);
    expect(readdirSync(`${prog}.data`)).toEqual(['notes.txt']);
    expect(existsSync(prog)).toBe(false);
    const inside = join(`${prog}.data`, 'mlp.onnx');
    writeFileSync(inside, readFileSync(model));
    const input = await tpusim('compile', inside, '--chip', 'tpu-v1', '-o', prog);
    expect(input.code).toBe(1);
    expect(input.err).toContain(`it holds the input '${inside}' of this run`);
    expect(readdirSync(`${prog}.data`).sort()).toEqual(['mlp.onnx', 'notes.txt']);
  });
});

describe('failed writes', () => {
  it('remove the folders they made', async () => {
    const dir = tmp();
    const r = await tpusim(
      'estimate',
      'resnet50',
      '--chip',
      'tpu-v4',
      '--svg',
      join(dir, 'new', 'deeper', `${'x'.repeat(300)}.svg`),
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('the name is too long for the file system');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keep the file they would have replaced when a later output fails', async () => {
    const dir = tmp();
    const first = join(dir, 'first.svg');
    writeFileSync(first, 'old chart');
    const r = await tpusim(
      'estimate',
      'resnet50',
      '--chip',
      'tpu-v4',
      '--svg',
      first,
      '--timeline',
      join(dir, 'new', `${'y'.repeat(300)}.svg`),
    );
    expect(r.code).toBe(1);
    expect(readFileSync(first, 'utf8')).toBe('old chart');
    expect(readdirSync(dir)).toEqual(['first.svg']);
  });

  it('under /proc and /sys fail at once with the reason', async () => {
    if (!existsSync('/proc/self')) return; // not Linux
    for (const path of ['/proc/tpusim-test/deeper/x.svg', '/proc/x.svg', '/sys/tpusim-test/x.svg']) {
      const r = await tpusim('estimate', 'resnet50', '--chip', 'tpu-v4', '--svg', path);
      expect(r.code, path).toBe(1);
      expect(r.err).toMatch(/on the kernel's (proc|sysfs) filesystem, which holds no files to write/);
    }
    const out = await tpusim('run', example('mlp-int8.s'), ...mlpInputs, '--output', '/proc/tpusim-test');
    expect(out.code).toBe(1);
    expect(out.err).toContain("could not write output '/proc/tpusim-test'");
  });
});

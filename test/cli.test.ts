/**
 * The CLI as a user meets it: every command's happy path and its answers to bad input (a clear message
 * naming the field, value and limit; a non-zero exit; no stack trace; no half-written output).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';

const noStack = (text: string): void => expect(text).not.toMatch(/\n\s+at /);

describe('tpusim', () => {
  it('prints help and exits 2 without a command', async () => {
    const r = await tpusim();
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/usage: tpusim <command>/);
  });

  it('suggests the nearest command', async () => {
    const r = await tpusim('gemn');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command 'gemn'; did you mean 'gemm'/);
  });

  it('lists chips as a table and as JSON', async () => {
    expect((await tpusim('chips')).out).toMatch(/tpu-v1\s+1 x 256x256 ws/);
    const json = JSON.parse((await tpusim('chips', '--json')).out);
    expect(json.schemaVersion).toBe(1);
    expect(json.chips.map((c: { name: string }) => c.name)).toEqual([
      ...['tpu-v1', 'tpu-v2', 'tpu-v3', 'tpu-v4', 'tpu-v4i', 'tpu-v5e', 'tpu-v5p', 'tpu-v6e', 'tpu-v7'],
      ...[
        'v100-sxm',
        't4',
        'a100',
        'a100-40gb',
        'a100-pcie',
        'a10',
        'h100-sxm',
        'h100-pcie',
        'h800',
        'h200',
        'gh200',
        'l40s',
        'b200',
      ],
      ...['mi300x', 'mi325x', 'gaudi2', 'gaudi3', 'trainium2', 'mtia-v1', 'mtia-v2'],
    ]);
  });

  it('shows a chip with its sources, and suggests a preset for a typo', async () => {
    const shown = await tpusim('chip', 'show', 'tpu-v1');
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/jouppi2017/);
    expect(shown.out).toMatch(/peak int8\s+91.75 TOPS/);
    const gpu = await tpusim('chip', 'show', 'h100-sxm');
    expect(gpu.out).toMatch(/sustained clock\s+1.335 GHz \(73% of the clock, measured/);
    const typo = await tpusim('chip', 'show', 'tpu-v5');
    expect(typo.code).toBe(1);
    expect(typo.err).toMatch(/unknown chip 'tpu-v5'; did you mean/);
    noStack(typo.err);
  });
});

describe('tpusim gemm', () => {
  it('checks outputs bit for bit against the reference', async () => {
    const r = await tpusim('gemm', '70', '90', '300', '--check');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/all 6,300 outputs are bit-identical/);
  });

  it('gives the same cycles from both engines, in JSON', async () => {
    const fold = JSON.parse((await tpusim('gemm', '33', '65', '129', '--chip', 'tpu-v4', '--json')).out);
    const reg = JSON.parse(
      (await tpusim('gemm', '33', '65', '129', '--chip', 'tpu-v4', '--engine', 'register', '--json')).out,
    );
    expect(fold.schemaVersion).toBe(1);
    expect(typeof fold.totalCycles).toBe('number');
    expect(reg.totalCycles).toBe(fold.totalCycles);
    expect(fold.notes).toContain("runs on one of the chip's 8 matrix units");
  });

  it('builds a variant matrix unit for --dataflow and --dtype, and says so', async () => {
    const r = await tpusim(
      'gemm',
      '20',
      '20',
      '20',
      '--dataflow',
      'os',
      '--dtype',
      'bf16',
      '--engine',
      'register',
      '--check',
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/variant built os/);
    expect(r.out).toMatch(/variant that multiplies bf16/);
  });

  it('reports SCALE-Sim cycles in scalesim timing', async () => {
    const r = JSON.parse(
      (await tpusim('gemm', '64', '64', '64', '--dataflow', 'os', '--timing', 'scalesim', '--json')).out,
    );
    // One fold on a 256x256 array: K + R + C - 2 cycles, minus SCALE-Sim's one.
    expect(r.totalCycles).toBe(64 + 256 + 256 - 2 - 1);
  });

  it.each([
    [['gemm', '0', '64', '64'], /M must be a positive integer, got '0'/],
    [['gemm', '64', '-3', '64'], /unknown option|N must be a positive integer/],
    [['gemm', '1.5', '2', '3'], /M must be a positive integer, got '1.5'/],
    [['gemm', 'x', '2', '3'], /M must be a positive integer, got 'x'/],
    [['gemm', '64', '64'], /gemm needs three sizes M N K, got 2/],
    [
      ['gemm', '64', '64', '64', '--dataflow', 'xs'],
      /--dataflow must be one of ws, os, is, got 'xs' \(did you mean 'ws'/,
    ],
    [
      ['gemm', '64', '64', '64', '--dtype', 'fp32'],
      /--dtype must be one of int8, uint8, int16, bf16, fp16, fp8-e4m3, fp8-e5m2, got 'fp32'/,
    ],
    [['gemm', '64', '64', '64', '--engine', 'cell'], /--engine must be one of fold, register/],
    [['gemm', '64', '64', '64', '--chek'], /unknown option --chek \(did you mean --check\?\)/],
    [['gemm', '99999999', '64', '64'], /M = 99999999 exceeds the limit 16777216/],
  ])('rejects %j with a usage error', async (argv, message) => {
    const r = await tpusim(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    noStack(r.err);
  });

  it('refuses a register-level run that would take hours', async () => {
    const r = await tpusim('gemm', '100000', '100000', '100000', '--engine', 'register');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/use --engine fold/);
  });

  it('reads a chip file that extends a preset, and lists every problem of a bad one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-'));
    const good = join(dir, 'big.yaml');
    writeFileSync(good, 'base: tpu-v1\nname: v1-512\ncores:\n  - matrixUnits:\n      - rows: 512\n        cols: 512\n');
    const r = await tpusim('gemm', '512', '512', '512', '--chip', good, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).array.rows).toBe(512);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'base: tpu-v1\nclockHz: -1\ncores:\n  - matrixUnits:\n      - rows: 5000\n        colls: 3\n');
    const b = await tpusim('gemm', '8', '8', '8', '--chip', bad);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/clockHz: -1 Hz must be greater than 0 Hz/);
    expect(b.err).toMatch(/cores\[0\]\.matrixUnits\[0\]\.rows: 5000 exceeds the maximum 4096/);
    expect(b.err).toMatch(/colls: unknown field 'colls'; did you mean 'cols'/);
    noStack(b.err);
    const missing = await tpusim('chip', 'show', join(dir, 'none.json'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/does not exist/);
  });
});

describe('tpusim scalesim', () => {
  const data = (f: string): string => join(import.meta.dirname, '..', 'data', 'scalesim', f);

  it("writes COMPUTE_REPORT.csv in SCALE-Sim's format", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-'));
    const r = await tpusim(
      'scalesim',
      '-c',
      data('scale.cfg'),
      '-t',
      data('GEMM_mnk-gpt2.csv'),
      '-i',
      'gemm',
      '--memory',
      'off',
      '-o',
      dir,
    );
    expect(r.code).toBe(0);
    const report = readFileSync(join(dir, 'COMPUTE_REPORT.csv'), 'utf8');
    expect(report.split('\n')[0]).toBe(
      'LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,',
    );
    expect(report.trim().split('\n')).toHaveLength(7); // header + 6 layers
  });

  it('names the line and column of a malformed topology, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-'));
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'Layer, M, N, K,\nfc1, 128, 64, 32,\nfc2, 128, -4, 32,\n');
    const out = join(dir, 'out');
    const r = await tpusim('scalesim', '-c', data('scale.cfg'), '-t', csv, '-i', 'gemm', '-o', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.csv:3:3: N must be a positive integer, got '-4'/);
    expect(existsSync(out)).toBe(false);
  });

  it('names the line of a malformed config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-'));
    const cfg = join(dir, 'bad.cfg');
    writeFileSync(cfg, '[architecture_presets]\nArrayHeight: 32\nArrayWidth: wide\nDataflow: ws\n');
    const r = await tpusim('scalesim', '-c', cfg, '-t', data('GEMM_mnk-gpt2.csv'), '-i', 'gemm');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.cfg:3: arraywidth must be an integer from 1 to 4096, got 'wide'/);
  });

  it('fails cleanly when the output cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-'));
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'not a directory');
    const r = await tpusim(
      'scalesim',
      '-c',
      data('scale.cfg'),
      '-t',
      data('GEMM_mnk-gpt2.csv'),
      '-i',
      'gemm',
      '-o',
      blocker,
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/could not write output/);
    noStack(r.err);
  });
});

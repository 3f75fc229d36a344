/**
 * Work limits (issue 13): unbounded work is refused before it starts, with the estimate, the limit and
 * the flag that raises it; user input that used to crash (exit 70) gets a clear error. Every refusal
 * here must come back fast: the check runs before any work, so each test takes well under a second of
 * work even though the refused runs would take minutes or exhaust memory.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeOnnx, makeTensor, type OnnxModel } from '../src/index.js';
import { tpusim } from './cli-helper.js';

const dir = mkdtempSync(join(tmpdir(), 'tpusim-limits-'));
const file = (name: string, content: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const CFG = file(
  'array.cfg',
  '[general]\nrun_name = limits\n\n[architecture_presets]\nArrayHeight: 32\nArrayWidth: 32\nDataflow : os\n',
);
const MEMORY_REFUSAL =
  /this run would allocate about [\d.]+ [GM]B \(.*\), above the limit of 4 GB; raise it with --max-memory \d+GB/;
const TIME_REFUSAL = new RegExp(
  'this run would take about [\\d.]+ (s|min|h) \\(.*\\), above the limit of (60 ' +
    's|[\\d.]+ s); raise it with --max-time \\d+s',
);

function expectRefused(r: { code: number; out: string; err: string }, message: RegExp): void {
  expect(r.code).toBe(1);
  expect(r.out).toBe('');
  expect(r.err).toMatch(message);
  expect(r.err).not.toMatch(/internal error|\n\s+at /);
}

/** x [rows, 784] -> MatMul with a 784 x 10 weight. */
function onnxMlp(rows: number): Uint8Array {
  const model: OnnxModel = {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'test',
    graph: {
      name: 'wide',
      nodes: [{ name: 'mm', opType: 'MatMul', domain: '', inputs: ['x', 'w'], outputs: ['y'], attributes: [] }],
      initializers: [makeTensor('w', 'float', [784, 10], new Float32Array(7840).fill(0.01))],
      inputs: [{ name: 'x', elemType: 'float', shape: [rows, 784] }],
      outputs: [{ name: 'y', elemType: 'float', shape: [rows, 10] }],
      valueInfo: [],
    },
  };
  return encodeOnnx(model);
}

describe('work limits: refused before the work starts', () => {
  it('scalesim: a GEMM row of 1e9 x 1e9 x 1e9 (it ran out of memory)', async () => {
    const csv = file('huge-gemm.csv', 'Layer,M,N,K,\nbig,1000000000,1000000000,1000000000,\n');
    const r = await tpusim('scalesim', '-c', CFG, '-t', csv, '-i', 'gemm');
    expectRefused(r, MEMORY_REFUSAL);
    expect(r.err).toMatch(
      /9\.77e\+14 folds; layer 'big' \(\S*huge-gemm\.csv:2, M 1000000000 x N 1000000000 x K 1000000000\)/,
    );
  });

  it('scalesim: a conv row with 99,999,999,999 filters (it ran out of memory)', async () => {
    const csv = file(
      'huge-conv.csv',
      'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, ' +
        'Strides,\nc1,56,56,3,3,64,99999999999,1,\n',
    );
    expectRefused(await tpusim('scalesim', '-c', CFG, '-t', csv), MEMORY_REFUSAL);
  });

  it('scalesim: --max-time lowers the time limit, --max-memory raises the memory one', async () => {
    const csv = file('big-gemm.csv', 'Layer,M,N,K,\nbig,100000,100000,64,\n');
    const r = await tpusim('scalesim', '-c', CFG, '-t', csv, '-i', 'gemm', '--memory', 'off', '--max-time', '1s');
    expectRefused(r, /would take about 3\.91 s \(9\.77e\+6 folds.*above the limit of 1 s; raise it with --max-time 5s/);
    const small = file('small-gemm.csv', 'Layer,M,N,K,\nsmall,64,64,64,\n');
    expect((await tpusim('scalesim', '-c', CFG, '-t', small, '-i', 'gemm', '--max-memory', '1GiB')).code).toBe(0);
  });

  it('estimate, train and infer: a config.json with num_hidden_layers 1e9 (it ran out of memory)', async () => {
    const config = file(
      'deep.json',
      JSON.stringify({
        model_type: 'llama',
        hidden_size: 4096,
        intermediate_size: 11008,
        num_attention_heads: 32,
        num_key_value_heads: 32,
        num_hidden_layers: 1e9,
        vocab_size: 32000,
        max_position_embeddings: 4096,
      }),
    );
    for (const argv of [
      ['estimate', config, '--chip', 'tpu-v4'],
      ['train', config, '--chip', 'tpu-v4', '--chips', '8'],
      ['infer', config, '--chip', 'tpu-v4'],
    ]) {
      expectRefused(await tpusim(...argv), /num_hidden_layers is 1000000000, above the limit/);
    }
  });

  it('compile: a config.json model too big to compile for the chip', async () => {
    const config = file(
      'wide.json',
      JSON.stringify({
        model_type: 'llama',
        hidden_size: 4096,
        intermediate_size: 11008,
        num_attention_heads: 32,
        num_key_value_heads: 32,
        num_hidden_layers: 1024,
        vocab_size: 32000,
        max_position_embeddings: 4096,
      }),
    );
    expectRefused(
      await tpusim('compile', config, '--chip', 'tpu-v4'),
      /would allocate about [\d.]+ GB \(compiling .* instructions\), above the limit of 4 GB/,
    );
  });

  it('run: resnet50 on a chip with a 1x1 matrix unit (4.9 GB), first memory, then time', async () => {
    const chip = file(
      'tiny-mxu.yaml',
      'base: tpu-v1\nname: v1-1x1\ncores:\n  - matrixUnits:\n      - rows: 1\n        cols: 1\n',
    );
    expectRefused(
      await tpusim('run', 'resnet50', '--chip', chip),
      /would allocate about 117 GB \(compiling and simulating resnet50 for a 1x1 array: about 5\.10e\+7 instructions\)/,
    );
    expectRefused(
      await tpusim('run', 'resnet50', '--chip', chip, '--max-memory', '200GB'),
      new RegExp(
        'would take about 62.1 min \\(compiling and simulating resnet50 .*above the limit ' +
          'of 60 s; raise it with --max-time \\d+s',
      ),
    );
  });

  it('infer: --requests 1000000 at a low rate (about 20 minutes)', async () => {
    const r = await tpusim('infer', 'llama3-8b', '--chip', 'h100-sxm', '--rate', '0.5', '--requests', '1000000');
    expectRefused(r, TIME_REFUSAL);
    expect(r.err).toMatch(/1,000,000 requests of 256 output tokens, about 1 at a time/);
  });

  it('gemm: 3000 x 3000 x 3000 --check (162 s), and a small check that still runs', async () => {
    expectRefused(
      await tpusim('gemm', '3000', '3000', '3000', '--check'),
      /would take about 3 min \(--check for a 3000 x 3000 x 3000 GEMM: 2\.70e\+10 MACs/,
    );
    expectRefused(await tpusim('gemm', '16777216', '16777216', '1', '--check'), MEMORY_REFUSAL);
    expectRefused(
      await tpusim('gemm', '300', '300', '300', '--check', '--max-time', '0.01'),
      /above the limit of 0\.01 s; raise it with --max-time 0\.5s/,
    );
    const r = await tpusim('gemm', '300', '300', '300', '--check');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/bit-identical/);
  });

  it('rejects bad limit values as usage errors naming the flag and the value', async () => {
    for (const [flag, value] of [
      ['--max-memory', '0'],
      ['--max-memory', '4XB'],
      ['--max-time', 'soon'],
      ['--max-time', '-5'],
    ] as const) {
      const r = await tpusim('gemm', '8', '8', '8', '--check', flag, value);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${flag} must be a positive amount like`);
      expect(r.err).toContain(`'${value}'`);
    }
  });
});

describe('user input that used to be an internal error (exit 70)', () => {
  it('asm: a carriage return inside a line is an error at its line and column; CRLF files assemble', async () => {
    const bad = file('cr.s', '.buffer dram w 0 shape=8x8 dtype=int8\n    read_weights w,\r 8, 8\n    halt\n');
    const r = await tpusim('asm', bad);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /cr\.s:2:20: a carriage return \(\\r\) not followed by a newline inside the line; end lines with LF or CRLF/,
    );
    const crlf = file('crlf.s', '.buffer dram w 0 shape=8x8 dtype=int8\r\n    read_weights w, 8, 8\r\n    halt\r\n');
    expect((await tpusim('asm', crlf)).code).toBe(0);
  });

  it(
    'compile and run: an ONNX input of shape [16777216, 784] is refused by name before anything is ' + 'allocated',
    async () => {
      const onnx = file('wide.onnx', onnxMlp(16777216));
      for (const command of ['compile', 'run']) {
        const r = await tpusim(command, onnx, '--chip', 'tpu-v1');
        expectRefused(
          r,
          /would allocate about \d+ GB \(.*largest: 'x' \[16777216, 784\] = 1\.32e\+10\)\), above the limit of 4 GB/,
        );
      }
      expect((await tpusim('compile', file('narrow.onnx', onnxMlp(4)), '--chip', 'tpu-v1')).code).toBe(0);
    },
  );

  it('a YAML alias bomb ("billion laughs") as a chip file', async () => {
    const levels = 'abcdefghi'.split('');
    const lines = [
      `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`,
      ...levels.slice(1).map((l, i) => `${l}: &${l} [${Array(9).fill(`*${levels[i]}`).join(',')}]`),
    ];
    const bomb = file('bomb.yaml', `${lines.join('\n')}\n`);
    const r = await tpusim('gemm', '8', '8', '8', '--chip', bomb);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bomb\.yaml: YAML aliases expand too far .*at most 100 alias uses per file/);
    expect(r.err).not.toMatch(/internal error/);
  });
});

/**
 * What the fuzz suite feeds the CLI: for each input format, valid seed files and the commands that read
 * them. A target turns a seeded `Rng` into one case: argv, the files to put in the case's working
 * folder, and the outputs the argv asks for (the only files a run may leave behind).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { Rng } from '../../src/core/rng.js';
import {
  CHIP_PRESETS,
  DEFAULT_COST_BOOK,
  SYSTEM_PRESETS,
  assemble,
  encodeNpy,
  encodeOnnx,
  encodeProgram,
  type OnnxModel,
} from '../../src/index.js';
import { ONNX_FIXTURES } from '../../src/graph/onnx/test-support/onnx-models.js';
import { mutateBytes, mutateJson, mutateText, oddNumberTexts, pick, serialize, type Json } from './mutate.js';

export interface FuzzCase {
  readonly id: number;
  readonly format: string;
  readonly command: string;
  readonly argv: readonly string[];
  /** relative path -> content, base64 */
  readonly files: Readonly<Record<string, string>>;
  /** relative paths the argv asks to write (a path may be a folder) */
  readonly outputs: readonly string[];
  readonly mutation: string;
}

type Draft = Omit<FuzzCase, 'id' | 'format'>;

interface Target {
  readonly format: string;
  readonly weight: number;
  make(rng: Rng, huge: boolean): Draft;
}

const root = join(import.meta.dirname, '..', '..');
const b64 = (content: string | Uint8Array): string => Buffer.from(content).toString('base64');
const repoFile = (...parts: string[]): Uint8Array => new Uint8Array(readFileSync(join(root, ...parts)));

/** A structured document (chip, system, cost book, config) mutated as values or as text. */
function mutateDoc(rng: Rng, doc: Json, yaml: boolean, huge: boolean): { text: string; what: string } {
  if (rng.next() < 0.65) {
    let current = doc;
    const whats: string[] = [];
    for (let i = rng.int(1, 3); i > 0; i--) {
      const m = mutateJson(rng, current, huge);
      current = m.doc;
      whats.push(m.what);
    }
    return { text: serialize(current, yaml), what: whats.join('; ') };
  }
  return mutateText(rng, serialize(doc, yaml), huge);
}

// --- seeds -------------------------------------------------------------------------------------------

const chipSeeds = (): Json[] => [
  CHIP_PRESETS['tpu-v1'] as unknown as Json,
  CHIP_PRESETS['h100-sxm'] as unknown as Json,
  { base: 'tpu-v4', name: 'my-chip', clockHz: 1.2e9 },
  { base: 'tpu-v1', cores: [{ matrixUnits: [{ rows: 128, cols: 128 }] }] },
];

const systemSeeds = (): Json[] => [SYSTEM_PRESETS['dgx-h100'] as unknown as Json, { base: 'dgx-h100', name: 'my-pod' }];

function costBookSeeds(rng: Rng): Json[] {
  const keys = Object.keys(DEFAULT_COST_BOOK);
  const chosen = Array.from({ length: 8 }, () => pick(rng, keys));
  return [
    Object.fromEntries(chosen.map((k) => [k, DEFAULT_COST_BOOK[k]!.value])),
    Object.fromEntries(chosen.slice(0, 3).map((k) => [k, { value: DEFAULT_COST_BOOK[k]!.value, source: 'my budget' }])),
  ];
}

const hfSeeds = (): Json[] => [
  {
    model_type: 'llama',
    hidden_size: 256,
    intermediate_size: 512,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    vocab_size: 1000,
    max_position_embeddings: 512,
    rms_norm_eps: 1e-5,
  },
  { model_type: 'gpt2', n_embd: 256, n_layer: 2, n_head: 4, vocab_size: 1000, n_positions: 512 },
  {
    model_type: 'mixtral',
    hidden_size: 256,
    intermediate_size: 512,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    vocab_size: 1000,
    num_local_experts: 4,
    num_experts_per_tok: 2,
    max_position_embeddings: 512,
  },
];

const SCALESIM_CFGS = [
  ['test', 'fixtures', 'scalesim', 'edgetpu-4x4-ws.cfg'],
  ['test', 'fixtures', 'scalesim', 'scale-32x32-os.cfg'],
  ['data', 'scalesim', 'google.cfg'],
];
const SCALESIM_TOPOLOGIES: Array<{ path: string[]; gemm: boolean }> = [
  { path: ['test', 'fixtures', 'scalesim', 'vww.csv'], gemm: false },
  { path: ['test', 'fixtures', 'scalesim', 'alexnet_part.csv'], gemm: false },
  { path: ['data', 'scalesim', 'GEMM_mnk-test_mnk_input.csv'], gemm: true },
];

const MLP_INPUTS = { x: 'mlp-x.npy', w1: 'mlp-w1.npy', w2: 'mlp-w2.npy' } as const;

/** The int8 MLP example program with its inputs, as files of a case. */
function mlpProgramFiles(): Record<string, string> {
  const files: Record<string, string> = { 'prog.s': b64(repoFile('examples', 'mlp-int8.s')) };
  for (const [name, file] of Object.entries(MLP_INPUTS)) files[`${name}.npy`] = b64(repoFile('examples', 'data', file));
  return files;
}
const mlpInputArgs = (): string[] => Object.keys(MLP_INPUTS).flatMap((n) => ['--input', `${n}=${n}.npy`]);

function onnxSeed(rng: Rng): { name: string; model: OnnxModel; bytes: Uint8Array; inputShape: readonly number[] } {
  const name = pick(
    rng,
    ['mlp', 'lenet', 'resnet-block', 'encoder-layer'].filter((n) => ONNX_FIXTURES[n]),
  );
  const fixture = ONNX_FIXTURES[name]!();
  return { name, model: fixture.model, bytes: fixture.bytes, inputShape: fixture.inputs[0]!.shape };
}

/** An ONNX model damaged as bytes, or as values of its decoded form and then encoded again. */
function mutateOnnx(rng: Rng, huge: boolean): { bytes: Uint8Array; what: string; inputShape: readonly number[] } {
  const seed = onnxSeed(rng);
  if (rng.next() < 0.5) {
    const m = mutateBytes(rng, seed.bytes);
    return { bytes: m.bytes, what: `${seed.name}: ${m.what}`, inputShape: seed.inputShape };
  }
  // Values: attributes, shapes and dims, with tensor contents left alone (their raw bytes must match dims).
  const doc = JSON.parse(
    JSON.stringify(seed.model, (k, v: unknown) => (k === 'data' || ArrayBuffer.isView(v) ? undefined : v)),
  ) as Json;
  for (let tries = 0; tries < 10; tries++) {
    const m = mutateJson(rng, doc, huge);
    try {
      const model = rebuildOnnx(seed.model, m.doc);
      return { bytes: encodeOnnx(model), what: `${seed.name}: ${m.what}`, inputShape: seed.inputShape };
    } catch {
      // the encoder refuses some shapes of data (a string where a list must be): draw again
    }
  }
  return { bytes: seed.bytes, what: `${seed.name}: unchanged`, inputShape: seed.inputShape };
}

/** Puts the original tensors back (matched by position) into a mutated model document. */
function rebuildOnnx(original: OnnxModel, doc: Json): OnnxModel {
  const m = doc as unknown as { graph?: { initializers?: unknown[] } };
  const inits = m.graph?.initializers;
  if (Array.isArray(inits)) {
    m.graph!.initializers = inits.map((t, i) => {
      const o = original.graph.initializers[i];
      return o &&
        t &&
        typeof t === 'object' &&
        (t as { name?: unknown }).name === o.name &&
        JSON.stringify((t as { dims?: unknown }).dims) === JSON.stringify(o.dims)
        ? o
        : t;
    });
  }
  return m as unknown as OnnxModel;
}

function mutateNpy(rng: Rng, original: Uint8Array, huge: boolean): { bytes: Uint8Array; what: string } {
  if (rng.next() < 0.4) {
    // The header is text: damage its shape, dtype or order.
    const headerEnd = original.indexOf(0x0a) + 1;
    const header = new TextDecoder().decode(original.subarray(10, headerEnd));
    const m = mutateText(rng, header, huge);
    const head = new TextEncoder().encode(m.text);
    const out = new Uint8Array(10 + head.length + original.length - headerEnd);
    out.set(original.subarray(0, 10));
    new DataView(out.buffer).setUint16(8, head.length, true);
    out.set(head, 10);
    out.set(original.subarray(headerEnd), 10 + head.length);
    return { bytes: out, what: `header: ${m.what}` };
  }
  if (rng.next() < 0.3) {
    const dtype = pick(rng, ['float64', 'float32', 'int8', 'int16', 'int32', 'uint8', 'bool', 'float16'] as const);
    const shape = pick(rng, [[0], [], [1], [8, 256], [256, 8], [1, 1, 1, 1, 1, 1, 1, 1], [2048]]);
    const n = shape.reduce((a, b) => a * b, 1);
    try {
      return {
        bytes: encodeNpy({
          dtype,
          shape,
          data: new Float64Array(n).map(() => pick(rng, [0, 1, -1, NaN, Infinity, 1e308])),
        } as never),
        what: `npy ${dtype} (${shape.join(',')})`,
      };
    } catch {
      // a dtype the writer does not know: fall through to byte damage
    }
  }
  return mutateBytes(rng, original);
}

// --- targets ---------------------------------------------------------------------------------------

const chipCommands = (file: string): Array<{ command: string; argv: string[] }> => [
  { command: 'chip show', argv: ['chip', 'show', file, '--json'] },
  { command: 'estimate', argv: ['estimate', 'resnet50', '--chip', file, '--json'] },
  { command: 'gemm', argv: ['gemm', '64', '48', '80', '--chip', file, '--json'] },
  { command: 'cost', argv: ['cost', '--chip', file, '--json'] },
];

const TARGETS: readonly Target[] = [
  {
    format: 'chip',
    weight: 5,
    make(rng, huge) {
      const yaml = rng.next() < 0.5;
      const file = yaml ? 'chip.yaml' : 'chip.json';
      const m = mutateDoc(rng, pick(rng, chipSeeds()), yaml, huge);
      const c = pick(rng, chipCommands(file));
      return { command: c.command, argv: c.argv, files: { [file]: b64(m.text) }, outputs: [], mutation: m.what };
    },
  },
  {
    format: 'system',
    weight: 3,
    make(rng, huge) {
      const yaml = rng.next() < 0.5;
      const file = yaml ? 'system.yaml' : 'system.json';
      const m = mutateDoc(rng, pick(rng, systemSeeds()), yaml, huge);
      const c = pick(rng, [
        {
          command: 'train',
          argv: [
            'train',
            'llama3-8b',
            '--system',
            file,
            '--chips',
            '64',
            '--tp',
            '8',
            '--pp',
            '1',
            '--dp',
            '8',
            '--json',
          ],
        },
        { command: 'train', argv: ['train', 'llama3-8b', '--system', file, '--chips', '64', '--top', '2', '--json'] },
        { command: 'infer', argv: ['infer', 'llama3-8b', '--system', file, '--chips', '8', '--json'] },
      ]);
      return { ...c, files: { [file]: b64(m.text) }, outputs: [], mutation: m.what };
    },
  },
  {
    format: 'costbook',
    weight: 3,
    make(rng, huge) {
      const yaml = rng.next() < 0.7;
      const file = yaml ? 'book.yaml' : 'book.json';
      const m = mutateDoc(rng, pick(rng, costBookSeeds(rng)), yaml, huge);
      const c = pick(rng, [
        { command: 'cost', argv: ['cost', '--chip', 'tpu-v4', '--costbook', file, '--json'] },
        {
          command: 'tco',
          argv: ['tco', '--chip', 'tpu-v4', '--workload', 'resnet50', '--vs', 'a100', '--costbook', file, '--json'],
        },
        { command: 'fab', argv: ['fab', '--chip', 'h100-sxm', '--costbook', file, '--json'] },
      ]);
      return { ...c, files: { [file]: b64(m.text) }, outputs: [], mutation: m.what };
    },
  },
  {
    format: 'scalesim',
    weight: 3,
    make(rng, huge) {
      const cfg = new TextDecoder().decode(repoFile(...pick(rng, SCALESIM_CFGS)));
      const topo = pick(rng, SCALESIM_TOPOLOGIES);
      const csv = new TextDecoder().decode(repoFile(...topo.path));
      const onCfg = rng.next() < 0.4;
      const m = mutateText(rng, onCfg ? cfg : csv, huge);
      const out = rng.next() < 0.3 ? ['-o', 'report'] : [];
      return {
        command: 'scalesim',
        argv: ['scalesim', '-c', 'a.cfg', '-t', 'layers.csv', ...(topo.gemm ? ['-i', 'gemm'] : []), ...out, '--json'],
        files: { 'a.cfg': b64(onCfg ? m.text : cfg), 'layers.csv': b64(onCfg ? csv : m.text) },
        outputs: out.length ? ['report'] : [],
        mutation: `${onCfg ? 'cfg' : 'csv'}: ${m.what}`,
      };
    },
  },
  {
    format: 'asm',
    weight: 4,
    make(rng, huge) {
      const files = mlpProgramFiles();
      const seed = pick(rng, [
        ['examples', 'mlp-int8.s'],
        ['examples', 'dense-bf16-v4.s'],
        ['examples', 'conv-int8.s'],
      ]);
      const m = mutateText(rng, new TextDecoder().decode(repoFile(...seed)), huge);
      files['prog.s'] = b64(m.text);
      const c = pick(rng, [
        { command: 'asm', argv: ['asm', 'prog.s', '--json'], outputs: [] },
        { command: 'asm', argv: ['asm', 'prog.s', '-o', 'prog.bin'], outputs: ['prog.bin'] },
        { command: 'disasm', argv: ['disasm', 'prog.s'], outputs: [] },
        { command: 'run', argv: ['run', 'prog.s', ...mlpInputArgs(), '--json'], outputs: [] },
        { command: 'run', argv: ['run', 'prog.s', '--timing-only', '--json'], outputs: [] },
      ]);
      return { ...c, files, mutation: `${seed[1]}: ${m.what}` };
    },
  },
  {
    format: 'program-binary',
    weight: 1,
    make(rng) {
      const program = assemble(new TextDecoder().decode(repoFile('examples', 'mlp-int8.s')), 'mlp-int8.s');
      if (!program.ok) throw new Error('the example program does not assemble');
      const m = mutateBytes(rng, encodeProgram(program.value));
      const files = { ...mlpProgramFiles(), 'prog.bin': b64(m.bytes) };
      const c = pick(rng, [
        { command: 'disasm', argv: ['disasm', 'prog.bin'] },
        { command: 'run', argv: ['run', 'prog.bin', ...mlpInputArgs(), '--json'] },
      ]);
      return { ...c, files, outputs: [], mutation: m.what };
    },
  },
  {
    format: 'npy',
    weight: 3,
    make(rng, huge) {
      if (rng.next() < 0.5) {
        const files = mlpProgramFiles();
        const name = pick(rng, Object.keys(MLP_INPUTS));
        const m = mutateNpy(rng, Buffer.from(files[`${name}.npy`]!, 'base64'), huge);
        files[`${name}.npy`] = b64(m.bytes);
        const out = rng.next() < 0.3 ? ['-o', 'out'] : [];
        return {
          command: 'run',
          argv: ['run', 'prog.s', ...mlpInputArgs(), ...out, '--json'],
          files,
          outputs: out.length ? ['out'] : [],
          mutation: `${name}: ${m.what}`,
        };
      }
      const fixture = ONNX_FIXTURES['mlp']!();
      const shape = fixture.inputs[0]!.shape;
      const x = encodeNpy({
        dtype: 'float32',
        shape,
        data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.5),
      });
      const m = mutateNpy(rng, x, huge);
      const files = { 'mlp.onnx': b64(fixture.bytes), 'x.npy': b64(m.bytes) };
      const c = pick(rng, [
        { command: 'run', argv: ['run', 'mlp.onnx', '--chip', 'tpu-v1', '--input', 'x.npy', '--json'] },
        { command: 'compile', argv: ['compile', 'mlp.onnx', '--chip', 'tpu-v1', '--calibrate', 'x.npy', '--json'] },
      ]);
      return { ...c, files, outputs: [], mutation: m.what };
    },
  },
  {
    format: 'onnx',
    weight: 4,
    make(rng, huge) {
      const m = mutateOnnx(rng, huge);
      const c = pick(rng, [
        { command: 'compile', argv: ['compile', 'model.onnx', '--chip', 'tpu-v1', '--json'], outputs: [] },
        {
          command: 'compile',
          argv: ['compile', 'model.onnx', '--chip', 'tpu-v4', '-o', 'prog.s'],
          outputs: ['prog.s', 'prog.s.data'],
        },
        { command: 'estimate', argv: ['estimate', 'model.onnx', '--chip', 'tpu-v4', '--json'], outputs: [] },
        { command: 'models', argv: ['models', 'model.onnx', '--json'], outputs: [] },
      ]);
      return { ...c, files: { 'model.onnx': b64(m.bytes) }, mutation: m.what };
    },
  },
  {
    format: 'hf-config',
    weight: 4,
    make(rng, huge) {
      const m = mutateDoc(rng, pick(rng, hfSeeds()), false, huge);
      const c = pick(rng, [
        { command: 'estimate', argv: ['estimate', 'config.json', '--chip', 'tpu-v4', '--seq', '128', '--json'] },
        {
          command: 'train',
          argv: [
            'train',
            'config.json',
            '--chip',
            'h100-sxm',
            '--chips',
            '8',
            '--tp',
            '8',
            '--pp',
            '1',
            '--dp',
            '1',
            '--json',
          ],
        },
        { command: 'infer', argv: ['infer', 'config.json', '--chip', 'h100-sxm', '--chips', '8', '--json'] },
        { command: 'compile', argv: ['compile', 'config.json', '--chip', 'tpu-v4', '--seq', '64', '--json'] },
      ]);
      return { ...c, files: { 'config.json': b64(m.text) }, outputs: [], mutation: m.what };
    },
  },
  { format: 'flags', weight: 8, make: makeFlagCase },
];

// --- flags -----------------------------------------------------------------------------------------

type Kind = 'int' | 'num' | 'choice' | 'out' | 'bool' | 'text';
interface FlagCommand {
  readonly base: readonly string[];
  readonly options: Readonly<Record<string, Kind>>;
}

const FLAG_COMMANDS: Readonly<Record<string, FlagCommand>> = {
  gemm: {
    base: ['gemm', '40', '30', '20'],
    options: {
      chip: 'text',
      dataflow: 'choice',
      dtype: 'choice',
      engine: 'choice',
      timing: 'choice',
      check: 'bool',
      seed: 'int',
      json: 'bool',
    },
  },
  estimate: {
    base: ['estimate', 'resnet18', '--chip', 'tpu-v4'],
    options: { batch: 'int', seq: 'int', dtype: 'choice', cores: 'choice', svg: 'out', timeline: 'out', json: 'bool' },
  },
  compare: {
    base: ['compare', 'resnet18', '--chips', 'tpu-v4,a100'],
    options: { batch: 'int', seq: 'int', svg: 'out', json: 'bool', chips: 'text' },
  },
  models: { base: ['models', 'bert-base'], options: { batch: 'int', seq: 'int', json: 'bool' } },
  train: {
    base: ['train', 'llama3-8b', '--chip', 'h100-sxm', '--chips', '64', '--tp', '8', '--pp', '1', '--dp', '8'],
    options: {
      chips: 'int',
      tokens: 'num',
      seq: 'int',
      'global-batch': 'int',
      tp: 'int',
      pp: 'int',
      dp: 'int',
      cp: 'int',
      ep: 'int',
      zero: 'int',
      microbatch: 'int',
      interleave: 'int',
      recompute: 'choice',
      'sequence-parallel': 'bool',
      'no-overlap': 'bool',
      dtype: 'choice',
      flash: 'choice',
      'op-overhead': 'num',
      schedule: 'choice',
      checkpoint: 'num',
      restart: 'num',
      top: 'int',
      svg: 'out',
      'memory-svg': 'out',
      json: 'bool',
    },
  },
  infer: {
    base: ['infer', 'llama3-8b', '--chip', 'h100-sxm', '--chips', '8'],
    options: {
      chips: 'int',
      tp: 'int',
      pp: 'int',
      batch: 'int',
      prompt: 'int',
      output: 'int',
      rate: 'num',
      requests: 'int',
      'max-batch': 'int',
      seed: 'int',
      dtype: 'choice',
      engine: 'choice',
      'engine-version': 'text',
      json: 'bool',
    },
  },
  reliability: {
    base: ['reliability'],
    options: { chips: 'text', checkpoint: 'num', restart: 'num', rate: 'num', svg: 'out', json: 'bool' },
  },
  cost: {
    base: ['cost', '--chip', 'tpu-v4'],
    options: { volume: 'num', yield: 'choice', harvest: 'num', svg: 'out', json: 'bool' },
  },
  tco: {
    base: ['tco', '--chip', 'tpu-v4', '--workload', 'resnet50'],
    options: {
      chips: 'int',
      years: 'num',
      volume: 'num',
      price: 'num',
      vs: 'text',
      'vs-price': 'num',
      batch: 'int',
      seq: 'int',
      svg: 'out',
      tornado: 'out',
      json: 'bool',
    },
  },
  fab: {
    base: ['fab', '--chip', 'tpu-v4'],
    options: { 'accelerators-per-year': 'num', harvest: 'num', svg: 'out', json: 'bool' },
  },
  scalesim: {
    base: ['scalesim', '-c', 'a.cfg', '-t', 'layers.csv'],
    options: { timing: 'choice', 'float-sum': 'choice', output: 'out', dataflow: 'text', json: 'bool' },
  },
  run: {
    base: ['run', 'prog.s', ...mlpInputArgs()],
    options: { chip: 'text', engine: 'choice', 'timing-only': 'bool', output: 'out', trace: 'out', json: 'bool' },
  },
  compile: {
    base: ['compile', 'mlp.onnx', '--chip', 'tpu-v1'],
    options: { dtype: 'choice', batch: 'int', 'per-tensor': 'bool', output: 'out', json: 'bool' },
  },
  asm: { base: ['asm', 'prog.s'], options: { output: 'out', json: 'bool' } },
};

const CHOICES = [
  'ws',
  'os',
  'is',
  'int8',
  'bf16',
  'fp8-e4m3',
  'fp16',
  'fold',
  'register',
  'reference',
  'native',
  'scalesim',
  'legacy',
  'modern',
  'all',
  '1',
  'full',
  'selective',
  'none',
  'on',
  'off',
  '1f1b',
  'dualpipe',
  'poisson',
  'murphy',
  'vllm',
  'ideal',
  'sglang',
  'WS',
  'int4',
  '',
];
const TEXTS = [
  'tpu-v4',
  'a100',
  'tpu-v1,tpu-v1',
  ',',
  '',
  ' ',
  'h100-sxm,',
  'chip.yaml',
  'nope',
  '1e4,1e7',
  '0,-1',
  'NaN',
  'x'.repeat(5000),
  '--json',
  '-',
  '../x',
];
const OUTS = ['out.svg', 'sub/dir/out.svg', 'prog.s', '.', '', ' ', 'out', 'a.cfg/x.svg', 'x'.repeat(300)];

function flagValue(rng: Rng, kind: Kind, huge: boolean): string | undefined {
  if (kind === 'bool') return undefined;
  if (rng.next() < 0.15) return pick(rng, TEXTS);
  if (kind === 'int' || kind === 'num')
    return pick(rng, [...oddNumberTexts(huge), '1', '2', '8', '64', '1e3', '3.7', '1e-3']);
  if (kind === 'choice') return pick(rng, CHOICES);
  if (kind === 'out') return pick(rng, OUTS);
  return pick(rng, TEXTS);
}

function makeFlagCase(rng: Rng, huge: boolean): Draft {
  const name = pick(rng, Object.keys(FLAG_COMMANDS));
  const spec = FLAG_COMMANDS[name]!;
  const argv = [...spec.base];
  const whats: string[] = [];
  for (let i = rng.int(1, 4); i > 0; i--) {
    const op = rng.int(0, 9);
    if (op === 0) {
      const at = rng.int(1, argv.length);
      const v = pick(rng, [...oddNumberTexts(huge), ...TEXTS, '--', '-h', '--no-such-flag', '--json=1', '-x']);
      argv.splice(at, 0, v);
      whats.push(`insert '${v.slice(0, 20)}' at ${at}`);
    } else if (op === 1 && argv.length > 1) {
      const at = rng.int(1, argv.length - 1);
      whats.push(`drop '${argv[at]!.slice(0, 20)}'`);
      argv.splice(at, 1);
    } else {
      const option = pick(rng, Object.keys(spec.options));
      const kind = spec.options[option]!;
      const value = flagValue(rng, kind, huge);
      const times = op === 2 ? 2 : 1;
      for (let t = 0; t < times; t++) argv.push(`--${option}`, ...(value === undefined ? [] : [value]));
      whats.push(`--${option} ${value === undefined ? '' : `'${value.slice(0, 20)}'`}${times > 1 ? ' twice' : ''}`);
    }
  }
  if (rng.next() < 0.5 && !argv.includes('--json')) argv.push('--json');
  const files: Record<string, string> = {
    ...mlpProgramFiles(),
    'mlp.onnx': b64(ONNX_FIXTURES['mlp']!().bytes),
    'a.cfg': b64(repoFile(...SCALESIM_CFGS[0]!)),
    'layers.csv': b64(repoFile(...SCALESIM_TOPOLOGIES[0]!.path)),
    'chip.yaml': b64(toYaml({ base: 'tpu-v4', name: 'mine' })),
  };
  // The outputs are what the final argv names (a flag's value may have been dropped or moved): `-o`
  // and `--output` of run and scalesim are folders, and compile -o also writes FILE.data/.
  const outputOptions = new Set([
    '-o',
    ...Object.entries(spec.options)
      .filter(([, k]) => k === 'out')
      .map(([o]) => `--${o}`),
  ]);
  const outputs = argv.flatMap((a, i) =>
    outputOptions.has(a) && argv[i + 1] !== undefined ? [argv[i + 1]!, `${argv[i + 1]}.data`] : [],
  );
  return { command: name, argv, files, outputs, mutation: whats.join('; ') };
}

/** `count` cases from `seed`; case i depends only on (seed, i), so any one can be replayed alone. */
export function generateCases(seed: number, count: number, huge: boolean, rngFor: (seed: number) => Rng): FuzzCase[] {
  const total = TARGETS.reduce((s, t) => s + t.weight, 0);
  return Array.from({ length: count }, (_, id) => {
    const rng = rngFor((seed * 1_000_003 + id) >>> 0);
    let r = rng.next() * total;
    const target = TARGETS.find((t) => (r -= t.weight) < 0) ?? TARGETS[0]!;
    return { id, format: target.format, ...target.make(rng, huge) };
  });
}

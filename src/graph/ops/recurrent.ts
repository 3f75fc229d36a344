/**
 * ONNX's recurrent ops (LSTM, GRU, RNN) as torch exports nn.LSTM / nn.GRU / nn.RNN: forward, reverse
 * and bidirectional, both layouts, optional bias, sequence lengths, initial states and (LSTM) peepholes,
 * with the default activations only.
 *
 * Work: the input projection X W^T of every time step is one GEMM hoisted over the whole sequence
 * ([T*B, I] x [I, gates*H]); the recurrent projection H_{t-1} R^T depends on the step before, so it is
 * T sequential GEMMs of [B, H] x [H, gates*H] per direction, each followed by the step's gate element
 * operations (the `sequential` GEMM: model/layers.ts times the steps one after another).
 */
import {
  f32,
  fail,
  input,
  intAttr,
  stringAttr,
  unsupported,
  type Gemm,
  type OpContext,
  type OpDef,
  type TensorType,
} from './op.js';

export type RecurrentCell = 'LSTM' | 'GRU' | 'RNN';

/** Gates per cell (ONNX's order: LSTM i o f c, GRU z r h) and the default activations tpusim runs. */
const CELLS: Readonly<Record<RecurrentCell, { gates: number; activations: readonly string[] }>> = {
  LSTM: { gates: 4, activations: ['sigmoid', 'tanh', 'tanh'] },
  GRU: { gates: 3, activations: ['sigmoid', 'tanh'] },
  RNN: { gates: 1, activations: ['tanh'] },
};

/** Input positions: X W R B sequence_lens initial_h initial_c (LSTM) P (LSTM). */
export const RECURRENT_INPUT = { x: 0, w: 1, r: 2, b: 3, sequenceLens: 4, initialH: 5, initialC: 6, p: 7 } as const;

export interface RecurrentDims {
  readonly cell: RecurrentCell;
  readonly gates: number;
  readonly seq: number;
  readonly batch: number;
  readonly inputSize: number;
  readonly hidden: number;
  /** One entry per direction: whether it runs from the last step to the first. */
  readonly reversed: readonly boolean[];
  /** 0: X (seq, batch, input), states (dirs, batch, hidden); 1: batch first. */
  readonly layout: 0 | 1;
  /** GRU: the reset gate multiplies (H R^T + Rb) rather than H (torch's choice). */
  readonly linearBeforeReset: boolean;
  readonly peepholes: boolean;
}

const DIRECTIONS: Readonly<Record<string, readonly boolean[]>> = {
  forward: [false],
  reverse: [true],
  bidirectional: [false, true],
};

function expectShape(ctx: OpContext, i: number, what: string, want: readonly number[]): void {
  const t = ctx.inputs[i];
  if (!t) return;
  if (t.shape.length !== want.length || t.shape.some((d, j) => d !== want[j]))
    fail(`${what} (input ${i}) has shape (${t.shape.join(', ')}), expected (${want.join(', ')})`);
}

export function recurrentDims(ctx: OpContext, cell: RecurrentCell): RecurrentDims {
  const { gates, activations } = CELLS[cell];
  const x = input(ctx, RECURRENT_INPUT.x).shape;
  if (x.length !== 3) fail(`X must have rank 3, got (${x.join(', ')})`);
  const layout = intAttr(ctx, 'layout', 0);
  if (layout !== 0 && layout !== 1) fail(`layout=${layout} must be 0 or 1`);
  const direction = stringAttr(ctx, 'direction', 'forward');
  const reversed = DIRECTIONS[direction];
  if (!reversed) fail(`direction '${direction}' must be forward, reverse or bidirectional`);
  const r = input(ctx, RECURRENT_INPUT.r).shape;
  const hidden = intAttr(ctx, 'hidden_size', r[2] ?? 0);
  if (hidden < 1) fail(`hidden_size=${hidden} must be at least 1`);
  const [seq, batch, inputSize] = (layout === 0 ? x : [x[1], x[0], x[2]]) as [number, number, number];
  const dirs = reversed.length;
  expectShape(ctx, RECURRENT_INPUT.w, 'W', [dirs, gates * hidden, inputSize]);
  expectShape(ctx, RECURRENT_INPUT.r, 'R', [dirs, gates * hidden, hidden]);
  expectShape(ctx, RECURRENT_INPUT.b, 'B', [dirs, 2 * gates * hidden]);
  expectShape(ctx, RECURRENT_INPUT.sequenceLens, 'sequence_lens', [batch]);
  const state = layout === 0 ? [dirs, batch, hidden] : [batch, dirs, hidden];
  expectShape(ctx, RECURRENT_INPUT.initialH, 'initial_h', state);
  if (cell === 'LSTM') {
    expectShape(ctx, RECURRENT_INPUT.initialC, 'initial_c', state);
    expectShape(ctx, RECURRENT_INPUT.p, 'P', [dirs, 3 * hidden]);
    if (intAttr(ctx, 'input_forget', 0) !== 0)
      unsupported('input_forget=1 (coupled input and forget gates) is not supported');
  }
  const given = ctx.node.attrs['activations'];
  if (given !== undefined) {
    const names = (Array.isArray(given) ? given : [given]).map((a) => String(a).toLowerCase());
    const expected = reversed.flatMap(() => activations);
    if (names.length !== expected.length || names.some((a, i) => a !== expected[i]))
      unsupported(`activations ${JSON.stringify(given)}: only the defaults (${expected.join(', ')}) are supported`);
  }
  for (const a of ['activation_alpha', 'activation_beta', 'clip'])
    if (ctx.node.attrs[a] !== undefined)
      unsupported(`attribute ${a} is not supported (default activations without clipping only)`);
  return {
    cell,
    gates,
    seq,
    batch,
    inputSize,
    hidden,
    reversed,
    layout,
    linearBeforeReset: cell === 'GRU' && intAttr(ctx, 'linear_before_reset', 0) !== 0,
    peepholes: cell === 'LSTM' && ctx.inputs[RECURRENT_INPUT.p] !== undefined,
  };
}

function outputTypes(d: RecurrentDims, dtype: TensorType['dtype'], outputs: number): TensorType[] {
  const dirs = d.reversed.length;
  const y = d.layout === 0 ? [d.seq, dirs, d.batch, d.hidden] : [d.batch, d.seq, dirs, d.hidden];
  const state = d.layout === 0 ? [dirs, d.batch, d.hidden] : [d.batch, dirs, d.hidden];
  return [y, state, state].slice(0, outputs).map((shape) => ({ dtype, shape }));
}

/** Element operations per (step, batch row, direction), counted as the vector unit does (sigmoid and tanh 6 each). */
function vectorOpsPerRow(d: RecurrentDims): number {
  const h = d.hidden;
  if (d.cell === 'RNN') return h + 6 * h; // x + h terms, tanh
  if (d.cell === 'GRU') return 2 * h + 12 * h + 2 * h + 6 * h + 3 * h; // z r adds, sigmoids, r (.) and add, tanh, blend
  // adds, 3 sigmoids, tanh, cell, tanh, output
  return 4 * h + 18 * h + 6 * h + 3 * h + 6 * h + h + (d.peepholes ? 6 * h : 0);
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** fp32 semantics of one recurrent op, following ONNX's equations (operators/LSTM, GRU, RNN). */
function evaluateRecurrent(
  d: RecurrentDims,
  values: readonly (Float64Array | undefined)[],
  outputs: number,
): Float64Array[] {
  const { seq: T, batch: B, inputSize: I, hidden: H, gates: G } = d;
  const dirs = d.reversed.length;
  const [x, w, r, bias, lens, h0, c0, p] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => values[i]);
  const y = new Float64Array(T * dirs * B * H);
  const yh = new Float64Array(dirs * B * H);
  const yc = new Float64Array(dirs * B * H);
  // Element (t, b, i) of X and (dir, b, j) of a state in the node's layout.
  const xAt = (t: number, b: number): number => (d.layout === 0 ? (t * B + b) * I : (b * T + t) * I);
  const stateAt = (dir: number, b: number): number => (d.layout === 0 ? (dir * B + b) * H : (b * dirs + dir) * H);
  const yAt = (t: number, dir: number, b: number): number =>
    d.layout === 0 ? ((t * dirs + dir) * B + b) * H : ((b * T + t) * dirs + dir) * H;
  const pre = new Float64Array(G * H);
  const hr = new Float64Array(G * H);
  for (let dir = 0; dir < dirs; dir++) {
    const wo = dir * G * H * I;
    const ro = dir * G * H * H;
    const bo = dir * 2 * G * H;
    for (let b = 0; b < B; b++) {
      const length = lens ? Math.max(0, Math.min(T, lens[b]!)) : T;
      const h = h0 ? h0.slice(stateAt(dir, b), stateAt(dir, b) + H) : new Float64Array(H);
      const c = c0 ? c0.slice(stateAt(dir, b), stateAt(dir, b) + H) : new Float64Array(H);
      for (let s = 0; s < length; s++) {
        const t = d.reversed[dir] ? length - 1 - s : s;
        for (let g = 0; g < G * H; g++) {
          let sx = bias ? bias[bo + g]! : 0;
          for (let i = 0; i < I; i++) sx += x![xAt(t, b) + i]! * w![wo + g * I + i]!;
          let sh = bias ? bias[bo + G * H + g]! : 0;
          for (let j = 0; j < H; j++) sh += h[j]! * r![ro + g * H + j]!;
          pre[g] = f32(sx);
          hr[g] = f32(sh);
        }
        for (let j = 0; j < H; j++) {
          if (d.cell === 'RNN') h[j] = f32(Math.tanh(pre[j]! + hr[j]!));
          else if (d.cell === 'GRU') {
            const z = sigmoid(pre[j]! + hr[j]!);
            const rr = sigmoid(pre[H + j]! + hr[H + j]!);
            let candidate: number;
            if (d.linearBeforeReset) candidate = Math.tanh(pre[2 * H + j]! + rr * hr[2 * H + j]!);
            else {
              let sh = bias ? bias[bo + G * H + 2 * H + j]! : 0;
              for (let k = 0; k < H; k++) sh += rr * h[k]! * r![ro + (2 * H + j) * H + k]!;
              candidate = Math.tanh(pre[2 * H + j]! + sh);
            }
            hr[j] = f32((1 - z) * candidate + z * h[j]!);
          } else {
            const peep = (k: number, state: number): number => (p ? p[dir * 3 * H + k * H + j]! * state : 0);
            const ig = sigmoid(pre[j]! + hr[j]! + peep(0, c[j]!));
            const fg = sigmoid(pre[2 * H + j]! + hr[2 * H + j]! + peep(2, c[j]!));
            const cell = f32(fg * c[j]! + ig * Math.tanh(pre[3 * H + j]! + hr[3 * H + j]!));
            const og = sigmoid(pre[H + j]! + hr[H + j]! + peep(1, cell));
            c[j] = cell;
            hr[j] = f32(og * Math.tanh(cell));
          }
        }
        // GRU and LSTM wrote the new state into hr (the old one was still needed above).
        if (d.cell !== 'RNN') h.set(hr.subarray(0, H));
        y.set(h, yAt(t, dir, b));
      }
      yh.set(h, stateAt(dir, b));
      yc.set(c, stateAt(dir, b));
    }
  }
  return [y, yh, yc].slice(0, outputs);
}

function recurrent(cell: RecurrentCell, summary: string): OpDef {
  return {
    op: cell,
    kind: 'matrix',
    summary,
    infer: (ctx) => outputTypes(recurrentDims(ctx, cell), input(ctx, 0).dtype, Math.max(1, ctx.node.outputs.length)),
    gemms: (ctx) => {
      const d = recurrentDims(ctx, cell);
      const dirs = d.reversed.length;
      const hoisted: Gemm = {
        batch: dirs,
        m: d.seq * d.batch,
        n: d.gates * d.hidden,
        k: d.inputSize,
        weightsAreParameters: true,
      };
      // GRU without linear_before_reset multiplies r (.) H by R_h: the same work in two GEMMs.
      // Steps of both directions are chained here: one core runs them one after another (compile/lower-recurrent.ts).
      const recurrentSteps: Gemm = {
        batch: dirs * d.seq,
        m: d.batch,
        n: d.gates * d.hidden,
        k: d.hidden,
        weightsAreParameters: true,
        sequential: true,
      };
      return [hoisted, recurrentSteps];
    },
    vectorOps: (ctx) => {
      const d = recurrentDims(ctx, cell);
      return d.reversed.length * d.seq * d.batch * vectorOpsPerRow(d);
    },
    evaluate: (ctx, values, outs) => evaluateRecurrent(recurrentDims(ctx, cell), values, outs.length),
  };
}

export const RECURRENT_OPS: readonly OpDef[] = [
  recurrent('LSTM', 'long short-term memory (nn.LSTM): hoisted input GEMM, one recurrent GEMM per step'),
  recurrent('GRU', 'gated recurrent unit (nn.GRU): hoisted input GEMM, one recurrent GEMM per step'),
  recurrent('RNN', 'Elman RNN with tanh (nn.RNN): hoisted input GEMM, one recurrent GEMM per step'),
];

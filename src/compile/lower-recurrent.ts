/**
 * Pass `expandRecurrent` (Graph -> Graph, before `simplify`): each LSTM / GRU / RNN node becomes the ops
 * the chip runs, unrolled over the sequence:
 *
 *   - the input projection of every step as one matmul over the whole sequence, X [T, B, I] x W^T
 *     [I, gates*H], with the biases fused on its way out (hoisted: no step depends on another's input);
 *   - per step and direction, the recurrent matmul H_{t-1} [B, H] x R^T [H, gates*H] (sequential: it
 *     needs the previous step's state), then the gates on the vector unit: an add, sigmoid and tanh
 *     over column slices of the gate block, the cell and state updates as element-wise products;
 *   - the outputs as concatenations of the step states.
 *
 * Every piece is an op the compiler already lowers, quantizes and verifies, so the int8 reference
 * (compile/reference.ts) covers recurrent models too. An initial state that is a constant (torch writes
 * zeros when none is given) is folded: its recurrent term H_0 R^T is computed here, and dropped when
 * zero. Weights must be parameters; sequence lengths, when given, must all be the full length.
 */
import { CompileError } from './errors.js';
import { isParameter } from '../graph/layers/fuse.js';
import { opDef } from '../graph/ops/registry.js';
import { RECURRENT_INPUT, recurrentDims, type RecurrentCell, type RecurrentDims } from '../graph/ops/recurrent.js';
import type { AttrValue, Graph, GraphNode, GraphTensor } from '../graph/types.js';

const CELLS: ReadonlySet<string> = new Set<RecurrentCell>(['LSTM', 'GRU', 'RNN']);
const f = Math.fround;

export function expandRecurrent(graph: Graph): Graph {
  if (!graph.nodes.some((n) => CELLS.has(n.op))) return graph;
  const tensors: Record<string, GraphTensor> = { ...graph.tensors };
  const nodes: GraphNode[] = [];
  for (const node of graph.nodes) {
    if (CELLS.has(node.op)) new Expansion(node, tensors, nodes).run();
    else if (!foldExpand(node, tensors)) nodes.push(node);
  }
  return { ...graph, tensors, nodes };
}

/**
 * torch writes a missing initial state as Expand(zeros, [dirs, batch, hidden]) of a Constant node that the
 * importer keeps as a parameter (it is not small): folded here into a constant the unrolling can drop.
 */
function foldExpand(node: GraphNode, tensors: Record<string, GraphTensor>): boolean {
  const [x, shape] = node.inputs.map((n) => (n ? tensors[n] : undefined));
  const out = tensors[node.outputs[0] ?? ''];
  if (node.op !== 'Expand' || !x?.data || !isParameter(x) || !shape?.data || !out) return false;
  const [data] = opDef('Expand')!.evaluate!(
    { node, inputs: [x, shape] },
    [Float64Array.from(x.data), Float64Array.from(shape.data)],
    [out],
  );
  tensors[out.name] = { name: out.name, dtype: out.dtype, shape: out.shape, kind: 'constant', data: data! };
  return true;
}

/** A state going into a step: an activation, or a constant (its values when known). */
type State =
  | { readonly kind: 'activation'; readonly name: string }
  | { readonly kind: 'constant'; readonly name: string; readonly data?: Float64Array; readonly zero: boolean };

class Expansion {
  private readonly d: RecurrentDims;
  private count = 0;

  constructor(
    private readonly node: GraphNode,
    private readonly tensors: Record<string, GraphTensor>,
    private readonly nodes: GraphNode[],
  ) {
    const ctx = { node, inputs: node.inputs.map((n) => (n ? tensors[n] : undefined)) };
    try {
      this.d = recurrentDims(ctx, node.op as RecurrentCell);
    } catch (error) {
      throw new CompileError(
        'unsupported',
        `node '${node.name}' (${node.op}): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private refuse(why: string): never {
    throw new CompileError('unsupported', `node '${this.node.name}' (${this.node.op}): ${why}`);
  }

  private input(i: number): GraphTensor | undefined {
    const name = this.node.inputs[i];
    return name ? this.tensors[name] : undefined;
  }

  private fresh(what: string): string {
    let name = `${this.node.name}/${what}`;
    while (this.tensors[name]) name = `${this.node.name}/${what}_${++this.count}`;
    return name;
  }

  private tensor(t: GraphTensor): string {
    this.tensors[t.name] = t;
    return t.name;
  }

  private param(
    what: string,
    shape: readonly number[],
    data: Float64Array | undefined,
    kind: 'weight' | 'constant' = 'weight',
  ): string {
    return this.tensor({ name: this.fresh(what), dtype: 'fp32', shape, kind, ...(data ? { data } : {}) });
  }

  private ints(values: readonly number[]): string {
    return this.tensor({
      name: this.fresh('shape'),
      dtype: 'int64',
      shape: [values.length],
      kind: 'constant',
      data: Float64Array.from(values),
    });
  }

  /** A node writing one new activation of `shape` (or the tensor `out`, an output of the recurrent node). */
  private op(
    op: string,
    inputs: readonly string[],
    shape: readonly number[],
    attrs: Record<string, AttrValue> = {},
    out?: string,
  ): string {
    const name = out ?? this.tensor({ name: this.fresh(op), dtype: 'fp32', shape, kind: 'activation' });
    this.nodes.push({ name: out ? `${this.node.name}/${op}:${out}` : name, op, inputs, outputs: [name], attrs });
    return name;
  }

  private reshape(x: string, shape: readonly number[], out?: string): string {
    return this.op('Reshape', [x, this.ints(shape)], shape, {}, out);
  }

  /** Columns [from, to) of a [rows, cols] tensor: a view of an activation, a new constant of a constant. */
  private columns(x: string, from: number, to: number): string {
    const t = this.tensors[x]!;
    const shape = t.shape;
    if (isParameter(t)) {
      const [rows, cols] = [shape[0]!, shape[1]!];
      const data =
        t.data &&
        Float64Array.from(
          { length: rows * (to - from) },
          (_, k) => t.data![Math.floor(k / (to - from)) * cols + from + (k % (to - from))]!,
        );
      return this.param(
        `${t.name.slice(this.node.name.length + 1)}[${from}:${to}]`,
        [rows, to - from],
        data,
        'constant',
      );
    }
    return this.op(
      'Slice',
      [x, this.ints([from]), this.ints([to]), this.ints([shape.length - 1])],
      [...shape.slice(0, -1), to - from],
    );
  }

  run(): void {
    const { d } = this;
    for (const [i, what] of [
      [RECURRENT_INPUT.w, 'W'],
      [RECURRENT_INPUT.r, 'R'],
      [RECURRENT_INPUT.b, 'B'],
      [RECURRENT_INPUT.p, 'P'],
    ] as const) {
      const t = this.input(i);
      if (t && !isParameter(t))
        this.refuse(
          `${what} must be a parameter (an initializer) to run on the chip, not a value computed at run time`,
        );
    }
    const lens = this.input(RECURRENT_INPUT.sequenceLens);
    if (lens && (!lens.data || Array.from(lens.data).some((v) => v !== d.seq)))
      this.refuse(
        `sequence_lens must be a constant equal to the sequence length ${d.seq} for every batch row on the chip ` +
          `(variable lengths are evaluated by the fp32 reference only)`,
      );
    const x = this.input(RECURRENT_INPUT.x)!;
    const timeMajor =
      d.layout === 0 ? x.name : this.op('Transpose', [x.name], [d.seq, d.batch, d.inputSize], { perm: [1, 0, 2] });
    const finals: Array<{ h: string[]; c: string[] }> = d.reversed.map((reversed, dir) =>
      this.direction(timeMajor, dir, reversed),
    );
    this.outputs(finals);
  }

  /** Rows [dir] of a per-direction parameter of shape (dirs, rows, cols), transposed to (cols, rows). */
  private transposed(
    t: GraphTensor | undefined,
    dir: number,
    rowFrom: number,
    rowTo: number,
  ): Float64Array | undefined {
    if (!t?.data) return undefined;
    const [rows, cols] = [t.shape[1]!, t.shape[2]!];
    const out = new Float64Array((rowTo - rowFrom) * cols);
    for (let r = rowFrom; r < rowTo; r++)
      for (let c = 0; c < cols; c++) out[c * (rowTo - rowFrom) + (r - rowFrom)] = t.data[(dir * rows + r) * cols + c]!;
    return out;
  }

  /** Entries [from, to) of B's input (W) or recurrent (R) half for one direction; zeros without B. */
  private bias(dir: number, half: 'w' | 'r', from: number, to: number): Float64Array | undefined {
    const b = this.input(RECURRENT_INPUT.b);
    if (!b) return new Float64Array(to - from);
    if (!b.data) return undefined;
    const base = dir * 2 * this.d.gates * this.d.hidden + (half === 'r' ? this.d.gates * this.d.hidden : 0);
    return Float64Array.from({ length: to - from }, (_, i) => b.data![base + from + i]!);
  }

  /** The initial state (h or c) of one direction as a [B, H] activation or constant. */
  private initial(i: number, dir: number, what: string): State {
    const t = this.input(i);
    const { batch, hidden, layout } = this.d;
    const dirs = this.d.reversed.length;
    if (!t) return { kind: 'constant', name: '', data: new Float64Array(batch * hidden), zero: true };
    if (t.kind === 'input' || t.kind === 'activation') {
      const slice =
        layout === 0
          ? this.op('Slice', [t.name, this.ints([dir]), this.ints([dir + 1]), this.ints([0])], [1, batch, hidden])
          : this.op('Slice', [t.name, this.ints([dir]), this.ints([dir + 1]), this.ints([1])], [batch, 1, hidden]);
      return { kind: 'activation', name: this.reshape(slice, [batch, hidden]) };
    }
    if (!t.data)
      return {
        kind: 'constant',
        name: this.param(`${what}${dir}`, [batch, hidden], undefined, 'constant'),
        zero: false,
      };
    const data = Float64Array.from({ length: batch * hidden }, (_, k) => {
      const [b, j] = [Math.floor(k / hidden), k % hidden];
      return t.data![(layout === 0 ? dir * batch + b : b * dirs + dir) * hidden + j]!;
    });
    const zero = data.every((v) => v === 0);
    return {
      kind: 'constant',
      name: zero ? '' : this.param(`${what}${dir}`, [batch, hidden], data, 'constant'),
      data,
      zero,
    };
  }

  /** h0 R^T (+ bias) for rows [from, to) of R: the first step's recurrent term when h0 is a constant. */
  private constantTerm(
    h0: State & { kind: 'constant' },
    dir: number,
    from: number,
    to: number,
    bias: Float64Array | undefined,
  ): string | undefined {
    const { batch, hidden } = this.d;
    const r = this.input(RECURRENT_INPUT.r)!;
    const n = to - from;
    if (h0.zero && (!bias || bias.every((v) => v === 0))) return undefined;
    if (!h0.data || !r.data || (bias === undefined && this.input(RECURRENT_INPUT.b)))
      return this.param(`h0R${dir}`, [batch, n], undefined, 'constant');
    const out = new Float64Array(batch * n);
    for (let b = 0; b < batch; b++) {
      for (let g = 0; g < n; g++) {
        let s = bias ? bias[g]! : 0;
        for (let j = 0; j < hidden; j++)
          s += h0.data[b * hidden + j]! * r.data[(dir * r.shape[1]! + from + g) * hidden + j]!;
        out[b * n + g] = f(s);
      }
    }
    return this.param(`h0R${dir}`, [batch, n], out, 'constant');
  }

  private add(a: string | undefined, b: string | undefined): string {
    if (!a || !b) return (a ?? b)!;
    return this.op('Add', [a, b], this.tensors[a]!.shape);
  }

  /** Unrolls one direction; returns each step's h (and c) in time order. */
  private direction(x: string, dir: number, reversed: boolean): { h: string[]; c: string[] } {
    const { d } = this;
    const [B, H, G, T] = [d.batch, d.hidden, d.gates, d.seq];
    const gru = d.cell === 'GRU';
    // Recurrent weights: GRU without linear_before_reset multiplies (r . H) by R_h separately.
    const recurrentRows = gru && !d.linearBeforeReset ? 2 * H : G * H;
    const r = this.input(RECURRENT_INPUT.r);
    const w = this.input(RECURRENT_INPUT.w);
    const wt = this.param(`W${dir}`, [d.inputSize, G * H], this.transposed(w, dir, 0, G * H));
    const rt = this.param(`R${dir}`, [H, recurrentRows], this.transposed(r, dir, 0, recurrentRows));
    const rh =
      gru && !d.linearBeforeReset ? this.param(`Rh${dir}`, [H, H], this.transposed(r, dir, 2 * H, 3 * H)) : undefined;
    // Biases: all on the hoisted matmul, except (linear_before_reset) Rb_h, which the reset gate scales.
    const wb = this.bias(dir, 'w', 0, G * H);
    const rb = this.bias(dir, 'r', 0, G * H);
    const split = gru && d.linearBeforeReset ? 2 * H : G * H;
    const xBias = wb && rb ? Float64Array.from(wb, (v, i) => f(v + (i < split ? rb[i]! : 0))) : undefined;
    const hBias =
      gru && d.linearBeforeReset
        ? this.bias(dir, 'r', 0, G * H)?.map((v, i) => (i < split ? 0 : v))
        : new Float64Array(G * H);
    const hasBias = this.input(RECURRENT_INPUT.b) !== undefined;
    let xw = this.op('MatMul', [x, wt], [T, B, G * H]);
    if (hasBias) xw = this.op('Add', [xw, this.param(`bias${dir}`, [G * H], xBias)], [T, B, G * H]);
    const hBiasName = hasBias && gru && d.linearBeforeReset ? this.param(`Rb${dir}`, [G * H], hBias) : undefined;
    const peep = (k: number): string | undefined => {
      const p = this.input(RECURRENT_INPUT.p);
      if (!p) return undefined;
      return this.param(
        `P${k}_${dir}`,
        [H],
        p.data ? Float64Array.from({ length: H }, (_, j) => p.data![dir * 3 * H + k * H + j]!) : undefined,
      );
    };
    const [pi, po, pf] = [0, 1, 2].map(peep);
    let h: State = this.initial(RECURRENT_INPUT.initialH, dir, 'h0');
    let c: State =
      d.cell === 'LSTM'
        ? this.initial(RECURRENT_INPUT.initialC, dir, 'c0')
        : { kind: 'constant', name: '', zero: true };
    const hs = new Array<string>(T);
    const cs = new Array<string>(T);
    for (let s = 0; s < T; s++) {
      const t = reversed ? T - 1 - s : s;
      const xt = this.reshape(
        this.op('Slice', [xw, this.ints([t]), this.ints([t + 1]), this.ints([0])], [1, B, G * H]),
        [B, G * H],
      );
      const term =
        h.kind === 'constant'
          ? this.constantTerm(h, dir, 0, recurrentRows, hBias?.slice(0, recurrentRows))
          : this.add(this.op('MatMul', [h.name, rt], [B, recurrentRows]), hBiasName);
      const prev = h.kind === 'activation' || !h.zero ? h.name : undefined;
      let next: string;
      if (d.cell === 'RNN') next = this.op('Tanh', [this.add(xt, term)], [B, H]);
      else if (gru) {
        const zr = this.op(
          'Sigmoid',
          [this.add(this.columns(xt, 0, 2 * H), term && this.columns(term, 0, 2 * H))],
          [B, 2 * H],
        );
        const [z, reset] = [this.columns(zr, 0, H), this.columns(zr, H, 2 * H)];
        let hidden: string | undefined;
        if (d.linearBeforeReset) hidden = term && this.op('Mul', [reset, this.columns(term, 2 * H, 3 * H)], [B, H]);
        else if (prev) hidden = this.op('MatMul', [this.op('Mul', [reset, prev], [B, H]), rh!], [B, H]);
        const candidate = this.op('Tanh', [this.add(this.columns(xt, 2 * H, 3 * H), hidden)], [B, H]);
        // H_t = (1 - z) candidate + z H_{t-1} = candidate + z (H_{t-1} - candidate)
        const delta = prev ? this.op('Sub', [prev, candidate], [B, H]) : this.op('Neg', [candidate], [B, H]);
        next = this.add(candidate, this.op('Mul', [z, delta], [B, H]));
      } else {
        const gates = this.add(xt, term);
        const cPrev = c.kind === 'activation' || !c.zero ? c.name : undefined;
        const peephole = (p: string | undefined, state: string | undefined): string | undefined =>
          p && state ? this.op('Mul', [state, p], [B, H]) : undefined;
        const sigmoidOf = (k: number, p: string | undefined, state: string | undefined): string =>
          this.op('Sigmoid', [this.add(this.columns(gates, k * H, (k + 1) * H), peephole(p, state))], [B, H]);
        let i: string, o: () => string, fg: string;
        if (pi || pf || po) {
          i = sigmoidOf(0, pi, cPrev);
          fg = sigmoidOf(2, pf, cPrev);
          o = () => sigmoidOf(1, po, cell);
        } else {
          const iof = this.op('Sigmoid', [this.columns(gates, 0, 3 * H)], [B, 3 * H]);
          [i, fg] = [this.columns(iof, 0, H), this.columns(iof, 2 * H, 3 * H)];
          o = () => this.columns(iof, H, 2 * H);
        }
        const g = this.op('Tanh', [this.columns(gates, 3 * H, 4 * H)], [B, H]);
        const cell = this.add(cPrev && this.op('Mul', [fg, cPrev], [B, H]), this.op('Mul', [i, g], [B, H]));
        next = this.op('Mul', [o(), this.op('Tanh', [cell], [B, H])], [B, H]);
        c = { kind: 'activation', name: cell };
        cs[t] = cell;
      }
      h = { kind: 'activation', name: next };
      hs[t] = next;
    }
    return { h: hs, c: cs };
  }

  /** Y (every step's h), Y_h and Y_c (the last step's, per direction) under the node's own output names. */
  private outputs(finals: ReadonlyArray<{ h: string[]; c: string[] }>): void {
    const { d, node } = this;
    const [B, H, T] = [d.batch, d.hidden, d.seq];
    const dirs = d.reversed.length;
    const [y, yh, yc] = [node.outputs[0], node.outputs[1], node.outputs[2]];
    const stack = (parts: readonly string[], shape: readonly number[], axis: number, out?: string): string =>
      this.op('Concat', parts, shape, { axis }, out);
    const place = (
      result: string | undefined,
      build: (out?: string) => string,
      transposedShape: readonly number[],
      perm: readonly number[],
    ): void => {
      if (!result) return;
      if (d.layout === 0) build(result);
      else this.op('Transpose', [build()], transposedShape, { perm }, result);
    };
    place(
      y,
      (out) => {
        const perDirection = finals.map((f) =>
          stack(
            f.h.map((s) => this.reshape(s, [1, 1, B, H])),
            [T, 1, B, H],
            0,
            dirs === 1 ? out : undefined,
          ),
        );
        return dirs === 1 ? perDirection[0]! : stack(perDirection, [T, dirs, B, H], 1, out);
      },
      [B, T, dirs, H],
      [2, 0, 1, 3],
    );
    const last = (states: readonly string[], dir: number): string => states[d.reversed[dir] ? 0 : T - 1]!;
    const final = (which: 'h' | 'c') => (out?: string) => {
      const parts = finals.map((f, dir) => this.reshape(last(f[which], dir), [1, B, H], dirs === 1 ? out : undefined));
      return dirs === 1 ? parts[0]! : stack(parts, [dirs, B, H], 0, out);
    };
    place(yh, final('h'), [B, dirs, H], [1, 0, 2]);
    if (d.cell === 'LSTM') place(yc, final('c'), [B, dirs, H], [1, 0, 2]);
  }
}

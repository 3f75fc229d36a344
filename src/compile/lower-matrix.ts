/**
 * Lowering of the matrix ops: matmuls (batched, with parameter or activation weights), convolutions
 * as sums of matmul pieces over windows of a padded channels-last image, and attention per head.
 *
 * Grouped and depthwise convolutions pack as many groups as fit the array into one block-diagonal
 * weight tile (zeros off the diagonal blocks), as TPU compilers do: the array multiplies by the zeros
 * too, which the utilization shows, but one pass covers many groups instead of one pass per group.
 */
import { arrayShape, groupsPerTile, rowLevels } from '../arch/mapping.js';
import { CompileError } from './errors.js';
import type { Instruction, VectorOp } from '../isa/types.js';
import type { Kernel, MatmulJob, RowsOperand, WeightOperand } from './kernels.js';
import { convOutputSize, type AttentionOp, type ConvOp, type MatmulOp } from '../graph/layers/fuse.js';
import type { LoweringContext } from './lowering-context.js';
import { broadcastView, transposeView, type View } from './views.js';

const ZERO_PADS = [0, 0, 0, 0] as const;

export function lowerMatmul(ctx: LoweringContext, op: MatmulOp): void {
  const prelude: Instruction[] = [];
  const outShape = ctx.shape(op.out);
  if (outShape.length < 2 || ctx.shape(op.a).length < 2)
    throw new CompileError('unsupported', `op '${op.name}': matrix products of vectors (rank 1) are not supported`);
  const [m, n] = outShape.slice(-2) as [number, number];
  const batch = outShape.slice(0, -2);
  let a = ctx.view(op.a);
  const k = a.shape[a.shape.length - 1]!;
  if (a.strides[a.strides.length - 1] !== 1) a = ctx.materialize(a, `${op.a}.contiguous`, prelude);
  a = broadcastView(a, [...batch, m, k]);
  const plan = ctx.plan.matrix.get(op.name)!;
  // The second operand: a parameter in off-chip memory, or an activation read as weight tiles.
  let weightAt: (offset: number) => WeightOperand;
  let bBatchStrides: readonly number[];
  if (ctx.plan.tensors.has(op.b)) {
    let bv = ctx.view(op.b);
    const rank = bv.shape.length;
    if (op.transB)
      bv = transposeView(
        bv,
        bv.shape.map((_, i) => (i < rank - 2 ? i : i === rank - 2 ? rank - 1 : rank - 2)),
      );
    if (bv.strides[rank - 1] !== 1 && bv.strides[rank - 2] !== 1)
      bv = ctx.materialize(bv, `${op.b}.contiguous`, prelude);
    const b = broadcastView(bv, [...batch, k, n]);
    const rowStride = b.strides[b.strides.length - 2]!;
    const colStride = b.strides[b.strides.length - 1]!;
    bBatchStrides = b.strides.slice(0, -2);
    weightAt = (offset) =>
      colStride === 1
        ? { buffer: b.buffer, offset: b.offset + offset, lineStride: rowStride, transposed: false }
        : { buffer: b.buffer, offset: b.offset + offset, lineStride: colStride, transposed: true };
  } else {
    const w = ctx.b.buffer(`${op.name}.weights`, 'dram', ctx.plan.matmulFormat, k * n, 'weights', {
      ...(plan.weights ? { init: plan.weights } : {}),
      shape: [k, n],
    });
    bBatchStrides = batch.map(() => 0);
    weightAt = () => ({ buffer: w.id, offset: 0, lineStride: n, transposed: false });
  }
  const out = ctx.allocate(op.out, prelude);
  const levels = rowLevels([...batch, m], [a.strides.slice(0, -1), out.strides.slice(0, -1), [...bBatchStrides, 0]]);
  const jobs: MatmulJob[] = levels.map((job) => ({
    m: job.rows,
    n,
    pieces: [{ a: job.operand(0, a.buffer, a.offset), w: weightAt(job.bases[2]!), depth: k }],
    out: job.operand(1, out.buffer, out.offset),
    column: 0,
  }));
  ctx.code(op.name, prelude);
  ctx.kernels.push({ kind: 'matmul', layer: op.name, jobs, epilogue: ctx.epilogue(op) });
}

export function lowerConv(ctx: LoweringContext, op: ConvOp): void {
  const prelude: Instruction[] = [];
  const batch = ctx.shape(op.x)[0]!;
  const [outChannels, perGroup, kh, kw] = ctx.shape(op.w) as [number, number, number, number];
  const c = op.conv;
  const [oh, ow] = convOutputSize(ctx.shape(op.x)[2]!, ctx.shape(op.x)[3]!, [kh, kw], c);
  const groups = c.groups;
  const outPerGroup = outChannels / groups;
  const { view: x } = ctx.imageWithBorder(op.x, { pads: c.pads, fill: 0 }, false, prelude);
  const plan = ctx.plan.matrix.get(op.name)!;
  const pack = groupsPerTile(groups, perGroup, outPerGroup, arrayShape(ctx.chip));
  const blocks = Math.ceil(groups / pack);
  const blockK = pack * perGroup;
  const blockN = pack * outPerGroup;
  // Weights as [kh x kw taps][blocks][blockK][blockN]: for one group this is [kh, kw, C, Cout], so a
  // whole kernel row is one contiguous run of K-rows.
  const w = ctx.b.buffer(
    `${op.name}.weights`,
    'dram',
    ctx.plan.matmulFormat,
    kh * kw * blocks * blockK * blockN,
    'weights',
    {
      ...(plan.weights ? { init: packConvWeights(plan.weights, { outChannels, perGroup, kh, kw, groups, pack }) } : {}),
      shape: [kh * kw, blocks, blockK, blockN],
    },
  );
  const pool = op.pool;
  const fusePool =
    pool !== undefined &&
    pool.stride[0] === pool.stride[1] &&
    oh * ow <= ctx.chunkRows &&
    !ctx.padNeeds.get(op.out)?.pads.some((p) => p > 0);
  // Pooling that cannot ride on the activate runs afterwards on a temporary image.
  const out =
    pool && !fusePool
      ? ctx.allocateImage(
          `${op.out}.prepool`,
          [batch, outChannels, oh, ow],
          plan.outFormat,
          { pads: ZERO_PADS, fill: 0 },
          prelude,
          false,
        )
      : ctx.allocate(op.out, prelude);
  const [sn, , sh, sw] = x.strides as [number, number, number, number];
  const [on, , osh, osw] = out.strides as [number, number, number, number];
  const wholeRows = groups === 1 && c.dilation[1] === 1;
  const jobs: MatmulJob[] = [];
  for (let block = 0; block < blocks; block++) {
    const inBlock = Math.min(pack, groups - block * pack);
    const taps: Array<{ offset: number; wOffset: number; depth: number }> = [];
    for (let dy = 0; dy < kh; dy++) {
      const rowOffset = (dy * c.dilation[0] - c.pads[0]) * sh;
      if (wholeRows)
        taps.push({ offset: rowOffset - c.pads[1] * sw, wOffset: dy * kw * blockK * blockN, depth: kw * perGroup });
      else {
        for (let dx = 0; dx < kw; dx++) {
          const tap = dy * kw + dx;
          taps.push({
            offset: rowOffset + (dx * c.dilation[1] - c.pads[1]) * sw + block * blockK,
            wOffset: (tap * blocks + block) * blockK * blockN,
            depth: inBlock * perGroup,
          });
        }
      }
    }
    const n = inBlock * outPerGroup;
    const weight = (t: { wOffset: number }): WeightOperand => ({
      buffer: w.id,
      offset: t.wOffset,
      lineStride: blockN,
      transposed: false,
    });
    if (fusePool) {
      for (let img = 0; img < batch; img++) {
        jobs.push({
          m: oh * ow,
          n,
          pieces: taps.map((t) => ({
            a: {
              buffer: x.buffer,
              offset: x.offset + img * sn + t.offset,
              rowStride: c.stride[1] * sw,
              groupRows: ow,
              groupStride: c.stride[0] * sh,
            },
            w: weight(t),
            depth: t.depth,
          })),
          out: {
            buffer: out.buffer,
            offset: out.offset + img * on + block * blockN,
            rowStride: osw,
            groupRows: 0,
            groupStride: 0,
          },
          column: block * blockN,
        });
      }
      continue;
    }
    const levels = rowLevels(
      [batch, oh, ow],
      [
        [sn, c.stride[0] * sh, c.stride[1] * sw],
        [on, osh, osw],
        [0, 0, 0],
      ],
    );
    for (const job of levels) {
      jobs.push({
        m: job.rows,
        n,
        pieces: taps.map((t) => ({ a: job.operand(0, x.buffer, x.offset + t.offset), w: weight(t), depth: t.depth })),
        out: job.operand(1, out.buffer, out.offset + block * blockN),
        column: block * blockN,
      });
    }
  }
  const epilogue = ctx.epilogue(op);
  ctx.code(op.name, prelude);
  ctx.kernels.push({
    kind: 'matmul',
    layer: op.name,
    jobs,
    epilogue: fusePool
      ? {
          ...epilogue,
          pool: {
            kind: pool!.kind,
            height: pool!.kernel[0],
            width: pool!.kernel[1],
            stride: pool!.stride[0],
            inputWidth: ow,
          },
        }
      : epilogue,
  });
  if (pool && !fusePool) ctx.poolInto(op.name, out, op.out, pool);
}

/** [Cout, Cin/g, kh, kw] weights -> [taps][blocks][pack x Cin/g][pack x Cout/g], block-diagonal within a block. */
export function packConvWeights(
  w: Float64Array,
  g: { outChannels: number; perGroup: number; kh: number; kw: number; groups: number; pack: number },
): Float64Array {
  const outPerGroup = g.outChannels / g.groups;
  const blocks = Math.ceil(g.groups / g.pack);
  const blockK = g.pack * g.perGroup;
  const blockN = g.pack * outPerGroup;
  const out = new Float64Array(g.kh * g.kw * blocks * blockK * blockN);
  for (let o = 0; o < g.outChannels; o++) {
    const group = Math.floor(o / outPerGroup);
    const block = Math.floor(group / g.pack);
    const j = (group % g.pack) * outPerGroup + (o % outPerGroup);
    for (let i = 0; i < g.perGroup; i++) {
      const row = (group % g.pack) * g.perGroup + i;
      for (let y = 0; y < g.kh; y++) {
        for (let x = 0; x < g.kw; x++) {
          const tap = y * g.kw + x;
          out[((tap * blocks + block) * blockK + row) * blockN + j] = w[((o * g.perGroup + i) * g.kh + y) * g.kw + x]!;
        }
      }
    }
  }
  return out;
}

export function lowerAttention(ctx: LoweringContext, op: AttentionOp): void {
  const prelude: Instruction[] = [];
  const grab = (t: string): View => {
    const v = ctx.view(t);
    return v.strides[v.strides.length - 1] === 1 ? v : ctx.materialize(v, `${t}.contiguous`, prelude);
  };
  const [q, k, v] = [grab(op.q), grab(op.k), grab(op.v)];
  const [batch, seq] = q.shape as [number, number];
  const kvSeq = k.shape[1]!;
  const headDim = q.shape[2]! / op.heads;
  const valueDim = v.shape[2]! / op.kvHeads;
  const out = ctx.allocate(op.out, prelude);
  ctx.code(op.name, prelude);
  const int8 = ctx.plan.dtype === 'int8';
  const [pq, pk, pv, po] = [op.q, op.k, op.v, op.out].map((t) => ctx.tensorPlan(t));
  const chunk = Math.min(ctx.chunkRows, seq);
  // Scores (fp32) and probabilities (storage format) for one chunk of queries; two sets alternate so
  // one chunk's softmax and context overlap the next chunk's scores.
  const temps = [0, 1].map((i) => ({
    scores: ctx.b.buffer(`${op.name}.scores${i}`, 'ub', 'fp32', chunk * kvSeq, 'temp'),
    probs: ctx.b.buffer(`${op.name}.probs${i}`, 'ub', po!.format, chunk * kvSeq, 'temp'),
  }));
  const scoreScale = int8 ? Math.fround(Math.fround(pq!.scale * pk!.scale) * op.scale) : Math.fround(op.scale);
  const contextScale = int8 ? Math.fround(ctx.plan.probabilityScale * pv!.scale) : 1;
  const rows = (buffer: number, offset: number, rowStride: number): RowsOperand => ({
    buffer,
    offset,
    rowStride,
    groupRows: 0,
    groupStride: 0,
  });
  // Software-pipelined over (batch, head, chunk) steps so the matrix units and the vector unit overlap;
  // two sets of buffers alternate between neighbouring steps.
  const steps: Array<{ scores: Kernel; softmax: Kernel; context: Kernel }> = [];
  let turn = 0;
  for (let bi = 0; bi < batch; bi++) {
    for (let h = 0; h < op.heads; h++) {
      const kvh = Math.floor(h / (op.heads / op.kvHeads));
      for (let m0 = 0; m0 < seq; m0 += chunk) {
        const count = Math.min(chunk, seq - m0);
        const temp = temps[turn++ % 2]!;
        const layer = `${op.name}#b${bi}h${h}` + (seq > chunk ? `m${m0}` : '');
        const query = rows(q.buffer, q.offset + bi * q.strides[0]! + m0 * q.strides[1]! + h * headDim, q.strides[1]!);
        const keys: WeightOperand = {
          buffer: k.buffer,
          offset: k.offset + bi * k.strides[0]! + kvh * headDim,
          lineStride: k.strides[1]!,
          transposed: true,
        };
        // A causal row r (query m0 + r) sees keys up to m0 + r + (kvSeq - seq).
        const vop: VectorOp = op.causal ? 'softmax_causal' : 'softmax';
        const values: WeightOperand = {
          buffer: v.buffer,
          offset: v.offset + bi * v.strides[0]! + kvh * valueDim,
          lineStride: v.strides[1]!,
          transposed: false,
        };
        steps.push({
          scores: {
            kind: 'matmul',
            layer,
            jobs: [
              {
                m: count,
                n: kvSeq,
                pieces: [{ a: query, w: keys, depth: headDim }],
                out: rows(temp.scores.id, 0, kvSeq),
                column: 0,
              },
            ],
            epilogue: { fn: 'identity', scale: scoreScale, outScale: 1, outFormat: 'fp32' },
          },
          softmax: {
            kind: 'code',
            layer: `${layer}.softmax`,
            instructions: [
              ctx.b.vector(
                vop,
                ctx.b.ref(temp.probs.id, 0),
                ctx.b.ref(temp.scores.id, 0),
                count,
                kvSeq,
                'fp32',
                po!.format,
                { imm: m0 + (kvSeq - seq), outScale: ctx.plan.probabilityScale },
              ),
            ],
          },
          context: {
            kind: 'matmul',
            layer: `${layer}.context`,
            jobs: [
              {
                m: count,
                n: valueDim,
                pieces: [{ a: rows(temp.probs.id, 0, kvSeq), w: values, depth: kvSeq }],
                out: rows(
                  out.buffer,
                  out.offset + bi * out.strides[0]! + m0 * out.strides[1]! + h * valueDim,
                  out.strides[1]!,
                ),
                column: 0,
              },
            ],
            epilogue: { fn: 'identity', scale: contextScale, outScale: po!.scale, outFormat: po!.format },
          },
        });
      }
    }
  }
  // Scores of step j, softmax of j - 1, context of j - 2: the vector unit (in order) never waits for a
  // matmul it just enabled.
  for (let j = 0; j < steps.length + 2; j++) {
    if (j < steps.length) ctx.kernels.push(steps[j]!.scores);
    if (j >= 1 && j - 1 < steps.length) ctx.kernels.push(steps[j - 1]!.softmax);
    if (j >= 2) ctx.kernels.push(steps[j - 2]!.context);
  }
}

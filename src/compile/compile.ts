/**
 * Graph + ChipSpec -> Program, as named pure passes:
 *
 *   (recurrent LSTM/GRU/RNN nodes unrolled into per-step matmuls and vector ops: lower-recurrent.ts)
 *   simplify   drop no-ops, fold batch normalization into convolutions      Graph -> Graph
 *              (outputs known without running, such as Dropout's mask, become constants: outputs.ts;
 *              LayerNormalization's Mean and InvStdDev, when read, get nodes of their own: norm-statistics.ts)
 *   fuse       matrix ops absorb bias, scale, activation and pooling        Graph -> LogicalProgram
 *              (then every graph output must be written by an op, an input or a constant)
 *   quantize   int8 scales (or bf16 rounding) for every tensor and weight   -> QuantPlan
 *   lower      layouts, convolutions as matmul pieces, vector and DMA code  -> LoweredProgram
 *   tile       matrix kernels cut to the array, accumulators and units      -> TiledProgram
 *   schedule   weight reads ahead of their matmuls, up to the FIFO depth    -> TiledProgram
 *   allocate   unified-buffer, off-chip and host addresses                  -> Allocation
 *   emit       the Program, initial buffer values and input/output mapping  -> CompiledModel
 *
 * `onStage` sees each intermediate result (tests verify every one against the chip).
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { matrixFormats } from '../arch/derive.js';
import type { Issue } from '../core/errors.js';
import { evaluateGraph } from '../graph/evaluate.js';
import type { Graph } from '../graph/types.js';
import { allocate, type Allocation } from './allocate.js';
import { emit, type CompiledModel } from './emit.js';
import { CompileError } from './errors.js';
import type { LoweredProgram } from './kernels.js';
import { fuse, type LogicalProgram } from '../graph/layers/fuse.js';
import { simplify } from '../graph/layers/simplify.js';
import { expandRecurrent } from './lower-recurrent.js';
import { expandNormStatistics } from './norm-statistics.js';
import { bindConstantOutputs, checkOutputs } from './outputs.js';
import { lower } from './lower.js';
import { COMPILE_DTYPES, quantize, type CompileDType, type QuantPlan } from './quantize.js';
import { schedule, tile, type TiledProgram } from './tile.js';
import { verifyAllocation, verifyCompiled, verifyLowered, verifyTiled } from './verify.js';

export const PASSES = ['simplify', 'fuse', 'quantize', 'lower', 'tile', 'schedule', 'allocate', 'emit'] as const;
export type PassName = (typeof PASSES)[number];

export interface StageResults {
  simplify: Graph;
  fuse: LogicalProgram;
  quantize: QuantPlan;
  lower: LoweredProgram;
  tile: TiledProgram;
  schedule: TiledProgram;
  allocate: Allocation;
  emit: CompiledModel;
}

export interface CompileOptions {
  /** Matrix-unit format; default: int8 where the chip multiplies int8, else bf16. */
  readonly dtype?: CompileDType;
  /** int8 weight scales per output channel (default true) or per tensor. */
  readonly perChannel?: boolean;
  /** Graph inputs (fp32) whose activations set the int8 scales; needs weight values. */
  readonly calibration?: Readonly<Record<string, ArrayLike<number>>>;
  readonly onStage?: <P extends PassName>(pass: P, result: StageResults[P]) => void;
}

/** The format a chip's matrix units use by default for compiled models. */
export function defaultDType(chip: ChipSpec): CompileDType {
  const formats = matrixFormats(chip);
  const first = formats.find((f): f is CompileDType => (COMPILE_DTYPES as readonly string[]).includes(f));
  if (!first)
    throw new CompileError(
      'unsupported',
      `${chip.name}'s matrix units multiply ${formats.join('/')}; the compiler targets int8 or bf16`,
    );
  return first;
}

export function hasWeightValues(graph: Graph): boolean {
  return Object.values(graph.tensors).some((t) => (t.kind === 'weight' || t.kind === 'state') && t.data !== undefined);
}

export function compileGraph(graph: Graph, chip: ChipSpec, options: CompileOptions = {}): CompiledModel {
  const tensorCores = chip.cores.some((c) => c.matrixUnits.some((u) => (u.kind ?? 'systolic') !== 'systolic'));
  if (tensorCores)
    throw new CompileError(
      'unsupported',
      `${chip.name} has tensor cores, not systolic matrix units: the compiler and the chip simulator model ` +
        `TPU-style chips; tpusim estimate times models on it`,
    );
  const dtype = options.dtype ?? defaultDType(chip);
  if (!matrixFormats(chip).includes(dtype))
    throw new CompileError(
      'unsupported',
      `${chip.name}'s matrix units multiply ${matrixFormats(chip).join('/')}, not ${dtype}`,
    );
  const stage = options.onStage ?? (() => {});
  // Recurrent nodes unroll into matmuls and vector ops first, so calibration sees every step's tensors.
  const simplified = simplify(bindConstantOutputs(expandNormStatistics(expandRecurrent(graph))));
  stage('simplify', simplified);
  const logical = fuse(simplified);
  stage('fuse', logical);
  checkOutputs(logical);
  let calibration: Map<string, Float64Array> | undefined;
  if (dtype === 'int8' && options.calibration)
    calibration = evaluateGraph(simplified, options.calibration, { keepAll: true });
  const plan = quantize(logical, {
    dtype,
    ...(options.perChannel !== undefined ? { perChannel: options.perChannel } : {}),
    ...(calibration ? { calibration } : {}),
  });
  stage('quantize', plan);
  const lowered = lower(logical, plan, chip);
  stage('lower', lowered);
  const tiled = tile(lowered, chip);
  stage('tile', tiled);
  const scheduled = schedule(tiled, chip);
  stage('schedule', scheduled);
  const allocation = allocate(scheduled, chip);
  stage('allocate', allocation);
  const layers = logical.ops.map((op) => ({
    name: op.name,
    kind: op.kind,
    nodes: op.nodes,
    shape: simplified.tensors[op.out]!.shape,
  }));
  const compiled = emit(allocation, chip.name, graph.name, layers);
  stage('emit', compiled);
  return compiled;
}

/** Runs every pass with its verifier; returns the problems found after each pass (none when all is well). */
export function compileAndVerify(
  graph: Graph,
  chip: ChipSpec,
  options: CompileOptions = {},
): { compiled: CompiledModel; issues: Record<string, Issue[]> } {
  const issues: Record<string, Issue[]> = {};
  const compiled = compileGraph(graph, chip, {
    ...options,
    onStage: (pass, result) => {
      options.onStage?.(pass, result);
      if (pass === 'lower') issues[pass] = verifyLowered(result as LoweredProgram, chip);
      if (pass === 'tile' || pass === 'schedule') issues[pass] = verifyTiled(result as TiledProgram, chip);
      if (pass === 'allocate') issues[pass] = verifyAllocation(result as Allocation, chip);
      if (pass === 'emit') issues[pass] = verifyCompiled(result as CompiledModel, chip);
    },
  });
  return { compiled, issues };
}

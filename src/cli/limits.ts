/**
 * Work limits: every command that can do unbounded work estimates, from the shapes alone and before it
 * starts, the memory it will allocate and the time it will take, and refuses work above the limits with
 * an error that names the estimate, the limit and the flag that raises it (docs/reliability.md).
 *
 * The estimates are deterministic (shapes times a per-unit cost, no clocks). The per-unit costs below
 * were measured with Node 20 on the development machine (see each constant) and rounded up, so a
 * faster or slower machine shifts what the time limit admits by the same factor.
 */
import {
  accumulatorChunkRows,
  arrayShape,
  defaultDType,
  hasWeightValues,
  nodeCost,
  TpusimError,
  trimNumber,
  type ChipSpec,
  type Graph,
} from '../index.js';
import { UsageError, stringOption, type ParsedArgs } from './args.js';
import type { Io } from './io.js';

/** Estimated seconds from which work that shows no progress of its own is announced on stderr. */
const ANNOUNCE_S = 5;

export interface WorkLimits {
  readonly maxMemoryBytes: number;
  readonly maxSeconds: number;
}

/** About 4 GB of memory and one minute of work: far above every example and test, well below the machine. */
export const DEFAULT_LIMITS: WorkLimits = { maxMemoryBytes: 4e9, maxSeconds: 60 };

export const LIMIT_OPTIONS = { 'max-memory': { type: 'string' }, 'max-time': { type: 'string' } } as const;

export const LIMIT_HELP =
  `--max-memory SIZE, --max-time TIME  refuse, before starting, work estimated to allocate more than SIZE
         ` +
  `              (default 4GB; units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB) or to run longer than
                 ` +
  `      TIME (default 60s; units s, m, h); raise them to run bigger jobs`;

/**
 * Cost of one unit of work, measured with Node 20 on the development machine and rounded up:
 * - scalesimFold: a 100000 x 100000 x 64 GEMM row on a 32x32 array (9.8e6 folds) took 3.0 s, 1.42 GB peak;
 * - checkedMac: `gemm 1024 1024 1024 --dtype bf16 --check` (1.07e9 MACs, engine and reference) took 7.2 s;
 * - compiledInstruction: `compile resnet50` on an 8x8 array (800,508 instructions) took 1.8 s, 422 MB peak;
 * - simulatedInstruction: `run resnet50` on the same chip took 50 s, 1.28 GB peak;
 * - valueElement: a tensor element held as float64 (calibration, reference and simulated values);
 * - servingStep, servingSlot: an iteration of `infer --rate`'s continuous-batching simulation, and each
 *   sequence in it (llama3-8b on h100-sxm: 1e4 requests at 0.5/s, ~2.6e6 iterations of one sequence,
 *   took 3.1 s of CPU; 1e6 requests at 1000/s, ~1e6 iterations of 256 sequences, took 6.2 s).
 */
export const UNIT_COSTS = {
  scalesimFold: { bytes: 160, seconds: 4e-7 },
  checkedMac: { seconds: 1 / 1.5e8 },
  compiledInstruction: { bytes: 600, seconds: 3e-6 },
  simulatedInstruction: { bytes: 1700, seconds: 7e-5 },
  valueElement: { bytes: 8 },
  servingStep: { seconds: 5e-6 },
  servingSlot: { seconds: 5e-8 },
} as const;

/** What a piece of work will cost, estimated from its shapes; `what` says what was counted. */
export interface WorkEstimate {
  readonly what: string;
  readonly bytes: number;
  readonly seconds: number;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};
const TIME_UNITS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, min: 60, h: 3600 };

function quantity(option: string, text: string, units: Readonly<Record<string, number>>, example: string): number {
  const m = /^\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? units[m[2]!.toLowerCase()] : undefined;
  const value = m && unit !== undefined ? Number(m[1]) * unit : NaN;
  if (!(value > 0) || !Number.isFinite(value))
    throw new UsageError(`${option} must be a positive amount like ${example}, got '${text}'`);
  return value;
}

/** --max-memory and --max-time, or the defaults. */
export function readLimits(values: ParsedArgs['values']): WorkLimits {
  const memory = stringOption(values, 'max-memory');
  const time = stringOption(values, 'max-time');
  return {
    maxMemoryBytes:
      memory === undefined ? DEFAULT_LIMITS.maxMemoryBytes : quantity('--max-memory', memory, SIZE_UNITS, '8GB'),
    maxSeconds: time === undefined ? DEFAULT_LIMITS.maxSeconds : quantity('--max-time', time, TIME_UNITS, '600 or 10m'),
  };
}

export function formatGb(bytes: number): string {
  return bytes >= 1e9
    ? `${trimNumber(bytes / 1e9, 3)} GB`
    : bytes >= 1e6
      ? `${trimNumber(bytes / 1e6, 3)} MB`
      : `${trimNumber(bytes, 3)} B`;
}

export function formatDuration(seconds: number): string {
  if (seconds >= 7200) return `${trimNumber(seconds / 3600, 3)} h`;
  if (seconds >= 120) return `${trimNumber(seconds / 60, 3)} min`;
  return `${trimNumber(seconds, 3)} s`;
}

/** A round flag value comfortably above the estimate (1, 2 or 5 times a power of ten). */
function roomFor(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 5, 10].map((f) => f * p).find((v) => v >= x * 1.2) ?? 20 * p;
}

/** Throws a `work_limit` error (exit 1) when the estimate is above a limit; the memory limit is checked first. */
export function checkWork(estimate: WorkEstimate, limits: WorkLimits): void {
  if (!(estimate.bytes <= limits.maxMemoryBytes)) {
    const raise = Number.isFinite(estimate.bytes)
      ? `; raise it with --max-memory ${trimNumber(roomFor(estimate.bytes) / 1e9, 3)}GB if the machine has the memory`
      : '';
    throw new TpusimError(
      'work_limit',
      `this run would allocate about ` +
        `${Number.isFinite(estimate.bytes) ? formatGb(estimate.bytes) : 'unbounded memory'} (${estimate.what}), ` +
        `above the limit of ${formatGb(limits.maxMemoryBytes)}${raise}`,
    );
  }
  if (!(estimate.seconds <= limits.maxSeconds)) {
    const raise = Number.isFinite(estimate.seconds)
      ? `; raise it with --max-time ${trimNumber(roomFor(estimate.seconds), 3)}s`
      : '';
    throw new TpusimError(
      'work_limit',
      `this run would take about ` +
        `${Number.isFinite(estimate.seconds) ? formatDuration(estimate.seconds) : 'forever'} (${estimate.what}), ` +
        `above the limit of ${formatDuration(limits.maxSeconds)}${raise}`,
    );
  }
}

/**
 * The continuous-batching simulation of `infer --rate`: one iteration per output token of the running
 * batch, which holds about rate x a request's own duration sequences (Little's law), at least 1 and at
 * most maxBatch; about 60 bytes per request of state.
 */
export function servingWork(o: {
  readonly requests: number;
  readonly rate: number;
  readonly outputTokens: number;
  readonly maxBatch: number;
  readonly requestSeconds: number;
}): WorkEstimate {
  const concurrency = Math.min(o.maxBatch, Math.max(1, o.rate * o.requestSeconds));
  const iterations = (o.requests * o.outputTokens) / concurrency;
  return {
    what:
      `${o.requests.toLocaleString('en-US')} requests of ${o.outputTokens} output tokens, about ` +
      `${Math.round(concurrency)} at a time: ${iterations.toExponential(2)} iterations`,
    bytes: o.requests * 60,
    seconds: iterations * UNIT_COSTS.servingStep.seconds + o.requests * o.outputTokens * UNIT_COSTS.servingSlot.seconds,
  };
}

/**
 * Compiling a model for a chip (`compile`) and also simulating it (`run`): the compiler emits, per matrix
 * op, a weight read and a matmul per array-sized tile of every accumulator-sized row chunk, and an
 * activate per chunk (compile/tile.ts); `values` (calibration, or a run with inputs) holds every tensor
 * as float64 and does the model's MACs on the host.
 */
export function modelWork(
  graph: Graph,
  chip: ChipSpec,
  o: { readonly run: boolean; readonly values: boolean },
): WorkEstimate {
  const { rows, cols } = arrayShape(chip);
  const chunk = Math.max(1, accumulatorChunkRows(chip));
  let instructions = graph.nodes.length;
  let macs = 0;
  for (const node of graph.nodes) {
    for (const g of nodeCost(graph, node).gemms) {
      instructions += g.batch * Math.ceil(g.n / cols) * Math.ceil(g.m / chunk) * (2 * Math.ceil(g.k / rows) + 1);
      macs += g.batch * g.m * g.n * g.k;
    }
  }
  const tensors = Object.entries(graph.tensors).map(([name, t]) => ({
    name,
    shape: t.shape,
    elements: t.shape.reduce((a, b) => a * b, 1),
  }));
  const elements = o.values ? tensors.reduce((s, t) => s + t.elements, 0) : 0;
  const largest = tensors.reduce<(typeof tensors)[number] | undefined>(
    (best, t) => (best === undefined || t.elements > best.elements ? t : best),
    undefined,
  );
  const perInstruction = o.run
    ? {
        bytes: UNIT_COSTS.compiledInstruction.bytes + UNIT_COSTS.simulatedInstruction.bytes,
        seconds: UNIT_COSTS.compiledInstruction.seconds + UNIT_COSTS.simulatedInstruction.seconds,
      }
    : UNIT_COSTS.compiledInstruction;
  const valueParts =
    o.values && largest
      ? `, ${elements.toExponential(2)} tensor values (largest: '${largest.name}' [${largest.shape.join(', ')}] = ` +
        `${largest.elements.toExponential(2)})`
      : '';
  return {
    what:
      `${o.run ? 'compiling and simulating' : 'compiling'} ${graph.name} for a ${rows}x${cols} array: about ` +
      `${instructions.toExponential(2)} instructions${valueParts}`,
    bytes: instructions * perInstruction.bytes + elements * UNIT_COSTS.valueElement.bytes * (o.run ? 2 : 1),
    seconds:
      instructions * perInstruction.seconds + (o.values ? macs * UNIT_COSTS.checkedMac.seconds * (o.run ? 2 : 1) : 0),
  };
}

/**
 * Checks `compile MODEL` / `run MODEL` against --max-memory and --max-time before anything is compiled,
 * and says on stderr what is coming when it will take more than a few seconds (the compiler and the
 * simulator are single library calls, so there is no finer progress to show).
 */
export function checkModelWork(graph: Graph, chip: ChipSpec, values: ParsedArgs['values'], run: boolean, io: Io): void {
  const dtype = stringOption(values, 'dtype');
  const int8 = (dtype ?? defaultDType(chip)) === 'int8';
  const withInputs = run && ((values['input'] as string[] | undefined) ?? []).length > 0;
  const estimate = modelWork(graph, chip, { run, values: withInputs || (int8 && hasWeightValues(graph)) });
  checkWork(estimate, readLimits(values));
  if (estimate.seconds >= ANNOUNCE_S)
    io.err(`tpusim: ${estimate.what}; this takes about ${formatDuration(estimate.seconds)}`);
}

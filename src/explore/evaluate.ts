/**
 * Evaluating one chip over a sweep's workloads: the objectives and constraints of the spec, computed
 * lazily (a one-GEMM sweep that asks for latency never prices the die). A design and a real chip are
 * evaluated the same way except for what the owner pays and provisions: a design is built (its cost at
 * the spec's volume, its modelled power), a real chip is bought (the cost book's market price, its TDP).
 * Infeasible is data: workload refusals and violated constraints become reasons.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { peakOpsPerS } from '../arch/derive.js';
import { chipArea, type AreaBreakdown } from '../cost/area.js';
import { chipCost } from '../cost/chip-cost.js';
import { CostTrace, DEFAULT_COST_BOOK } from '../cost/costbook.js';
import { tcoPerChip } from '../cost/tco.js';
import { buildZooModel, getZooEntry } from '../graph/zoo/index.js';
import type { Graph } from '../graph/types.js';
import { transformerModel, type TransformerModel } from '../cluster/transformer.js';
import { TpusimError } from '../core/errors.js';
import type { SystemSpec } from '../cluster/types.js';
import { chipsPerHost } from '../cluster/training-rate.js';
import { provisionedPowerW } from '../cost/chip-power.js';
import { ownerPrice } from '../cost/owner-price.js';
import { withModelledTdp } from './design.js';
import {
  CHIP_METRICS,
  EXPERT_CONFIG_KEYS,
  MODEL_CONFIG_KEYS,
  type ChipMetric,
  type WorkloadMetric,
} from './metrics.js';
import type { KnobValue } from './knobs.js';
import type { ConstraintSpec, MetricName, ObjectiveSpec, SweepSpec, WorkloadSpec } from './sweep-spec.js';
import { runWorkload, systemFor, type WorkloadInputs, type WorkloadOutcome } from './workloads.js';

export type ChipRole = 'design' | 'reference';

export interface Evaluation {
  readonly feasible: boolean;
  readonly reasons: readonly string[];
  readonly objectives: Readonly<Record<string, number>>;
}

/**
 * Caches of what does not depend on the chip: graphs and transformers per workload and model knobs, systems per
 * workload and chip name.
 */
export interface WorkloadCache {
  readonly inputs: Map<string, WorkloadInputs | string>;
  readonly systems?: Map<string, SystemSpec>;
}

const MAX_CACHED = 4096;

export const createWorkloadCache = (): WorkloadCache => ({ inputs: new Map(), systems: new Map() });

/** systemFor, looked up once per workload and chip name (a sweep's designs share one name). */
function systemOf(w: WorkloadSpec, chipName: string, baseName: string, cache: WorkloadCache): SystemSpec {
  const key = `${w.name}|${chipName}`;
  let system = cache.systems?.get(key);
  if (system === undefined) {
    system = systemFor(w, chipName, baseName);
    if (cache.systems && cache.systems.size < MAX_CACHED) cache.systems.set(key, system);
  }
  return system;
}

function modelOverrides(
  spec: SweepSpec,
  workload: WorkloadSpec,
  values: readonly KnobValue[],
): { config: Record<string, unknown>; seq?: number } {
  const config: Record<string, unknown> = {};
  let seq: number | undefined;
  spec.knobs.forEach((k, i) => {
    if (k.target.kind !== 'model' || (k.target.workload !== undefined && k.target.workload !== workload.name)) return;
    if (k.target.field === 'seq') seq = Number(values[i]);
    else if (k.target.field === 'experts') config['experts'] = values[i];
    else config[MODEL_CONFIG_KEYS[k.target.field]] = values[i];
  });
  return seq === undefined ? { config } : { config, seq };
}

/** The workload's graph or transformer with the model knobs applied (cached), or why it cannot be built. */
export function workloadInputs(
  spec: SweepSpec,
  workload: WorkloadSpec,
  values: readonly KnobValue[],
  cache: WorkloadCache,
): WorkloadInputs | string {
  if (workload.kind === 'gemm') return {};
  const { config, seq } = modelOverrides(spec, workload, values);
  const key = `${workload.name}|${JSON.stringify(config)}|${seq}`;
  const hit = cache.inputs.get(key);
  if (hit !== undefined) return hit;
  let made: WorkloadInputs | string;
  try {
    made = buildInputs(workload, config, seq);
  } catch (error) {
    if (!(error instanceof TpusimError)) throw error;
    made = `${workload.name}: ${error.message.split('\n').join('; ')}`;
  }
  if (cache.inputs.size >= MAX_CACHED) cache.inputs.clear();
  cache.inputs.set(key, made);
  return made;
}

function buildInputs(
  workload: Exclude<WorkloadSpec, { kind: 'gemm' }>,
  overrides: Record<string, unknown>,
  seq: number | undefined,
): WorkloadInputs {
  if (workload.kind === 'inference') {
    const graphSeq = seq ?? workload.seq;
    const graph: Graph = buildZooModel(workload.model, {
      batch: workload.batch,
      ...(graphSeq !== undefined ? { seq: graphSeq } : {}),
    });
    return { graph };
  }
  const entry = getZooEntry(workload.model)!;
  const { experts, ...rest } = overrides;
  const config: Record<string, unknown> = { ...(entry.config as Record<string, unknown>), ...rest };
  if (experts !== undefined) config[EXPERT_CONFIG_KEYS.find((k) => k in config) ?? 'num_local_experts'] = experts;
  const model: TransformerModel =
    Object.keys(overrides).length === 0
      ? transformerModel({ zoo: workload.model })
      : transformerModel({ config, file: `${workload.model}.json` });
  return seq === undefined ? { model } : { model, seq };
}

interface Metrics {
  chip(metric: ChipMetric): number | undefined;
  workload(metric: WorkloadMetric, name: string): number | undefined;
  reasons(): string[];
}

function chipMetrics(
  chip: ChipSpec,
  role: ChipRole,
  volume: number,
  refusals: string[],
  withPower: () => ChipSpec,
): (metric: ChipMetric) => number | undefined {
  const memo = new Map<ChipMetric, number>();
  let areaMemo: AreaBreakdown | undefined;
  const area = (): AreaBreakdown => (areaMemo ??= chipArea(chip, new CostTrace(DEFAULT_COST_BOOK)));
  const compute = (metric: ChipMetric): number => {
    const trace = new CostTrace(DEFAULT_COST_BOOK);
    switch (metric) {
      case 'dieAreaMm2':
        return area().dieMm2;
      case 'siliconAreaMm2':
        return area().totalMm2;
      case 'dies':
        return area().dies;
      case 'powerW':
        return provisionedPowerW(withPower()).watts;
      case 'costPerChipUsd':
        return role === 'design'
          ? chipCost(chip, DEFAULT_COST_BOOK, { volume }).costPerChipUsd
          : ownerPrice(chip, DEFAULT_COST_BOOK).capexUsd;
      case 'usdPerChipHour': {
        const capex = get('costPerChipUsd');
        const power = get('powerW');
        return capex === undefined || power === undefined
          ? Number.NaN
          : tcoPerChip({ chipCapexUsd: capex, chipPowerW: power, chipsPerHost: chipsPerHost(chip) }, trace)
              .usdPerChipHour;
      }
      case 'peakOpsPerS':
        return peakOpsPerS(chip);
    }
  };
  // A chip the cost model cannot build (an interposer larger than a wafer) is a reason, not an exception.
  const get = (metric: ChipMetric): number | undefined => {
    let v = memo.get(metric);
    if (v === undefined) {
      try {
        v = compute(metric);
      } catch (error) {
        if (!(error instanceof TpusimError)) throw error;
        v = Number.NaN;
        if (!refusals.includes(error.message)) refusals.push(error.message);
      }
      memo.set(metric, v);
    }
    return Number.isNaN(v) ? undefined : v;
  };
  return get;
}

function metricsOf(
  spec: SweepSpec,
  raw: ChipSpec,
  role: ChipRole,
  values: readonly KnobValue[],
  cache: WorkloadCache,
): Metrics {
  // Timing never depends on the TDP; power and energy do, so a design gets its modelled TDP only when they are needed.
  let powered: ChipSpec | undefined;
  const withPower = (): ChipSpec => (powered ??= role === 'design' ? withModelledTdp(raw) : raw);
  const refusals: string[] = [];
  const chipMetric = chipMetrics(raw, role, spec.volume, refusals, withPower);
  const outcomes = new Map<string, WorkloadOutcome>();
  const outcome = (w: WorkloadSpec): WorkloadOutcome => {
    let o = outcomes.get(w.name);
    if (o) return o;
    const inputs = workloadInputs(spec, w, values, cache);
    const chip = w.kind === 'inference' || w.kind === 'training' ? withPower() : raw;
    o =
      typeof inputs === 'string'
        ? { ok: false, reasons: [inputs] }
        : runWorkload(w, chip, systemOf(w, raw.name, spec.base, cache), inputs);
    outcomes.set(w.name, o);
    return o;
  };
  const workload = (metric: WorkloadMetric, name: string): number | undefined => {
    const o = outcome(spec.workloads.find((w) => w.name === name)!);
    if (!o.ok) return undefined;
    const f = o.figures;
    const hourly = (): number => chipMetric('usdPerChipHour') ?? Number.NaN;
    const perUsd = (): number => (f.perSecondPerChip * 3600) / hourly();
    switch (metric) {
      case 'throughputPerChip':
        return f.perSecondPerChip;
      case 'latencyS':
        return f.latencyS;
      case 'ttftS':
        return f.ttftS;
      case 'tpotS':
        return f.tpotS;
      case 'timeToTrainS':
        return f.timeToTrainS;
      case 'energyPerUnitJ':
        return (f.powerW ?? chipMetric('powerW') ?? Number.NaN) / f.perSecondPerChip;
      case 'usdPerMUnits':
        return 1e6 / perUsd();
      case 'perfPerTco':
        return perUsd();
    }
  };
  const reasons = (): string[] => [
    ...refusals,
    ...spec.workloads.flatMap((w) =>
      outcomes.has(w.name) && !outcomes.get(w.name)!.ok
        ? (outcomes.get(w.name) as { reasons: readonly string[] }).reasons
        : [],
    ),
  ];
  return { chip: chipMetric, workload, reasons };
}

/** A metric's value: a chip metric, one workload's, or the weighted mean over the workloads that have it. */
function metricValue(
  spec: SweepSpec,
  m: Metrics,
  metric: MetricName,
  workload: string | undefined,
): number | undefined {
  if ((CHIP_METRICS as readonly string[]).includes(metric)) return m.chip(metric as ChipMetric);
  if (workload !== undefined) return m.workload(metric as WorkloadMetric, workload);
  let sum = 0;
  let weights = 0;
  for (const w of spec.workloads) {
    const v = m.workload(metric as WorkloadMetric, w.name);
    if (v === undefined) continue;
    sum += w.weight * v;
    weights += w.weight;
  }
  return weights > 0 ? sum / weights : undefined;
}

const describeLimit = (metric: string, workload: string | undefined): string =>
  workload ? `${workload}.${metric}` : metric;

/**
 * Objectives and constraints of the spec for one chip with the given knob values (model knobs apply to the workloads).
 */
export function evaluateChip(
  spec: SweepSpec,
  chip: ChipSpec,
  role: ChipRole,
  values: readonly KnobValue[],
  cache: WorkloadCache,
): Evaluation {
  const m = metricsOf(spec, chip, role, values, cache);
  const reasons: string[] = [];
  const objectives: Record<string, number> = {};
  for (const o of spec.objectives) {
    const v = metricValue(spec, m, o.metric, o.workload);
    if (v !== undefined && Number.isFinite(v)) objectives[o.name] = v;
  }
  for (const c of spec.constraints) {
    const v = metricValue(spec, m, c.metric, c.workload);
    if (v === undefined) continue;
    if (c.max !== undefined && v > c.max) reasons.push(limitReason(c, 'max', v));
    if (c.min !== undefined && v < c.min) reasons.push(limitReason(c, 'min', v));
  }
  const refused = m.reasons();
  const missing = spec.objectives
    .filter((o) => objectives[o.name] === undefined && refused.length === 0)
    .map(missingReason);
  const all = [...refused, ...reasons, ...missing];
  return { feasible: all.length === 0, reasons: all, objectives };
}

/** Why value `v` of constraint `c`'s metric breaks its `side` limit. */
export function limitReason(c: ConstraintSpec, side: 'max' | 'min', v: number): string {
  const name = describeLimit(c.metric, c.workload);
  return side === 'max'
    ? `${name} ${formatValue(v)} exceeds the limit ${formatValue(c.max!)}`
    : `${name} ${formatValue(v)} is below the limit ${formatValue(c.min!)}`;
}

/** Why a point whose models all ran lacks objective `o`. */
export const missingReason = (o: ObjectiveSpec): string =>
  `objective ${o.name} has no value (${describeLimit(o.metric, o.workload)})`;

const formatValue = (v: number): string =>
  Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(3) : String(Number(v.toPrecision(4)));

/**
 * The sweep specification: what a design-space exploration varies (knobs over a base chip and over the
 * workloads' models), what it runs (weighted workloads), what it wants (objectives with directions),
 * what it may not exceed (constraints) and how it picks points (sampler, or NSGA-II). Parsed from YAML or
 * JSON and validated like chip files: every problem at once, each with its path, value and limit.
 */
import { issue, type Issue, type Result } from '../core/errors.js';
import {
  array,
  joinPath,
  number,
  object,
  oneOf,
  optional,
  record,
  string,
  validate,
  type Schema,
} from '../core/schema.js';
import { chipPresetNames } from '../arch/presets/index.js';
import { isRecord, parseStructuredText } from '../arch/load.js';
import { SYSTEM_PRESETS } from '../cluster/systems.js';
import { getZooEntry, zooModelNames } from '../graph/zoo/index.js';
import { parseQuantity } from './quantity.js';
import {
  CHIP_METRICS,
  WORKLOAD_METRICS,
  MODEL_FIELDS,
  type ChipMetric,
  type ModelField,
  type WorkloadMetric,
} from './metrics.js';

export type KnobRange =
  | { readonly kind: 'int'; readonly min: number; readonly max: number; readonly step: number }
  | { readonly kind: 'pow2'; readonly min: number; readonly max: number }
  | {
      readonly kind: 'float';
      readonly min: number;
      readonly max: number;
      readonly steps: number;
      readonly log: boolean;
    }
  | { readonly kind: 'values'; readonly values: readonly (number | string)[] };

/** Where a knob's value goes: a ChipSpec field, a model hyperparameter, or nowhere (used by derived rules). */
export type KnobTarget =
  | { readonly kind: 'chip'; readonly path: string }
  | { readonly kind: 'model'; readonly field: ModelField; readonly workload?: string }
  | { readonly kind: 'free' };

export interface KnobSpec {
  readonly name: string;
  readonly range: KnobRange;
  readonly target: KnobTarget;
}

/** A ChipSpec field computed from knobs: `offChipMemory.bandwidthBytesPerS: stacks * 819GB/s`. */
export interface DerivedRule {
  readonly path: string;
  readonly expr: string;
}

interface WorkloadBase {
  readonly name: string;
  readonly weight: number;
}
export type WorkloadSpec =
  | (WorkloadBase & {
      readonly kind: 'gemm';
      readonly m: number;
      readonly n: number;
      readonly k: number;
      readonly dtype?: string;
    })
  | (WorkloadBase & {
      readonly kind: 'inference';
      readonly model: string;
      readonly batch: number;
      readonly seq?: number;
    })
  | (WorkloadBase & {
      readonly kind: 'serving';
      readonly model: string;
      readonly tp: number;
      readonly pp: number;
      readonly batch: number;
      readonly prompt: number;
      readonly output: number;
      readonly system?: string;
    })
  | (WorkloadBase & {
      readonly kind: 'training';
      readonly model: string;
      readonly chips: number;
      readonly tokens: number;
      readonly seq: number;
      readonly system?: string;
    });
export type WorkloadKind = WorkloadSpec['kind'];

export type MetricName = ChipMetric | WorkloadMetric;

export interface ObjectiveSpec {
  readonly name: string;
  readonly metric: MetricName;
  /** For a workload metric: which workload; absent = the weighted mean over the workloads that have it. */
  readonly workload?: string;
  readonly direction: 'min' | 'max';
}

export interface ConstraintSpec {
  readonly metric: MetricName;
  readonly workload?: string;
  readonly min?: number;
  readonly max?: number;
}

export type SamplerKind = 'grid' | 'random' | 'lhs' | 'sobol';

export interface SweepSpec {
  readonly name: string;
  readonly base: string;
  readonly knobs: readonly KnobSpec[];
  readonly derived: readonly DerivedRule[];
  readonly workloads: readonly WorkloadSpec[];
  readonly objectives: readonly ObjectiveSpec[];
  readonly constraints: readonly ConstraintSpec[];
  readonly sampler: { readonly kind: SamplerKind; readonly points?: number; readonly seed: number };
  readonly nsga2?: { readonly population: number; readonly generations: number; readonly seed: number };
  /** Chips built, over which a design's NRE is spread (default 100,000). */
  readonly volume: number;
}

const positiveInt = (max: number): Schema => number({ integer: true, min: 1, max });
const quantity: Schema = {
  expected: 'a number or a number with a unit (1.2GHz, 3TB/s, 96GiB)',
  check(value, path, issues) {
    if (parseQuantity(value) === undefined)
      issues.push(issue('invalid_type', path, `expected ${this.expected}, got ${JSON.stringify(value)}`));
  },
};
const pair = array(quantity, { minLength: 2, maxLength: 2 });
const scalar: Schema = {
  expected: 'a number or a string',
  check(value, path, issues) {
    if (typeof value !== 'string' && (typeof value !== 'number' || !Number.isFinite(value)))
      issues.push(issue('invalid_type', path, `expected ${this.expected}, got ${JSON.stringify(value)}`));
  },
};

const knobSchema = object({
  path: optional(string({ minLength: 1 })),
  model: optional(oneOf(MODEL_FIELDS)),
  workload: optional(string({ minLength: 1 })),
  int: optional(pair),
  step: optional(number({ integer: true, min: 1 })),
  pow2: optional(pair),
  float: optional(pair),
  steps: optional(positiveInt(1_000_000)),
  log: optional({
    expected: 'true or false',
    check: (v, p, i) =>
      void (
        typeof v !== 'boolean' && i.push(issue('invalid_type', p, `expected true or false, got ${JSON.stringify(v)}`))
      ),
  }),
  values: optional(array(scalar, { minLength: 1, unique: true })),
});

const common = {
  name: string({ minLength: 1 }),
  kind: oneOf(['gemm', 'inference', 'serving', 'training']),
  weight: optional(number({ above: 0, max: 1e9 })),
};
const dims = positiveInt(1 << 24);
const WORKLOAD_SCHEMAS: Readonly<Record<WorkloadKind, Schema>> = {
  gemm: object({ ...common, m: dims, n: dims, k: dims, dtype: optional(string()) }),
  inference: object({
    ...common,
    model: string({ minLength: 1 }),
    batch: optional(positiveInt(1 << 20)),
    seq: optional(positiveInt(1 << 22)),
  }),
  serving: object({
    ...common,
    model: string({ minLength: 1 }),
    tp: optional(positiveInt(4096)),
    pp: optional(positiveInt(1024)),
    batch: positiveInt(1 << 20),
    prompt: positiveInt(1 << 22),
    output: positiveInt(1 << 22),
    system: optional(oneOf(Object.keys(SYSTEM_PRESETS))),
  }),
  training: object({
    ...common,
    model: string({ minLength: 1 }),
    chips: positiveInt(1e8),
    tokens: number({ above: 0, max: 1e16 }),
    seq: optional(positiveInt(1 << 22)),
    system: optional(oneOf(Object.keys(SYSTEM_PRESETS))),
  }),
};
const METRICS = [...CHIP_METRICS, ...WORKLOAD_METRICS];
const objectiveSchema = object({
  name: string({ minLength: 1 }),
  metric: oneOf(METRICS),
  workload: optional(string({ minLength: 1 })),
  direction: oneOf(['min', 'max']),
});
const constraintSchema = object({
  metric: oneOf(METRICS),
  workload: optional(string({ minLength: 1 })),
  min: optional(quantity),
  max: optional(quantity),
});

const topSchema = object({
  name: string({ minLength: 1 }),
  base: oneOf(chipPresetNames()),
  knobs: record({ expected: 'a knob', check: (v, p, i) => knobSchema.check(v, p, i) }),
  derived: optional(record(string({ minLength: 1 }))),
  workloads: array({ expected: 'a workload', check: () => undefined }, { minLength: 1 }),
  objectives: array(objectiveSchema, { minLength: 1 }),
  constraints: optional(array(constraintSchema)),
  sampler: object({
    kind: oneOf(['grid', 'random', 'lhs', 'sobol']),
    points: optional(positiveInt(1e12)),
    seed: optional(number({ integer: true, min: 0, max: 2 ** 32 - 1 })),
  }),
  nsga2: optional(
    object({
      population: number({ integer: true, min: 4, max: 1e6 }),
      generations: positiveInt(1e6),
      seed: optional(number({ integer: true, min: 0, max: 2 ** 32 - 1 })),
    }),
  ),
  volume: optional(number({ integer: true, min: 1, max: 1e10 })),
});

type Raw = Readonly<Record<string, unknown>>;

/** The knob's range from its raw entry; issues for a missing or doubled range, or min above max. */
function readRange(raw: Raw, path: string, issues: Issue[]): KnobRange | undefined {
  const forms = (['int', 'pow2', 'float', 'values'] as const).filter((f) => raw[f] !== undefined);
  if (forms.length !== 1) {
    issues.push(
      issue(
        'bad_knob',
        path,
        forms.length === 0
          ? 'needs one range: int: [min, max], pow2: [min, max], float: [min, max] or values: [...]'
          : `has ${forms.join(' and ')}: give exactly one range`,
      ),
    );
    return undefined;
  }
  const form = forms[0]!;
  // Values that read as numbers with units (1.75GHz) are numbers; other strings are enumerated names.
  if (form === 'values')
    return { kind: 'values', values: (raw['values'] as (number | string)[]).map((v) => parseQuantity(v) ?? v) };
  const bounds = (raw[form] as unknown[]).map(parseQuantity);
  if (bounds.length !== 2 || bounds.some((b) => b === undefined)) return undefined;
  const [min, max] = bounds as [number, number];
  if (!(min <= max)) issues.push(issue('bad_range', joinPath(path, form), `min ${min} exceeds max ${max}`));
  if (form === 'int') {
    if (!Number.isInteger(min) || !Number.isInteger(max))
      issues.push(issue('not_integer', joinPath(path, form), `int bounds must be integers, got [${min}, ${max}]`));
    return { kind: 'int', min, max, step: (raw['step'] as number | undefined) ?? 1 };
  }
  if (form === 'pow2') {
    const bad = [min, max].filter((v) => !(v >= 1 && Number.isInteger(Math.log2(v))));
    if (bad.length > 0)
      issues.push(issue('not_power_of_two', joinPath(path, form), `${bad.join(', ')} is not a power of two >= 1`));
    return { kind: 'pow2', min, max };
  }
  const log = raw['log'] === true;
  if (log && !(min > 0)) issues.push(issue('too_small', joinPath(path, form), `a log range needs min > 0, got ${min}`));
  return { kind: 'float', min, max, steps: (raw['steps'] as number | undefined) ?? 5, log };
}

function readKnob(name: string, raw: Raw, path: string, issues: Issue[]): KnobSpec | undefined {
  const range = readRange(raw, path, issues);
  if (raw['path'] !== undefined && raw['model'] !== undefined)
    issues.push(issue('bad_knob', path, 'give path (a chip field) or model (a model field), not both'));
  if (raw['workload'] !== undefined && raw['model'] === undefined)
    issues.push(issue('bad_knob', joinPath(path, 'workload'), 'only model knobs name a workload'));
  if (!range) return undefined;
  const target: KnobTarget =
    typeof raw['path'] === 'string'
      ? { kind: 'chip', path: raw['path'] }
      : typeof raw['model'] === 'string'
        ? {
            kind: 'model',
            field: raw['model'] as ModelField,
            ...(typeof raw['workload'] === 'string' ? { workload: raw['workload'] } : {}),
          }
        : { kind: 'free' };
  if (target.kind !== 'free' || range.kind !== 'values' || range.values.every((v) => typeof v === 'number'))
    return { name, range, target };
  issues.push(
    issue(
      'bad_knob',
      joinPath(path, 'values'),
      'a knob without path or model feeds derived rules, so its values must be numbers',
    ),
  );
  return undefined;
}

function readWorkload(raw: Raw, path: string, issues: Issue[]): WorkloadSpec | undefined {
  const kind = raw['kind'] as WorkloadKind;
  const schema = WORKLOAD_SCHEMAS[kind];
  if (!schema) {
    issues.push(...validate(common.kind, raw['kind'], joinPath(path, 'kind')));
    return undefined;
  }
  const found = validate(schema, raw, path);
  if (typeof raw['model'] === 'string') {
    const entry = getZooEntry(raw['model']);
    if (!entry)
      issues.push(
        issue(
          'unknown_model',
          joinPath(path, 'model'),
          `unknown zoo model '${raw['model']}' (known: ${zooModelNames().join(', ')})`,
        ),
      );
    else if (kind !== 'inference' && !entry.config)
      issues.push(
        issue(
          'not_a_transformer',
          joinPath(path, 'model'),
          `${raw['model']} is not a transformer; ${kind} workloads need one`,
        ),
      );
  }
  issues.push(...found);
  if (found.length > 0) return undefined;
  const weight = (raw['weight'] as number | undefined) ?? 1;
  const name = raw['name'] as string;
  const n = (key: string, fallback: number): number => (raw[key] as number | undefined) ?? fallback;
  switch (kind) {
    case 'gemm':
      return {
        name,
        weight,
        kind,
        m: n('m', 1),
        n: n('n', 1),
        k: n('k', 1),
        ...(typeof raw['dtype'] === 'string' ? { dtype: raw['dtype'] } : {}),
      };
    case 'inference':
      return {
        name,
        weight,
        kind,
        model: raw['model'] as string,
        batch: n('batch', 1),
        ...(raw['seq'] !== undefined ? { seq: n('seq', 1) } : {}),
      };
    case 'serving':
      return {
        name,
        weight,
        kind,
        model: raw['model'] as string,
        tp: n('tp', 1),
        pp: n('pp', 1),
        batch: n('batch', 1),
        prompt: n('prompt', 1),
        output: n('output', 1),
        ...(typeof raw['system'] === 'string' ? { system: raw['system'] } : {}),
      };
    case 'training':
      return {
        name,
        weight,
        kind,
        model: raw['model'] as string,
        chips: n('chips', 1),
        tokens: n('tokens', 1),
        seq: n('seq', 4096),
        ...(typeof raw['system'] === 'string' ? { system: raw['system'] } : {}),
      };
  }
}

/** Names that a workload or knob refers to must exist; objective and constraint metrics must fit their workload. */
function checkReferences(spec: Omit<SweepSpec, 'volume'>, issues: Issue[]): void {
  const workloads = new Map(spec.workloads.map((w) => [w.name, w]));
  const seen = new Set<string>();
  spec.workloads.forEach((w, i) => {
    if (seen.has(w.name))
      issues.push(issue('duplicate', `workloads[${i}].name`, `workload '${w.name}' is named twice`));
    seen.add(w.name);
  });
  spec.knobs.forEach((k) => {
    if (k.target.kind === 'model' && k.target.workload !== undefined && !workloads.has(k.target.workload))
      issues.push(issue('unknown_workload', `knobs.${k.name}.workload`, `no workload named '${k.target.workload}'`));
  });
  const names = new Set<string>();
  const checkMetric = (entry: { metric: MetricName; workload?: string }, path: string): void => {
    const chipMetric = (CHIP_METRICS as readonly string[]).includes(entry.metric);
    if (chipMetric && entry.workload !== undefined)
      issues.push(issue('bad_metric', `${path}.workload`, `${entry.metric} belongs to the chip, not a workload`));
    if (entry.workload !== undefined && !workloads.has(entry.workload))
      issues.push(
        issue(
          'unknown_workload',
          `${path}.workload`,
          `no workload named '${entry.workload}' (workloads: ${[...workloads.keys()].join(', ')})`,
        ),
      );
  };
  spec.objectives.forEach((o, i) => {
    if (names.has(o.name))
      issues.push(issue('duplicate', `objectives[${i}].name`, `objective '${o.name}' is named twice`));
    names.add(o.name);
    checkMetric(o, `objectives[${i}]`);
  });
  spec.constraints.forEach((c, i) => {
    checkMetric(c, `constraints[${i}]`);
    if (c.min === undefined && c.max === undefined)
      issues.push(issue('bad_constraint', `constraints[${i}]`, 'needs min or max'));
  });
}

/** Validates parsed spec data: the spec, or every issue with its path. */
export function validateSweepSpec(value: unknown): Result<SweepSpec> {
  const issues = validate(topSchema, value);
  if (!isRecord(value)) return { ok: false, issues };
  const knobs: KnobSpec[] = [];
  for (const [name, raw] of Object.entries(isRecord(value['knobs']) ? value['knobs'] : {})) {
    if (!/^[A-Za-z_]\w*$/.test(name))
      issues.push(issue('bad_name', `knobs.${name}`, `knob names are identifiers (letters, digits, _), got '${name}'`));
    const knob = isRecord(raw) ? readKnob(name, raw, `knobs.${name}`, issues) : undefined;
    if (knob) knobs.push(knob);
  }
  const workloads: WorkloadSpec[] = [];
  (Array.isArray(value['workloads']) ? value['workloads'] : []).forEach((raw: unknown, i: number) => {
    if (!isRecord(raw)) {
      issues.push(issue('invalid_type', `workloads[${i}]`, 'expected a workload object'));
      return;
    }
    const w = readWorkload(raw, `workloads[${i}]`, issues);
    if (w) workloads.push(w);
  });
  if (issues.length > 0) return { ok: false, issues };
  const v = value as Record<string, unknown>;
  const sampler = v['sampler'] as { kind: SamplerKind; points?: number; seed?: number };
  const nsga2 = v['nsga2'] as { population: number; generations: number; seed?: number } | undefined;
  const spec: SweepSpec = {
    name: v['name'] as string,
    base: v['base'] as string,
    knobs,
    derived: Object.entries((v['derived'] ?? {}) as Record<string, string>).map(([path, expr]) => ({ path, expr })),
    workloads,
    objectives: v['objectives'] as ObjectiveSpec[],
    constraints: ((v['constraints'] ?? []) as Array<Record<string, unknown>>).map((c) => ({
      metric: c['metric'] as MetricName,
      ...(c['workload'] !== undefined ? { workload: c['workload'] as string } : {}),
      ...(c['min'] !== undefined ? { min: parseQuantity(c['min'])! } : {}),
      ...(c['max'] !== undefined ? { max: parseQuantity(c['max'])! } : {}),
    })),
    sampler: {
      kind: sampler.kind,
      seed: sampler.seed ?? 0,
      ...(sampler.points !== undefined ? { points: sampler.points } : {}),
    },
    ...(nsga2
      ? { nsga2: { population: nsga2.population, generations: nsga2.generations, seed: nsga2.seed ?? 0 } }
      : {}),
    volume: (v['volume'] as number | undefined) ?? 100_000,
  };
  checkReferences(spec, issues);
  if (spec.sampler.kind !== 'grid' && spec.sampler.points === undefined && !spec.nsga2)
    issues.push(issue('missing', 'sampler.points', `is required for the ${spec.sampler.kind} sampler`));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: spec };
}

/** A sweep spec from YAML or JSON text (`.json` files as JSON). */
export function parseSweepSpec(text: string, fileName = 'sweep'): Result<SweepSpec> {
  const parsed = parseStructuredText(text, fileName);
  if (!parsed.ok) return parsed;
  if (!isRecord(parsed.value))
    return {
      ok: false,
      issues: [
        issue(
          'invalid_type',
          '',
          `${fileName}: expected a mapping with name, base, knobs, workloads, objectives and sampler`,
        ),
      ],
    };
  return validateSweepSpec(parsed.value);
}

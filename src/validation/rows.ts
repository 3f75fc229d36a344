/**
 * Reading validation files: YAML or JSON text -> checked rows, every problem reported with its path.
 */
import { parseStructuredText } from '../arch/load.js';
import { COLLECTIVE_HARNESSES } from '../cluster/collective-harness.js';
import { TRAINING_ATTENTION_KERNELS } from '../cluster/train-attention.js';
import { MOE_DISPATCHERS } from '../cluster/train-moe.js';
import { SLO_PERCENTILES } from '../cluster/serve-capacity.js';
import { ACTIVATION_DTYPES, WEIGHT_DTYPES } from '../cluster/serve-quant.js';
import { PREFIX_SOURCES } from '../cluster/serve-kv.js';
import { SCHEDULERS } from '../cluster/serving-sim.js';
import { PIPELINE_SCHEDULES } from '../cluster/train-pipeline.js';
import { FP8_SCALINGS } from '../cluster/train-fp8.js';
import { REMAT_TENSORS } from '../cluster/train-remat.js';
import { TRAINING_STACKS } from '../cluster/types.js';
import { VALIDATION_CATEGORIES } from '../model/validation.js';
import { issue, type Issue, type Result } from '../core/errors.js';
import {
  array,
  boolean,
  joinPath,
  literal,
  number,
  object,
  oneOf,
  optional,
  record,
  string,
  union,
  validate,
  type Schema,
} from '../core/schema.js';
import {
  ATTENTION_IMPLEMENTATIONS,
  ATTENTION_PASSES,
  COLLECTIVE_KINDS,
  FLOP_CONVENTIONS,
  METRICS,
  POWER_LOADS,
  POWER_SCOPES,
  SERVING_ENGINES,
  SPLITS,
  type ValidationFile,
  type Workload,
} from './types.js';

const count = (max = 1e9): Schema => number({ integer: true, min: 1, max });
const positive = number({ above: 0, max: 1e30 });
const name = string({ minLength: 1 });

/** `{ zoo }` or `{ config, name? }`. */
const modelRef: Schema = {
  expected: '{ zoo: NAME } or { config: {...}, name? }',
  check(value, path, issues) {
    const zoo = object({ zoo: name });
    const config = object({
      config: record({ expected: 'a config value', check: () => undefined }),
      name: optional(name),
    });
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    (isObject && 'zoo' in value ? zoo : config).check(value, path, issues);
  },
};

/** A preset name or an inline system object (checked when the row is predicted). */
const systemRef: Schema = {
  expected: 'a system preset name or an inline system',
  check(value, path, issues) {
    if (typeof value === 'string' && value.length > 0) return;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return;
    issues.push(issue('invalid_type', path, `expected ${this.expected}`));
  },
};

const WORKLOADS: Readonly<Record<string, Schema>> = {
  gemm: object({
    kind: oneOf(['gemm']),
    chip: name,
    dtype: name,
    m: count(),
    n: count(),
    k: count(),
    batch: optional(count()),
  }),
  attention: object({
    kind: oneOf(['attention']),
    chip: name,
    dtype: name,
    batch: count(),
    heads: count(),
    kvHeads: optional(count()),
    seqQ: count(1 << 24),
    seqK: optional(count(1 << 24)),
    headDim: count(4096),
    causal: boolean(),
    pass: oneOf(ATTENTION_PASSES),
    implementation: oneOf(ATTENTION_IMPLEMENTATIONS),
  }),
  train: object({
    kind: oneOf(['train']),
    model: modelRef,
    chip: name,
    system: systemRef,
    chips: count(1e8),
    plan: object({
      tp: count(),
      pp: count(),
      dp: count(),
      cp: optional(count()),
      ep: optional(count()),
      zero: optional(number({ integer: true, min: 0, max: 3 })),
      microbatch: count(),
      globalBatch: count(),
      seq: count(1 << 24),
      recompute: optional(oneOf(['none', 'selective', 'full'])),
      sequenceParallel: optional(boolean()),
      interleave: optional(count()),
      overlapGradients: optional(boolean()),
    }),
    dtype: optional(name),
    stack: oneOf(TRAINING_STACKS),
    flashAttention: optional(boolean()),
    attention: optional(oneOf(TRAINING_ATTENTION_KERNELS)),
    fused: optional(boolean()),
    dropout: optional(boolean()),
    tpCommOverlap: optional(boolean()),
    moeDispatcher: optional(oneOf(MOE_DISPATCHERS)),
    moeFp8Dispatch: optional(boolean()),
    epCommOverlap: optional(boolean()),
    pipelineSchedule: optional(oneOf(PIPELINE_SCHEDULES)),
    remat: optional(object({ saved: array(oneOf(REMAT_TENSORS)) })),
    fp8Scaling: optional(oneOf(FP8_SCALINGS)),
    powerLimitW: optional(number({ above: 0, max: 1e5, unit: 'W' })),
  }),
  serve: object({
    kind: oneOf(['serve']),
    model: modelRef,
    chip: name,
    system: optional(systemRef),
    chips: count(1e6),
    tp: count(),
    pp: optional(count()),
    batch: count(1e6),
    prompt: count(1 << 24),
    output: count(1 << 24),
    dtype: optional(name),
    kvDtype: optional(name),
    engine: oneOf(SERVING_ENGINES),
    engineVersion: optional(name),
    mode: optional(oneOf(['static', 'offline', 'concurrency'])),
    weightDtype: optional(oneOf(WEIGHT_DTYPES)),
    activationDtype: optional(oneOf(ACTIVATION_DTYPES)),
    weightGroupSize: optional(number({ integer: true, min: 16, max: 4096 })),
    speculative: optional(
      object({
        draftTokens: number({ integer: true, min: 1, max: 64 }),
        acceptance: number({ min: 0, max: 1 }),
        draft: optional(modelRef),
      }),
    ),
    scheduler: optional(oneOf(SCHEDULERS)),
    powerLimitW: optional(number({ above: 0, max: 1e5, unit: 'W' })),
    chunkTokens: optional(count(1 << 24)),
    prefixHitRate: optional(number({ min: 0, below: 1 })),
    prefixSource: optional(oneOf(PREFIX_SOURCES)),
    blockTokens: optional(count(4096)),
    disaggregated: optional(
      object({
        prefillChips: count(1e6),
        decodeChips: count(1e6),
        prefillTp: optional(count()),
        decodeBatch: optional(count(1e6)),
        requestRate: optional(positive),
      }),
    ),
    slo: optional(
      object({
        ttftS: optional(positive),
        tpotS: optional(positive),
        tbtS: optional(positive),
        percentile: union(SLO_PERCENTILES.map((p) => literal(p))),
      }),
    ),
    baseline: optional(
      object({ scheduler: oneOf(SCHEDULERS), batch: optional(count(1e6)), chunkTokens: optional(count(1 << 24)) }),
    ),
    lengthHistogram: optional(
      array(object({ input: count(1 << 24), output: count(1 << 24), count: count(1e6) }), { minLength: 1 }),
    ),
    simRequests: optional(count(100_000)),
  }),
  collective: object({
    kind: oneOf(['collective']),
    chip: name,
    system: systemRef,
    collective: oneOf(COLLECTIVE_KINDS),
    ranks: count(1e8),
    ranksPerNode: optional(count()),
    bytes: positive,
    harness: optional(oneOf(COLLECTIVE_HARNESSES)),
  }),
  power: object({
    kind: oneOf(['power']),
    chip: name,
    load: oneOf(POWER_LOADS),
    scope: oneOf(POWER_SCOPES),
    dtype: optional(name),
    m: optional(count()),
    n: optional(count()),
    k: optional(count()),
  }),
  area: object({
    kind: oneOf(['area']),
    chip: name,
    physicalCores: optional(count(1e7)),
    memoryPhys: optional(count(1e4)),
    dies: optional(count(1e4)),
  }),
};

const workload: Schema = {
  expected: `a workload of kind ${Object.keys(WORKLOADS).join(', ')}`,
  check(value, path, issues) {
    const kind = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['kind'] : undefined;
    const schema = typeof kind === 'string' ? WORKLOADS[kind] : undefined;
    if (!schema) {
      oneOf(Object.keys(WORKLOADS)).check(kind, joinPath(path, 'kind'), issues);
      return;
    }
    schema.check(value, path, issues);
  },
};

const rowSchema = object({
  id: string({ minLength: 1 }),
  category: oneOf(VALIDATION_CATEGORIES),
  split: oneOf(SPLITS),
  source: name,
  where: name,
  quote: name,
  measured: object({ metric: oneOf(Object.keys(METRICS)), value: positive, flops: optional(oneOf(FLOP_CONVENTIONS)) }),
  derivation: optional(string()),
  assumed: optional(string()),
  notes: optional(string()),
  workload,
});

const fileSchema = object({
  sources: record(object({ title: name, url: name, notes: optional(string()) })),
  rows: array(rowSchema, { minLength: 1 }),
});

/**
 * Cross-field rules: ids well formed, sources listed, tflops-per-chip with its FLOP convention, a capacity row with its
 * SLO.
 */
function checkRows(file: ValidationFile, issues: Issue[]): void {
  file.rows.forEach((row, i) => {
    const path = `rows[${i}]`;
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(row.id))
      issues.push(issue('invalid_id', `${path}.id`, `'${row.id}' must be lowercase letters, digits, '.' and '-'`));
    if (!(row.source in file.sources))
      issues.push(issue('unknown_source', `${path}.source`, `source '${row.source}' is not listed in sources`));
    if (
      row.measured.metric === 'tflops-per-chip' &&
      row.workload.kind === 'train' &&
      row.measured.flops === undefined
    ) {
      issues.push(
        issue(
          'missing',
          `${path}.measured.flops`,
          `tflops-per-chip of a training run needs the source's FLOP convention (${FLOP_CONVENTIONS.join(', ')})`,
        ),
      );
    }
    const metric = row.measured.metric;
    if (metric === 'requests-per-s-at-slo' || metric === 'capacity-ratio-at-slo')
      checkCapacityRow(row.workload, metric, path, issues);
    if (metric === 'kv-transfer-s' && (row.workload.kind !== 'serve' || row.workload.disaggregated === undefined))
      issues.push(
        issue(
          'invalid_metric',
          `${path}.measured.metric`,
          'kv-transfer-s applies to a serve row with disaggregated pools',
        ),
      );
  });
}

/** A capacity row is a serve row with an SLO that binds something (and a ratio row, a baseline to divide by). */
function checkCapacityRow(w: Workload, metric: string, path: string, issues: Issue[]): void {
  if (w.kind !== 'serve') {
    issues.push(
      issue('invalid_metric', `${path}.measured.metric`, `${metric} applies to a serve workload, not ${w.kind}`),
    );
    return;
  }
  if (metric === 'capacity-ratio-at-slo' && w.baseline === undefined)
    issues.push(
      issue(
        'missing',
        `${path}.workload.baseline`,
        'capacity-ratio-at-slo needs the configuration it divides by: baseline: { scheduler, batch?, chunkTokens? }',
      ),
    );
  if (w.slo === undefined)
    issues.push(
      issue(
        'missing',
        `${path}.workload.slo`,
        `${metric} needs the SLO it was measured under: slo: { ttftS?, tpotS?, tbtS?, percentile: 50 | 90 | 99 }`,
      ),
    );
  else if (w.slo.ttftS === undefined && w.slo.tpotS === undefined && w.slo.tbtS === undefined)
    issues.push(
      issue(
        'missing',
        `${path}.workload.slo`,
        'slo: give ttftS, tpotS, tbtS or several (seconds); a capacity with no latency limit is the saturation rate',
      ),
    );
}

/** A validation file's rows, or every problem with its path (prefixed by the file name). */
export function parseValidationFile(text: string, fileName: string): Result<ValidationFile> {
  const parsed = parseStructuredText(text, fileName);
  if (!parsed.ok) return parsed;
  const issues = validate(fileSchema, parsed.value);
  if (issues.length === 0) checkRows(parsed.value as ValidationFile, issues);
  if (issues.length > 0) return { ok: false, issues: issues.map((i) => ({ ...i, path: `${fileName}: ${i.path}` })) };
  return { ok: true, value: parsed.value as ValidationFile };
}

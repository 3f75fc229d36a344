/**
 * Validation of a `ChipSpec`: every problem at once, each with its path, value and limit.
 */
import { issue, type Issue } from '../core/errors.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import { array, boolean, number, object, oneOf, optional, record, string, validate, type Schema } from '../core/schema.js';
import { GIB } from '../core/units.js';
import { CHIP_SCHEMA_VERSION, DATAFLOWS, MATRIX_INPUT_FORMATS } from './chip-spec.js';

const count = (max: number): Schema => number({ integer: true, min: 1, max });
const bytes = (max: number): Schema => number({ integer: true, min: 1, max, unit: 'bytes' });
const bandwidth = number({ above: 0, max: 1e16, unit: 'B/s' });

const memory = object({ sizeBytes: bytes(1024 * GIB), bandwidthBytesPerS: bandwidth });

const matrixFormat = object(
  { input: oneOf(MATRIX_INPUT_FORMATS), accumulator: oneOf(['int32', 'fp32']) },
  (value, path, issues) => {
    const input = NUMBER_FORMATS[value['input'] as keyof typeof NUMBER_FORMATS];
    if (input && typeof value['accumulator'] === 'string' && input.accumulator !== value['accumulator']) {
      issues.push(
        issue(
          'bad_accumulator',
          `${path}.accumulator`,
          `${input.name} inputs accumulate in ${input.accumulator}, not ${String(value['accumulator'])}`,
        ),
      );
    }
  },
);

/** Arrays larger than 4096 x 4096 cells have never been built; the limit catches unit slips. */
export const MAX_ARRAY_DIM = 4096;

const matrixUnit = object({
  count: count(1024),
  rows: count(MAX_ARRAY_DIM),
  cols: count(MAX_ARRAY_DIM),
  dataflows: array(oneOf(DATAFLOWS), { minLength: 1, unique: true }),
  formats: array(matrixFormat, { minLength: 1, unique: true }),
  doubleBufferedWeights: boolean(),
  weightFifoTiles: count(1024),
});

const core = object({
  count: count(1_000_000),
  name: optional(string()),
  matrixUnits: array(matrixUnit, { minLength: 1 }),
  vectorUnit: object({ lanes: count(1_000_000), opsPerLanePerCycle: count(1024) }),
  unifiedBuffer: memory,
  accumulators: memory,
});

const citation = object({
  source: string({ minLength: 1 }),
  where: optional(string()),
  status: oneOf(['published', 'derived', 'estimate']),
  note: optional(string()),
});

const latency = number({ min: 0, max: 1e9, unit: 'ns' });

export const chipSchema: Schema = object({
  schemaVersion: number({ integer: true, min: CHIP_SCHEMA_VERSION, max: CHIP_SCHEMA_VERSION }),
  name: string({ minLength: 1 }),
  description: optional(string()),
  clockHz: number({ above: 0, max: 1e10, unit: 'Hz' }),
  cores: array(core, { minLength: 1, maxLength: 64 }),
  sharedMemory: optional(memory),
  offChipMemory: object({
    kind: string({ minLength: 1 }),
    capacityBytes: number({ integer: true, min: 0, max: 1e15, unit: 'bytes' }),
    bandwidthBytesPerS: bandwidth,
    latencyNs: latency,
  }),
  hostLink: object({ kind: string({ minLength: 1 }), bandwidthBytesPerS: bandwidth, latencyNs: latency }),
  chipLinks: optional(
    object({ kind: string({ minLength: 1 }), count: number({ integer: true, min: 0, max: 1024 }), bandwidthBytesPerSPerLink: bandwidth }),
  ),
  technology: optional(
    object({
      processNm: number({ above: 0, max: 1000, unit: 'nm' }),
      dieAreaMm2: optional(number({ above: 0, max: 100_000, unit: 'mm^2' })),
      tdpW: optional(number({ above: 0, max: 100_000, unit: 'W' })),
    }),
  ),
  sources: optional(record(string())),
  citations: optional(record(citation)),
});

/** All problems with `value` as a chip description; empty when it is a valid `ChipSpec`. */
export function validateChip(value: unknown): Issue[] {
  const issues = validate(chipSchema, value);
  if (issues.length === 0) issues.push(...checkCitations(value as { sources?: Record<string, string>; citations?: Record<string, { source: string }> }));
  return issues;
}

function checkCitations(chip: { sources?: Record<string, string>; citations?: Record<string, { source: string }> }): Issue[] {
  const issues: Issue[] = [];
  for (const [path, c] of Object.entries(chip.citations ?? {})) {
    if (!chip.sources || !(c.source in chip.sources)) {
      issues.push(issue('unknown_source', `citations.${path}.source`, `source '${c.source}' is not listed in sources`));
    }
  }
  return issues;
}

/**
 * Validation of a `ChipSpec`: every problem at once, each with its path, value and limit.
 */
import { CITATION_STATUSES } from '../core/citations.js';
import { issue, type Issue, type Result } from '../core/errors.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import {
  array,
  boolean,
  joinPath,
  number,
  object,
  oneOf,
  optional,
  parse,
  record,
  string,
  type Assert,
  type Equals,
  type Infer,
  type Schema,
} from '../core/schema.js';
import { GIB } from '../core/units.js';
import {
  CHIP_SCHEMA_VERSION,
  DATAFLOWS,
  MATRIX_INPUT_FORMATS,
  MATRIX_UNIT_KINDS,
  type ChipSpec,
  type DType,
  type MatrixUnitKind,
} from './chip-spec.js';

/** Whether `text` names a format a matrix unit can multiply (whether this chip's do is the caller's check). */
export const isDType = (text: string): text is DType => MATRIX_INPUT_FORMATS.some((f) => f === text);

const count = (max: number): Schema<number> => number({ integer: true, min: 1, max });
const bytes = (max: number): Schema<number> => number({ integer: true, min: 1, max, unit: 'bytes' });
const bandwidth = number({ above: 0, max: 1e16, unit: 'B/s' });

const memory = object({ sizeBytes: bytes(1024 * GIB), bandwidthBytesPerS: bandwidth });

/** A format at more than 64x the MACs of rows x cols per cycle would be a unit slip (fp4 is 4x bf16). */
export const MAX_FORMAT_RATE = 64;

const matrixFormat = object(
  {
    input: oneOf(MATRIX_INPUT_FORMATS),
    accumulator: oneOf(['int32', 'fp32']),
    rate: optional(number({ above: 0, max: MAX_FORMAT_RATE })),
  },
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

/** Published multi-input adders sum 4 products (TPU v4i); the limit catches slips. */
export const MAX_PRODUCTS_PER_ADDER = 64;

const matrixUnit = object({
  kind: optional(oneOf(MATRIX_UNIT_KINDS)),
  count: count(1024),
  rows: count(MAX_ARRAY_DIM),
  cols: count(MAX_ARRAY_DIM),
  dataflows: array(oneOf(DATAFLOWS), { minLength: 1, unique: true }),
  formats: array(matrixFormat, { minLength: 1, unique: true }),
  doubleBufferedWeights: boolean(),
  weightFifoTiles: count(1024),
  productsPerAdder: optional(count(MAX_PRODUCTS_PER_ADDER)),
});

const core = object({
  count: count(1_000_000),
  name: optional(string()),
  matrixUnits: array(matrixUnit, { minLength: 1 }),
  vectorUnit: object({ lanes: count(1_000_000), opsPerLanePerCycle: count(1024) }),
  unifiedBuffer: memory,
  accumulators: memory,
  registerFileBytes: optional(bytes(1024 * GIB)),
});

/**
 * GEMM tiles are a few hundred elements a side and an SM holds at most 32 resident blocks today; the limits catch
 * slips.
 */
const gpuTiling = object({
  tileM: count(MAX_ARRAY_DIM),
  tileN: count(MAX_ARRAY_DIM),
  tileK: count(MAX_ARRAY_DIM),
  blocksPerSm: count(64),
});

/** What each kind of matrix unit needs from the rest of the chip description. */
const MATRIX_UNIT_KIND_NEEDS: Readonly<Record<MatrixUnitKind, { readonly gpuTiling: boolean }>> = {
  systolic: { gpuTiling: false },
  'tensor-core': { gpuTiling: true },
};

const citation = object({
  source: string({ minLength: 1 }),
  where: optional(string()),
  status: oneOf(CITATION_STATUSES),
  note: optional(string()),
});

const latency = number({ min: 0, max: 1e9, unit: 'ns' });

/**
 * The schema of a chip file. `ChipSpec` stays a hand-written interface because its doc comments are the
 * reference users read (hover text, docs/chips.md); `_ChipSpecMatchesSchema` makes the compiler reject
 * any change to one that the other does not follow.
 */
export const chipSchema = object(
  {
    schemaVersion: number({ integer: true, min: CHIP_SCHEMA_VERSION, max: CHIP_SCHEMA_VERSION }),
    name: string({ minLength: 1 }),
    description: optional(string()),
    clockHz: number({ above: 0, max: 1e10, unit: 'Hz' }),
    cores: array(core, { minLength: 1, maxLength: 64 }),
    sharedMemory: optional(memory),
    gpuTiling: optional(gpuTiling),
    offChipMemory: object({
      kind: string({ minLength: 1 }),
      capacityBytes: number({ integer: true, min: 0, max: 1e15, unit: 'bytes' }),
      bandwidthBytesPerS: bandwidth,
      sustainedBandwidthBytesPerS: optional(bandwidth),
      latencyNs: latency,
    }),
    hostLink: object({
      kind: string({ minLength: 1 }),
      bandwidthBytesPerS: bandwidth,
      latencyNs: latency,
      sustainedBandwidthBytesPerS: optional(bandwidth),
      dmaSetupNs: optional(latency),
    }),
    chipLinks: optional(
      object({
        kind: string({ minLength: 1 }),
        count: number({ integer: true, min: 0, max: 1024 }),
        bandwidthBytesPerSPerLink: bandwidth,
      }),
    ),
    technology: optional(
      object({
        processNm: optional(number({ above: 0, max: 1000, unit: 'nm' })),
        dieAreaMm2: optional(number({ above: 0, max: 100_000, unit: 'mm^2' })),
        tdpW: optional(number({ above: 0, max: 100_000, unit: 'W' })),
        idleW: optional(number({ min: 0, max: 100_000, unit: 'W' })),
        sustainedClockHz: optional(number({ above: 0, max: 1e11, unit: 'Hz' })),
      }),
    ),
    sources: optional(record(string())),
    citations: optional(record(citation)),
  },
  (chip, path, issues) => {
    checkGpuTiling(chip, path, issues);
    checkProductsPerAdder(chip, path, issues);
    checkSustained(chip, path, issues);
  },
);

// Citations are the one deliberate difference: a chip file may use four of the citation statuses, so the
// schema's citations are a subtype of `Citation`; every other field's type is the interface's exactly.
type ChipFields = Omit<ChipSpec, 'citations'>;
type _ChipSpecMatchesSchema = Assert<Equals<Omit<Infer<typeof chipSchema>, 'citations'>, ChipFields>>;
type _ChipCitationsFit = Assert<Infer<typeof chipSchema> extends ChipSpec ? true : false>;

/** Sustained figures are what the chip holds under load: never above the published ones. */
function checkSustained(chip: Readonly<Record<string, unknown>>, path: string, issues: Issue[]): void {
  const memory = chip['offChipMemory'] as
    | { bandwidthBytesPerS?: unknown; sustainedBandwidthBytesPerS?: unknown }
    | undefined;
  const sustained = memory?.sustainedBandwidthBytesPerS;
  if (
    typeof sustained === 'number' &&
    typeof memory?.bandwidthBytesPerS === 'number' &&
    sustained > memory.bandwidthBytesPerS
  ) {
    issues.push(
      issue(
        'too_big',
        joinPath(path, 'offChipMemory.sustainedBandwidthBytesPerS'),
        `${sustained} exceeds offChipMemory.bandwidthBytesPerS (${memory.bandwidthBytesPerS}): a sustained ` +
          `bandwidth is at most the published one`,
      ),
    );
  }
  const clock = (chip['technology'] as { sustainedClockHz?: unknown } | undefined)?.sustainedClockHz;
  if (typeof clock === 'number' && typeof chip['clockHz'] === 'number' && clock > chip['clockHz']) {
    issues.push(
      issue(
        'too_big',
        joinPath(path, 'technology.sustainedClockHz'),
        `${clock} exceeds clockHz (${chip['clockHz']}): a sustained clock is at most the clock of the published peaks`,
      ),
    );
  }
}

/** A tensor-core unit's time depends on how GEMMs tile over the SMs, so such a chip must say how (`gpuTiling`). */
function checkGpuTiling(chip: Readonly<Record<string, unknown>>, path: string, issues: Issue[]): void {
  if (chip['gpuTiling'] !== undefined) return;
  const needing = matrixUnitPaths(chip).find(({ kind }) => MATRIX_UNIT_KIND_NEEDS[kind].gpuTiling);
  if (!needing) return;
  issues.push(
    issue(
      'missing_gpu_tiling',
      joinPath(path, 'gpuTiling'),
      `is required because ${needing.path} is a '${needing.kind}' unit: give tileM, tileN, tileK and blocksPerSm`,
    ),
  );
}

/** Only a systolic unit's adders are described per unit; a tensor core's dot-product width is the cost book's. */
function checkProductsPerAdder(chip: Readonly<Record<string, unknown>>, path: string, issues: Issue[]): void {
  for (const { path: unitPath, kind, unit } of matrixUnitPaths(chip)) {
    if (kind === 'systolic') continue;
    const value = (unit as { productsPerAdder?: unknown }).productsPerAdder;
    if (value === undefined) continue;
    issues.push(
      issue(
        'not_systolic',
        joinPath(path, `${unitPath}.productsPerAdder`),
        `${String(value)} is given for a '${kind}' unit: only systolic units take it (a tensor core's dot-product ` +
          'width is the cost book entry area.dotProductWidth)',
      ),
    );
  }
}

/** Paths and kinds of the well-formed matrix units of a chip that may have other problems. */
function matrixUnitPaths(
  chip: Readonly<Record<string, unknown>>,
): Array<{ path: string; kind: MatrixUnitKind; unit: object }> {
  const found: Array<{ path: string; kind: MatrixUnitKind; unit: object }> = [];
  const cores = Array.isArray(chip['cores']) ? (chip['cores'] as unknown[]) : [];
  cores.forEach((core, i) => {
    const units = (core as { matrixUnits?: unknown } | null)?.matrixUnits;
    if (!Array.isArray(units)) return;
    units.forEach((unit: unknown, j) => {
      const kind = (unit as { kind?: unknown } | null)?.kind ?? 'systolic';
      if ((MATRIX_UNIT_KINDS as readonly unknown[]).includes(kind))
        found.push({ path: `cores[${i}].matrixUnits[${j}]`, kind: kind as MatrixUnitKind, unit: unit as object });
    });
  });
  return found;
}

/** `value` as a `ChipSpec`, or every problem with it as a chip description. */
export function parseChipSpec(value: unknown): Result<ChipSpec> {
  const parsed = parse(chipSchema, value);
  if (!parsed.ok) return parsed;
  const issues = checkCitations(parsed.value);
  return issues.length > 0 ? { ok: false, issues } : parsed;
}

/** All problems with `value` as a chip description; empty when it is a valid `ChipSpec`. */
export function validateChip(value: unknown): Issue[] {
  const parsed = parseChipSpec(value);
  return parsed.ok ? [] : [...parsed.issues];
}

function checkCitations(chip: ChipSpec): Issue[] {
  const issues: Issue[] = [];
  for (const [path, c] of Object.entries(chip.citations ?? {})) {
    if (!chip.sources || !(c.source in chip.sources)) {
      issues.push(issue('unknown_source', `citations.${path}.source`, `source '${c.source}' is not listed in sources`));
    }
  }
  return issues;
}

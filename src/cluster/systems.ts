/**
 * System presets (`SystemSpec`): chips joined by network tiers, every number cited like the chip presets.
 * Validation reports every problem with its path; files may start from a preset with `base:`.
 */
import { applyPresetBase, isRecord, parseStructuredText, type Json } from '../arch/load.js';
import { CHIP_PRESETS, chipPresetNames } from '../arch/presets/index.js';
import { CITATION_STATUSES } from '../core/citations.js';
import { formatIssues, issue, TpusimError, unknownNameMessage, type Issue, type Result } from '../core/errors.js';
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
  validate,
  type Assert,
  type Equals,
  type Infer,
  type Schema,
} from '../core/schema.js';
import { DGX_A100, DGX_H100, GB200_NVL72, HGX_H200 } from './systems-gpu.js';
import { TPU_V3_POD, TPU_V4_POD, TPU_V5E_POD, TPU_V5P_POD, TPU_V6E_POD } from './systems-tpu.js';
import { TRANSPORT_PROFILES, type TransportLayer } from './transports.js';
import { TRANSPORTS, type NetworkTier, type SystemSpec, type Transport } from './types.js';

/**
 * What each kind of tier needs (a torus is described by its axes and links, a switched fabric by its
 * injection bandwidth) and which transports run on it (a scale-up switch, a switched network, a torus).
 */
export const TIER_KINDS: Readonly<
  Record<NetworkTier['kind'], { readonly torus: boolean; readonly layer: TransportLayer }>
> = {
  switch: { torus: false, layer: 'scale-up' },
  'fat-tree': { torus: false, layer: 'network' },
  rail: { torus: false, layer: 'network' },
  torus: { torus: true, layer: 'torus' },
  dragonfly: { torus: false, layer: 'network' },
};

/** System presets by name: GPU systems by generation, then TPU pods by generation. */
export const SYSTEM_PRESETS: Readonly<Record<string, SystemSpec>> = {
  'dgx-a100': DGX_A100,
  'dgx-h100': DGX_H100,
  'hgx-h200': HGX_H200,
  'gb200-nvl72': GB200_NVL72,
  'tpu-v3-pod': TPU_V3_POD,
  'tpu-v4-pod': TPU_V4_POD,
  'tpu-v5e-pod': TPU_V5E_POD,
  'tpu-v5p-pod': TPU_V5P_POD,
  'tpu-v6e-pod': TPU_V6E_POD,
};

export const systemPresetNames = (): string[] => Object.keys(SYSTEM_PRESETS);

export function getSystemPreset(name: string): SystemSpec {
  const system = SYSTEM_PRESETS[name];
  if (!system) throw new TpusimError('unknown_system', unknownNameMessage('system', name, systemPresetNames()));
  return system;
}

/** The kinds of tier, in TIER_KINDS's order (messages list them so). */
const TIER_KIND_NAMES = ['switch', 'fat-tree', 'rail', 'torus', 'dragonfly'] as const;
type _TierKindsListed = Assert<Equals<(typeof TIER_KIND_NAMES)[number], NetworkTier['kind']>>;

const bandwidth = number({ above: 0, max: 1e15, unit: 'B/s' });
const axes = <T>(item: Schema<T>): Schema<readonly T[]> => array(item, { minLength: 1, maxLength: 6 });

const tierSchema = object(
  {
    name: string({ minLength: 1 }),
    kind: oneOf(TIER_KIND_NAMES),
    domainChips: number({ integer: true, min: 1, max: 1e9 }),
    bandwidthBytesPerS: bandwidth,
    latencyS: number({ min: 0, max: 1, unit: 's' }),
    dims: optional(axes(number({ integer: true, min: 1, max: 1e6 }))),
    wraparound: optional(axes(boolean())),
    linkBandwidthBytesPerS: optional(bandwidth),
    cube: optional(axes(number({ integer: true, min: 1, max: 1e6 }))),
    twisted: optional(boolean()),
    oversubscription: optional(number({ min: 1, max: 1000 })),
    transport: optional(oneOf(TRANSPORTS)),
  },
  checkTier,
);

const citationSchema = object({
  source: string({ minLength: 1 }),
  where: optional(string()),
  status: oneOf(CITATION_STATUSES),
  note: optional(string()),
});

/**
 * The schema of a system file. `SystemSpec` (cluster/types.ts) stays a documented interface; the checks
 * below make the compiler reject a change to one that the other does not follow.
 */
export const systemSchema = object(
  {
    name: string({ minLength: 1 }),
    description: string(),
    chip: string({ minLength: 1 }),
    chipsPerHost: number({ integer: true, min: 1, max: 1e6 }),
    tiers: array(tierSchema, { minLength: 1, maxLength: 8 }),
    maxChips: number({ integer: true, min: 1, max: 1e9 }),
    sources: optional(record(string())),
    citations: optional(record(citationSchema)),
  },
  checkSystem,
);

// As for chips (arch/validate.ts), citations are checked one way: the statuses a file may use can be
// fewer than `Citation` allows.
type _SystemSpecMatchesSchema = Assert<
  Equals<Omit<Infer<typeof systemSchema>, 'citations'>, Omit<SystemSpec, 'citations'>>
>;
type _SystemCitationsFit = Assert<Infer<typeof systemSchema> extends SystemSpec ? true : false>;

const TORUS_FIELDS = ['dims', 'wraparound', 'linkBandwidthBytesPerS', 'cube', 'twisted'] as const;
const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

/** A tier's transport runs on its kind of tier; a torus names its axes and links. */
function checkTier(tier: Readonly<Record<string, unknown>>, path: string, issues: Issue[]): void {
  const kind = TIER_KINDS[tier['kind'] as NetworkTier['kind']];
  const transport = TRANSPORT_PROFILES[tier['transport'] as Transport] as
    | (typeof TRANSPORT_PROFILES)[Transport]
    | undefined;
  if (kind && transport && transport.layer !== kind.layer) {
    issues.push(
      issue(
        'transport_mismatch',
        joinPath(path, 'transport'),
        `${String(tier['transport'])} runs on ${transport.layer} tiers, not on a ${String(tier['kind'])} tier (` +
          `${kind.layer})`,
      ),
    );
  }
  checkTorus(tier, path, issues);
}

/** A torus names its axes (product = domain) and link bandwidth; other kinds must not. */
function checkTorus(tier: Readonly<Record<string, unknown>>, path: string, issues: Issue[]): void {
  const kind = TIER_KINDS[tier['kind'] as NetworkTier['kind']];
  if (!kind) return;
  if (!kind.torus) {
    for (const f of TORUS_FIELDS)
      if (tier[f] !== undefined)
        issues.push(issue('unexpected_field', joinPath(path, f), `only a torus tier has ${f}`));
    return;
  }
  for (const f of ['dims', 'linkBandwidthBytesPerS'] as const)
    if (tier[f] === undefined) issues.push(issue('missing', joinPath(path, f), 'is required for a torus tier'));
  const dims = tier['dims'];
  if (!isNumberArray(dims)) return;
  const product = dims.reduce((a, b) => a * b, 1);
  if (typeof tier['domainChips'] === 'number' && product !== tier['domainChips']) {
    issues.push(
      issue(
        'bad_dims',
        joinPath(path, 'dims'),
        `${dims.join('x')} = ${product} chips, but domainChips is ${tier['domainChips']}`,
      ),
    );
  }
  for (const f of ['wraparound', 'cube'] as const) {
    const v = tier[f];
    if (Array.isArray(v) && v.length !== dims.length)
      issues.push(issue('bad_length', joinPath(path, f), `has ${v.length} entries for ${dims.length} axes`));
  }
  const cube = tier['cube'];
  if (isNumberArray(cube)) {
    cube.forEach((c, i) => {
      const d = dims[i];
      if (d !== undefined && d % c !== 0)
        issues.push(issue('bad_cube', joinPath(path, `cube[${i}]`), `${c} does not divide the axis length ${d}`));
    });
  }
}

/**
 * Domains grow outward and divide each other, the outermost spans `maxChips`, hosts sit inside the innermost, the chip
 * is known.
 */
function checkSystem(system: Readonly<Record<string, unknown>>, path: string, issues: Issue[]): void {
  const tiers = Array.isArray(system['tiers']) ? (system['tiers'] as unknown[]) : [];
  const domains = tiers.map((t) => (t as { domainChips?: unknown } | null)?.domainChips);
  domains.forEach((d, i) => {
    const inner = domains[i - 1];
    if (i === 0 || typeof d !== 'number' || typeof inner !== 'number') return;
    const where = joinPath(path, `tiers[${i}].domainChips`);
    if (d <= inner) issues.push(issue('not_growing', where, `${d} chips must exceed the inner tier's ${inner}`));
    else if (d % inner !== 0)
      issues.push(issue('not_divisible', where, `${d} chips is not a multiple of the inner tier's ${inner}`));
  });
  const outer = domains[domains.length - 1];
  const maxChips = system['maxChips'];
  if (typeof outer === 'number' && typeof maxChips === 'number' && outer !== maxChips) {
    issues.push(
      issue(
        'bad_max_chips',
        joinPath(path, 'maxChips'),
        `${maxChips} differs from the outermost tier's ${outer} chips`,
      ),
    );
  }
  const host = system['chipsPerHost'];
  const first = domains[0];
  if (typeof host === 'number' && typeof first === 'number' && first % host !== 0 && host % first !== 0) {
    issues.push(
      issue(
        'host_straddles',
        joinPath(path, 'chipsPerHost'),
        `${host} chips per host neither divides nor is a multiple of tiers[0].domainChips ${first}`,
      ),
    );
  }
  const chip = system['chip'];
  if (typeof chip === 'string' && chip.length > 0 && !(chip in CHIP_PRESETS)) {
    issues.push(issue('unknown_chip', joinPath(path, 'chip'), unknownNameMessage('chip', chip, chipPresetNames())));
  }
  // The schema reports a `sources` that is not a record; here it only names what citations may cite.
  const listed = system['sources'];
  const sources = (listed !== null && typeof listed === 'object' && !Array.isArray(listed) ? listed : {}) as Record<
    string,
    unknown
  >;
  for (const [field, c] of Object.entries((system['citations'] ?? {}) as Record<string, { source?: unknown }>)) {
    if (typeof c?.source === 'string' && !(c.source in sources)) {
      issues.push(
        issue(
          'unknown_source',
          joinPath(path, `citations.${field}.source`),
          `source '${c.source}' is not listed in sources`,
        ),
      );
    }
  }
}

/** All problems with `value` as a system description; empty when it is a valid `SystemSpec`. */
export function validateSystem(value: unknown): Issue[] {
  return validate(systemSchema, value);
}

/**
 * A file's fields over its `base` preset. Arrays merge by index: the file's `tiers[0]` merges over the
 * preset's `tiers[0]`, and the preset's tiers past the end of the file's list are kept, so overriding
 * the scale-up tier keeps the scale-out one, unless the file's tiers already span its `maxChips` (a file
 * without `base` lists every tier itself).
 */
function applyBase(raw: Record<string, Json>): Result<Record<string, Json>> {
  const based = applyPresetBase(raw, SYSTEM_PRESETS, (base) => unknownNameMessage('system', base, systemPresetNames()));
  const preset = typeof raw['base'] === 'string' ? SYSTEM_PRESETS[raw['base']] : undefined;
  if (!based.ok || !preset || !Array.isArray(based.value['tiers'])) return based;
  const tiers = based.value['tiers'];
  // Tiers past the file's own list are kept only while the system needs them: a file whose tiers already
  // span its `maxChips` (one 8-GPU node, say) describes the whole system.
  const last = tiers[tiers.length - 1];
  const span = last !== null && typeof last === 'object' && !Array.isArray(last) ? last['domainChips'] : undefined;
  const maxChips = based.value['maxChips'];
  if (typeof span === 'number' && typeof maxChips === 'number' && span >= maxChips) return based;
  const kept = preset.tiers.slice(tiers.length).flatMap((tier): Json[] => (isRecord(tier) ? [tier] : []));
  return { ok: true, value: { ...based.value, tiers: [...tiers, ...kept] } };
}

/** A system from JSON/YAML text: parse, apply `base`, validate. */
export function parseSystem(text: string, fileName = 'system'): Result<SystemSpec> {
  const parsed = parseStructuredText(text, fileName);
  if (!parsed.ok) return parsed;
  if (!isRecord(parsed.value))
    return { ok: false, issues: [issue('invalid_type', '', `${fileName}: expected a mapping of system fields`)] };
  const based = applyBase(parsed.value);
  if (!based.ok) return based;
  return parse(systemSchema, based.value);
}

/** Throwing variant of `parseSystem`. */
export function loadSystem(text: string, fileName = 'system'): SystemSpec {
  const result = parseSystem(text, fileName);
  if (!result.ok)
    throw new TpusimError('invalid_system', `${fileName} is not a valid system:\n${formatIssues(result.issues)}`, {
      issues: result.issues,
    });
  return result.value;
}

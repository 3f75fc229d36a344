/**
 * System presets (`SystemSpec`): chips joined by network tiers, every number cited like the chip presets.
 * Validation reports every problem with its path; files may start from a preset with `base:`.
 */
import type { Citation, CitationStatus } from '../arch/chip-spec.js';
import { applyPresetBase, isRecord, parseStructuredText, type Json } from '../arch/load.js';
import { CHIP_PRESETS, chipPresetNames } from '../arch/presets/index.js';
import { SOURCES } from '../arch/presets/sources.js';
import { formatIssues, issue, TpusimError, unknownNameMessage, type Issue, type Result } from '../core/errors.js';
import { array, boolean, joinPath, number, object, oneOf, optional, record, string, validate, type Schema } from '../core/schema.js';
import type { NetworkTier, SystemSpec } from './types.js';

/** What each kind of tier needs: a torus is described by its axes and links, a switched fabric by its injection bandwidth. */
export const TIER_KINDS: Readonly<Record<NetworkTier['kind'], { readonly torus: boolean }>> = {
  switch: { torus: false },
  'fat-tree': { torus: false },
  rail: { torus: false },
  torus: { torus: true },
  dragonfly: { torus: false },
};

const SYSTEM_SOURCES = {
  jouppi2023: SOURCES.jouppi2023,
  scalingBook: SOURCES.scalingBook,
  gcloudV5p: SOURCES.gcloudV5p,
  nvidiaH100: SOURCES.nvidiaH100,
  nvidiaBlackwell: SOURCES.nvidiaBlackwell,
  tpusim: SOURCES.tpusim,
  dgxA100:
    'NVIDIA DGX A100 datasheet and "NVIDIA DGX SuperPOD: Scalable Infrastructure for AI Leadership" reference architecture with DGX A100 (8 x ConnectX-6 HDR 200 Gb/s per system, rail-optimised non-blocking fat tree)',
  selene: 'NVIDIA Selene (DGX SuperPOD of DGX A100), TOP500 list November 2020 and NVIDIA announcements: 560 DGX A100 systems',
  dgxH100:
    'NVIDIA, "DGX SuperPOD: Next Generation Scalable Infrastructure for AI Leadership", reference architecture featuring DGX H100, RA-11333-001 (2023)',
  dgxGb200:
    'NVIDIA, "DGX SuperPOD ... Reference Architecture Featuring NVIDIA DGX GB200", https://docs.nvidia.com/dgx-superpod/reference-architecture-scalable-infrastructure-gb200/',
  nccl: 'NVIDIA NCCL, src/graph/tuning.cc (per-step latencies hwLat, ring and tree bandwidth model), https://github.com/NVIDIA/nccl',
} as const;

type SystemSourceKey = keyof typeof SYSTEM_SOURCES;

function cite(source: SystemSourceKey, where: string, status: CitationStatus = 'published', note?: string): Citation {
  return note === undefined ? { source, where, status } : { source, where, status, note };
}

/** A preset with `sources` listing exactly the sources its citations use. */
function withSources(spec: Omit<SystemSpec, 'sources'>): SystemSpec {
  const keys = [...new Set(Object.values(spec.citations ?? {}).map((c) => c.source))].sort();
  return { ...spec, sources: Object.fromEntries(keys.map((k) => [k, SYSTEM_SOURCES[k as SystemSourceKey]])) };
}

const NVLINK_LATENCY = cite('nccl', 'hwLat, NVLink ring step (LL protocol)', 'estimate', "NCCL's model of one ring step over NVLink (0.47 us); no hardware figure is published");
const IB_LATENCY = cite('nccl', 'hwLat, network ring step (LL protocol)', 'estimate', "NCCL's model of one ring step over the network (2.7 us), software included");
const ICI_LATENCY = cite('scalingBook', "Part 3 (sharding), 'A note on ICI latency': each ICI hop costs typically around 1 us");
const DCN_LATENCY = cite('tpusim', '', 'estimate', 'not published; PCIe to the host, NIC, a few Ethernet switch hops and back: order 10 us one way');
const DCN_BANDWIDTH = cite('scalingBook', "Part 2 (TPUs): 'DCN bandwidth is typically around 6.25e9 bytes / second per TPU'", 'published', 'a typical figure (25 GB/s per host of 4 chips), not a per-generation specification');
const NON_BLOCKING = (source: SystemSourceKey): Citation => cite(source, 'compute fabric: full non-blocking fat tree', 'derived', 'non-blocking, so 1');
const PODS = 16;
const PODS_NOTE = `not a published limit: the DCN tier is sized for ${PODS} pods; larger systems repeat the outermost tier`;

const DGX_A100 = withSources({
  name: 'dgx-a100',
  description: 'NVIDIA DGX A100 SuperPOD like Selene: 8 A100 per node on NVSwitch (NVLink 3), 8 x 200 Gb/s HDR InfiniBand per node, rail-optimised',
  chip: 'a100',
  chipsPerHost: 8,
  tiers: [
    { name: 'nvlink', kind: 'switch', domainChips: 8, bandwidthBytesPerS: 300e9, latencyS: 0.47e-6 },
    { name: 'infiniband', kind: 'rail', domainChips: 4480, bandwidthBytesPerS: 25e9, latencyS: 2.7e-6, oversubscription: 1 },
  ],
  maxChips: 4480,
  citations: {
    chip: cite('dgxA100', 'DGX A100: eight A100 SXM4 GPUs'),
    chipsPerHost: cite('dgxA100', 'DGX A100: eight GPUs per system'),
    'tiers[0].kind': cite('dgxA100', 'six NVSwitches join the eight GPUs all-to-all'),
    'tiers[0].domainChips': cite('dgxA100', 'NVSwitch domain of one DGX A100 (8 GPUs)'),
    'tiers[0].bandwidthBytesPerS': cite('jouppi2023', "Table 5: A100 '12 links @ 25 GB/s'", 'derived', '12 x 25 GB/s per direction (600 GB/s bidirectional)'),
    'tiers[0].latencyS': NVLINK_LATENCY,
    'tiers[1].kind': cite('dgxA100', 'compute fabric: rail-optimised fat tree, GPU i of every node on rail i'),
    'tiers[1].domainChips': cite('selene', '560 DGX A100', 'derived', 'one fat tree over the whole system: 560 x 8 GPUs'),
    'tiers[1].bandwidthBytesPerS': cite('dgxA100', 'one ConnectX-6 HDR 200 Gb/s adapter per GPU', 'derived', '200 Gb/s / 8 bits, per direction'),
    'tiers[1].latencyS': IB_LATENCY,
    'tiers[1].oversubscription': NON_BLOCKING('dgxA100'),
    maxChips: cite('selene', '560 DGX A100 x 8 GPUs', 'derived', '4,480 A100 after the late-2020 expansion (280 systems at the June 2020 debut); not re-checked here'),
  },
});

const DGX_H100 = withSources({
  name: 'dgx-h100',
  description: 'NVIDIA DGX H100 SuperPOD: 8 H100 per node on NVSwitch (NVLink 4), 8 x 400 Gb/s NDR InfiniBand per node, rail-optimised',
  chip: 'h100-sxm',
  chipsPerHost: 8,
  tiers: [
    { name: 'nvlink', kind: 'switch', domainChips: 8, bandwidthBytesPerS: 450e9, latencyS: 0.47e-6 },
    { name: 'infiniband', kind: 'rail', domainChips: 16384, bandwidthBytesPerS: 50e9, latencyS: 2.7e-6, oversubscription: 1 },
  ],
  maxChips: 16384,
  citations: {
    chip: cite('dgxH100', 'DGX H100: eight H100 SXM5 GPUs'),
    chipsPerHost: cite('dgxH100', 'DGX H100: eight GPUs, four NVSwitch chips'),
    'tiers[0].kind': cite('dgxH100', 'four NVSwitch chips join the eight GPUs'),
    'tiers[0].domainChips': cite('dgxH100', 'NVSwitch domain of one DGX H100 (8 GPUs)'),
    'tiers[0].bandwidthBytesPerS': cite('nvidiaH100', 'NVLink 4: 900 GB/s bidirectional per GPU (18 links)', 'derived', '900 GB/s / 2 directions'),
    'tiers[0].latencyS': NVLINK_LATENCY,
    'tiers[1].kind': cite('dgxH100', 'compute fabric: rail-optimised full fat tree of NDR InfiniBand'),
    'tiers[1].domainChips': cite('dgxH100', "'up to and beyond 64 SU with 2000+ DGX H100 nodes'; an SU is 32 DGX H100", 'derived', '64 SUs x 32 nodes x 8 GPUs; the fully tested design is 4 SUs (127 nodes)'),
    'tiers[1].bandwidthBytesPerS': cite('dgxH100', 'eight single-port ConnectX-7, 400 Gb/s NDR, one per GPU', 'derived', '400 Gb/s / 8 bits, per direction'),
    'tiers[1].latencyS': IB_LATENCY,
    'tiers[1].oversubscription': NON_BLOCKING('dgxH100'),
    maxChips: cite('dgxH100', '64 SUs of 32 DGX H100', 'derived', '64 x 32 x 8 GPUs'),
  },
});

const GB200_NVL72 = withSources({
  name: 'gb200-nvl72',
  description: 'NVIDIA DGX GB200 SuperPOD: 72 Blackwell GPUs per NVLink 5 domain (NVL72 rack), one 400 Gb/s NDR InfiniBand port per GPU',
  chip: 'b200',
  chipsPerHost: 4,
  tiers: [
    { name: 'nvlink', kind: 'switch', domainChips: 72, bandwidthBytesPerS: 900e9, latencyS: 0.47e-6 },
    { name: 'infiniband', kind: 'rail', domainChips: 9216, bandwidthBytesPerS: 50e9, latencyS: 2.7e-6, oversubscription: 1 },
  ],
  maxChips: 9216,
  citations: {
    chip: cite('nvidiaBlackwell', 'GB200: Blackwell GPU at 1200 W', 'estimate', "the closest preset: b200 is HGX B200 at 1000 W (2.25 PFLOPS dense bf16); GB200's Blackwell runs at 2.5"),
    chipsPerHost: cite('dgxGb200', 'network fabrics: 18 compute trays per 72-GPU rack', 'derived', '72 / 18 = 4 GPUs (2 GB200 superchips) per tray'),
    'tiers[0].kind': cite('dgxGb200', 'network fabrics: 9 NVLink switch trays give full-mesh connectivity between all 72 GPUs'),
    'tiers[0].domainChips': cite('dgxGb200', 'one NVLink domain per DGX GB200 rack (72 GPUs)'),
    'tiers[0].bandwidthBytesPerS': cite('dgxGb200', "network fabrics: 18 NVL5 links per GPU, 'a total bandwidth of 1.8 TB/s'", 'derived', '1.8 TB/s bidirectional / 2 directions'),
    'tiers[0].latencyS': NVLINK_LATENCY,
    'tiers[1].kind': cite('dgxGb200', 'compute InfiniBand fabric, rail-optimised'),
    'tiers[1].domainChips': cite('dgxGb200', "'up to and beyond 128 racks with 9216 GPUs'"),
    'tiers[1].bandwidthBytesPerS': cite('dgxGb200', 'compute fabric: NDR 400 Gb/s InfiniBand, one ConnectX-7 port per GPU', 'derived', '400 Gb/s / 8 bits per direction; GB300 NVL72 moves to ConnectX-8 at 800 Gb/s per GPU'),
    'tiers[1].latencyS': IB_LATENCY,
    'tiers[1].oversubscription': NON_BLOCKING('dgxGb200'),
    maxChips: cite('dgxGb200', "'128 racks with 9216 GPUs'"),
  },
});

/** A TPU pod's ICI: a 3D torus of 4x4x4 cubes wrapping around every axis (cited in each preset), then DCN joining the pods. */
function tpuPodTiers(podChips: number, dims: readonly number[], bandwidthBytesPerS: number, linkBandwidthBytesPerS: number): NetworkTier[] {
  return [
    { name: 'ici', kind: 'torus', domainChips: podChips, bandwidthBytesPerS, latencyS: 1e-6, dims, wraparound: [true, true, true], linkBandwidthBytesPerS, cube: [4, 4, 4] },
    { name: 'dcn', kind: 'fat-tree', domainChips: PODS * podChips, bandwidthBytesPerS: 6.25e9, latencyS: 10e-6 },
  ];
}

const TPU_V4_POD = withSources({
  name: 'tpu-v4-pod',
  description: 'Google TPU v4 pods: 4096 chips in a 16x16x16 3D torus of 4x4x4 cubes joined by optical circuit switches, pods joined by DCN',
  chip: 'tpu-v4',
  chipsPerHost: 4,
  tiers: tpuPodTiers(4096, [16, 16, 16], 300e9, 50e9),
  maxChips: PODS * 4096,
  citations: {
    chip: cite('jouppi2023', 'TPU v4 supercomputer'),
    chipsPerHost: cite('jouppi2023', "Table 4: 'Chips per CPU host: 4'"),
    'tiers[0].kind': cite('jouppi2023', 'Section 2: 3D torus of 4x4x4 blocks joined by 48 OCSes'),
    'tiers[0].domainChips': cite('jouppi2023', "Table 4: 'Largest scale configuration: 4096 chips'"),
    'tiers[0].bandwidthBytesPerS': cite('jouppi2023', "Table 4: '6 links @ 50 GB/s'", 'derived', '6 links x 50 GB/s per direction'),
    'tiers[0].latencyS': ICI_LATENCY,
    'tiers[0].dims': cite('scalingBook', "Part 2 (TPUs): the largest pod is '16x16x16 for TPU v4'"),
    'tiers[0].wraparound': cite('jouppi2023', 'Section 2: opposing cube faces go to the same OCS for wraparound'),
    'tiers[0].linkBandwidthBytesPerS': cite('jouppi2023', "Table 4: '6 links @ 50 GB/s'; Section 7.3: ICI link 400 Gbit/s vs InfiniBand 200 Gbit/s", 'published', 'per direction, as the 200 Gbit/s InfiniBand it is compared with; the scaling book uses 4.5e10 one-way'),
    'tiers[0].cube': cite('jouppi2023', 'Section 2: a rack is a 4x4x4 block of 64 chips'),
    'tiers[1].kind': cite('scalingBook', 'Part 2 (TPUs): slices talk over data-centre networking (DCN), host to host'),
    'tiers[1].domainChips': cite('tpusim', '', 'estimate', PODS_NOTE),
    'tiers[1].bandwidthBytesPerS': DCN_BANDWIDTH,
    'tiers[1].latencyS': DCN_LATENCY,
    maxChips: cite('tpusim', '', 'estimate', `${PODS_NOTE}; PaLM trained on 2 v4 pods (6144 chips) over DCN`),
  },
});

const TPU_V5P_POD = withSources({
  name: 'tpu-v5p-pod',
  description: 'Google TPU v5p pods: 8960 chips in a 16x20x28 3D torus of 4x4x4 cubes joined by optical circuit switches, pods joined by DCN',
  chip: 'tpu-v5p',
  chipsPerHost: 4,
  tiers: tpuPodTiers(8960, [16, 20, 28], 600e9, 100e9),
  maxChips: PODS * 8960,
  citations: {
    chip: cite('gcloudV5p', 'TPU v5p pod'),
    chipsPerHost: cite('scalingBook', 'Part 2 (TPUs), specs table: v5p host size 2x2x1'),
    'tiers[0].kind': cite('gcloudV5p', 'system architecture: 3D torus'),
    'tiers[0].domainChips': cite('gcloudV5p', 'system architecture: 8960 chips per pod'),
    'tiers[0].bandwidthBytesPerS': cite('gcloudV5p', 'ICI bandwidth per chip: 1200 GB/s bidirectional', 'derived', '1200 GB/s / 2 directions'),
    'tiers[0].latencyS': ICI_LATENCY,
    'tiers[0].dims': cite('scalingBook', "Part 2 (TPUs): the largest pod is '16x20x28 for TPU v5p'"),
    'tiers[0].wraparound': cite('scalingBook', 'Part 2 (TPUs): training chips (v*p) wrap around every axis that is a multiple of 4'),
    'tiers[0].linkBandwidthBytesPerS': cite('gcloudV5p', 'ICI: 1200 GB/s bidirectional per chip over 6 ports', 'derived', '1200 / 6 / 2 = 100 GB/s per direction, as the tpu-v5p chip preset; the scaling book uses 9e10 one-way'),
    'tiers[0].cube': cite('scalingBook', 'Part 2 (TPUs): pods are reconfigurable cubes of 4x4x4 chips joined by optical wraparound links'),
    'tiers[1].kind': cite('scalingBook', 'Part 5 (training), Scaling Across Pods: hosts join pods over Ethernet'),
    'tiers[1].domainChips': cite('tpusim', '', 'estimate', PODS_NOTE),
    'tiers[1].bandwidthBytesPerS': DCN_BANDWIDTH,
    'tiers[1].latencyS': DCN_LATENCY,
    maxChips: cite('tpusim', '', 'estimate', `${PODS_NOTE}; Cloud limits one ICI slice to 6144 chips`),
  },
});

/** System presets by name: GPU SuperPODs, then TPU pods. */
export const SYSTEM_PRESETS: Readonly<Record<string, SystemSpec>> = {
  'dgx-a100': DGX_A100,
  'dgx-h100': DGX_H100,
  'gb200-nvl72': GB200_NVL72,
  'tpu-v4-pod': TPU_V4_POD,
  'tpu-v5p-pod': TPU_V5P_POD,
};

export const systemPresetNames = (): string[] => Object.keys(SYSTEM_PRESETS);

export function getSystemPreset(name: string): SystemSpec {
  const system = SYSTEM_PRESETS[name];
  if (!system) throw new TpusimError('unknown_system', unknownNameMessage('system', name, systemPresetNames()));
  return system;
}

const bandwidth = number({ above: 0, max: 1e15, unit: 'B/s' });
const axes = (item: Schema): Schema => array(item, { minLength: 1, maxLength: 6 });

const tierSchema = object(
  {
    name: string({ minLength: 1 }),
    kind: oneOf(Object.keys(TIER_KINDS)),
    domainChips: number({ integer: true, min: 1, max: 1e9 }),
    bandwidthBytesPerS: bandwidth,
    latencyS: number({ min: 0, max: 1, unit: 's' }),
    dims: optional(axes(number({ integer: true, min: 1, max: 1e6 }))),
    wraparound: optional(axes(boolean())),
    linkBandwidthBytesPerS: optional(bandwidth),
    cube: optional(axes(number({ integer: true, min: 1, max: 1e6 }))),
    twisted: optional(boolean()),
    oversubscription: optional(number({ min: 1, max: 1000 })),
  },
  checkTorus,
);

const citationSchema = object({
  source: string({ minLength: 1 }),
  where: optional(string()),
  status: oneOf(['published', 'derived', 'estimate']),
  note: optional(string()),
});

export const systemSchema: Schema = object(
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

const TORUS_FIELDS = ['dims', 'wraparound', 'linkBandwidthBytesPerS', 'cube', 'twisted'] as const;
const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

/** A torus names its axes (product = domain) and link bandwidth; other kinds must not. */
function checkTorus(tier: Readonly<Record<string, unknown>>, path: string, issues: Issue[]): void {
  const kind = TIER_KINDS[tier['kind'] as NetworkTier['kind']];
  if (!kind) return;
  if (!kind.torus) {
    for (const f of TORUS_FIELDS) if (tier[f] !== undefined) issues.push(issue('unexpected_field', joinPath(path, f), `only a torus tier has ${f}`));
    return;
  }
  for (const f of ['dims', 'linkBandwidthBytesPerS'] as const) if (tier[f] === undefined) issues.push(issue('missing', joinPath(path, f), 'is required for a torus tier'));
  const dims = tier['dims'];
  if (!isNumberArray(dims)) return;
  const product = dims.reduce((a, b) => a * b, 1);
  if (typeof tier['domainChips'] === 'number' && product !== tier['domainChips']) {
    issues.push(issue('bad_dims', joinPath(path, 'dims'), `${dims.join('x')} = ${product} chips, but domainChips is ${tier['domainChips']}`));
  }
  for (const f of ['wraparound', 'cube'] as const) {
    const v = tier[f];
    if (Array.isArray(v) && v.length !== dims.length) issues.push(issue('bad_length', joinPath(path, f), `has ${v.length} entries for ${dims.length} axes`));
  }
  const cube = tier['cube'];
  if (isNumberArray(cube)) {
    cube.forEach((c, i) => {
      const d = dims[i];
      if (d !== undefined && d % c !== 0) issues.push(issue('bad_cube', joinPath(path, `cube[${i}]`), `${c} does not divide the axis length ${d}`));
    });
  }
}

/** Domains grow outward and divide each other, the outermost spans `maxChips`, hosts sit inside the innermost, the chip is known. */
function checkSystem(system: Readonly<Record<string, unknown>>, path: string, issues: Issue[]): void {
  const tiers = Array.isArray(system['tiers']) ? (system['tiers'] as unknown[]) : [];
  const domains = tiers.map((t) => (t as { domainChips?: unknown } | null)?.domainChips);
  domains.forEach((d, i) => {
    const inner = domains[i - 1];
    if (i === 0 || typeof d !== 'number' || typeof inner !== 'number') return;
    const where = joinPath(path, `tiers[${i}].domainChips`);
    if (d <= inner) issues.push(issue('not_growing', where, `${d} chips must exceed the inner tier's ${inner}`));
    else if (d % inner !== 0) issues.push(issue('not_divisible', where, `${d} chips is not a multiple of the inner tier's ${inner}`));
  });
  const outer = domains[domains.length - 1];
  const maxChips = system['maxChips'];
  if (typeof outer === 'number' && typeof maxChips === 'number' && outer !== maxChips) {
    issues.push(issue('bad_max_chips', joinPath(path, 'maxChips'), `${maxChips} differs from the outermost tier's ${outer} chips`));
  }
  const host = system['chipsPerHost'];
  const first = domains[0];
  if (typeof host === 'number' && typeof first === 'number' && first % host !== 0 && host % first !== 0) {
    issues.push(issue('host_straddles', joinPath(path, 'chipsPerHost'), `${host} chips per host neither divides nor is a multiple of tiers[0].domainChips ${first}`));
  }
  const chip = system['chip'];
  if (typeof chip === 'string' && chip.length > 0 && !(chip in CHIP_PRESETS)) {
    issues.push(issue('unknown_chip', joinPath(path, 'chip'), unknownNameMessage('chip', chip, chipPresetNames())));
  }
  const sources = (system['sources'] ?? {}) as Record<string, unknown>;
  for (const [field, c] of Object.entries((system['citations'] ?? {}) as Record<string, { source?: unknown }>)) {
    if (typeof c?.source === 'string' && !(c.source in sources)) {
      issues.push(issue('unknown_source', joinPath(path, `citations.${field}.source`), `source '${c.source}' is not listed in sources`));
    }
  }
}

/** All problems with `value` as a system description; empty when it is a valid `SystemSpec`. */
export function validateSystem(value: unknown): Issue[] {
  return validate(systemSchema, value);
}

const applyBase = (raw: Record<string, Json>): Result<Record<string, Json>> => applyPresetBase(raw, SYSTEM_PRESETS, (base) => unknownNameMessage('system', base, systemPresetNames()));

/** A system from JSON/YAML text: parse, apply `base`, validate. */
export function parseSystem(text: string, fileName = 'system'): Result<SystemSpec> {
  const parsed = parseStructuredText(text, fileName);
  if (!parsed.ok) return parsed;
  if (!isRecord(parsed.value)) return { ok: false, issues: [issue('invalid_type', '', `${fileName}: expected a mapping of system fields`)] };
  const based = applyBase(parsed.value);
  if (!based.ok) return based;
  const issues = validateSystem(based.value);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: based.value as unknown as SystemSpec };
}

/** Throwing variant of `parseSystem`. */
export function loadSystem(text: string, fileName = 'system'): SystemSpec {
  const result = parseSystem(text, fileName);
  if (!result.ok) throw new TpusimError('invalid_system', `${fileName} is not a valid system:\n${formatIssues(result.issues)}`, { issues: result.issues });
  return result.value;
}

/** GPU system presets: NVIDIA nodes on NVSwitch joined by rail-optimised fabrics, every number cited. */
import type { Citation } from '../arch/chip-spec.js';
import type { SourceKey } from '../core/citations.js';
import { mergeOverrides, type Overrides } from '../arch/merge.js';
import type { NetworkTier, SystemSpec, Transport } from './types.js';
import { cite, IB_LATENCY, NON_BLOCKING, NVLINK_LATENCY, withSources } from './system-sources.js';

/** An NVSwitch domain, every GPU reaching every other over NVLink, at NCCL's NVLink step latency (NVLINK_LATENCY). */
function nvlinkTier(domainChips: number, bandwidthBytesPerS: number): NetworkTier {
  return { name: 'nvlink', kind: 'switch', domainChips, bandwidthBytesPerS, latencyS: 0.47e-6, transport: 'nvlink' };
}

/** A rail-optimised, non-blocking scale-out fabric at NCCL's network step latency (IB_LATENCY). */
function railTier(name: string, transport: Transport, domainChips: number, bandwidthBytesPerS: number): NetworkTier {
  return { name, kind: 'rail', domainChips, bandwidthBytesPerS, latencyS: 2.7e-6, oversubscription: 1, transport };
}

/** What a preset cites itself for one of its tiers. */
interface TierCitations {
  readonly kind: Citation;
  readonly domainChips: Citation;
  readonly bandwidthBytesPerS: Citation;
  readonly transport: Citation;
}

/** Citations of tiers[i], keyed by path in the order given. */
function citeTier(i: number, c: Readonly<Record<string, Citation>>): Record<string, Citation> {
  return Object.fromEntries(Object.entries(c).map(([field, citation]) => [`tiers[${i}].${field}`, citation]));
}

/** Citations of an `nvlinkTier` as tiers[0]. */
function citeNvlinkTier({ kind, domainChips, bandwidthBytesPerS, transport }: TierCitations): Record<string, Citation> {
  return citeTier(0, { kind, domainChips, bandwidthBytesPerS, latencyS: NVLINK_LATENCY, transport });
}

/** Citations of a `railTier` as tiers[1]; `source` says the fabric is non-blocking. */
function citeRailTier(
  source: SourceKey,
  { kind, domainChips, bandwidthBytesPerS, transport }: TierCitations,
): Record<string, Citation> {
  return citeTier(1, {
    transport,
    kind,
    domainChips,
    bandwidthBytesPerS,
    latencyS: IB_LATENCY,
    oversubscription: NON_BLOCKING(source),
  });
}

/**
 * A system declared as `base` plus `overrides`, merged as a system file's `base:` is (objects key by key,
 * arrays element by element); `citations` replace the base's at the same paths.
 */
function deriveSystem(
  base: SystemSpec,
  overrides: Overrides<SystemSpec> & { readonly name: string },
  citations: Readonly<Record<string, Citation>>,
): SystemSpec {
  return withSources({ ...mergeOverrides(base, overrides), citations: { ...base.citations, ...citations } });
}

export const DGX_A100 = withSources({
  name: 'dgx-a100',
  description:
    'NVIDIA DGX A100 SuperPOD like Selene: 8 A100 per node on NVSwitch (NVLink 3), 8 x 200 Gb/s HDR InfiniBand ' +
    'per node, rail-optimised',
  chip: 'a100',
  chipsPerHost: 8,
  tiers: [nvlinkTier(8, 300e9), railTier('infiniband', 'infiniband', 4480, 25e9)],
  maxChips: 4480,
  citations: {
    chip: cite('dgxA100', 'DGX A100: eight A100 SXM4 GPUs'),
    chipsPerHost: cite('dgxA100', 'DGX A100: eight GPUs per system'),
    ...citeNvlinkTier({
      kind: cite('dgxA100', 'six NVSwitches join the eight GPUs all-to-all'),
      domainChips: cite('dgxA100', 'NVSwitch domain of one DGX A100 (8 GPUs)'),
      bandwidthBytesPerS: cite(
        'jouppi2023',
        "Table 5: A100 '12 links @ 25 GB/s'",
        'derived',
        '12 x 25 GB/s per direction (600 GB/s bidirectional)',
      ),
      transport: cite('dgxA100', 'NVLink 3 through NVSwitch'),
    }),
    ...citeRailTier('dgxA100', {
      kind: cite('dgxA100', 'compute fabric: rail-optimised fat tree, GPU i of every node on rail i'),
      domainChips: cite('selene', '560 DGX A100', 'derived', 'one fat tree over the whole system: 560 x 8 GPUs'),
      bandwidthBytesPerS: cite(
        'dgxA100',
        'one ConnectX-6 HDR 200 Gb/s adapter per GPU',
        'derived',
        '200 Gb/s / 8 bits, per direction',
      ),
      transport: cite('dgxA100', 'ConnectX-6 HDR InfiniBand'),
    }),
    maxChips: cite(
      'selene',
      '560 DGX A100 x 8 GPUs',
      'derived',
      '4,480 A100 after the late-2020 expansion (280 systems at the June 2020 debut); not re-checked here',
    ),
  },
});

/**
 * A DGX H100 SuperPOD is the DGX A100 one a generation on: the same node and fabric with faster links and more nodes.
 */
export const DGX_H100 = deriveSystem(
  DGX_A100,
  {
    name: 'dgx-h100',
    description:
      'NVIDIA DGX H100 SuperPOD: 8 H100 per node on NVSwitch (NVLink 4), 8 x 400 Gb/s NDR InfiniBand per node, ' +
      'rail-optimised',
    chip: 'h100-sxm',
    tiers: [{ bandwidthBytesPerS: 450e9 }, { domainChips: 16384, bandwidthBytesPerS: 50e9 }],
    maxChips: 16384,
  },
  {
    chip: cite('dgxH100', 'DGX H100: eight H100 SXM5 GPUs'),
    chipsPerHost: cite('dgxH100', 'DGX H100: eight GPUs, four NVSwitch chips'),
    ...citeNvlinkTier({
      kind: cite('dgxH100', 'four NVSwitch chips join the eight GPUs'),
      domainChips: cite('dgxH100', 'NVSwitch domain of one DGX H100 (8 GPUs)'),
      bandwidthBytesPerS: cite(
        'nvidiaH100',
        'NVLink 4: 900 GB/s bidirectional per GPU (18 links)',
        'derived',
        '900 GB/s / 2 directions',
      ),
      transport: cite('dgxH100', 'NVLink 4 through NVSwitch'),
    }),
    ...citeRailTier('dgxH100', {
      kind: cite('dgxH100', 'compute fabric: rail-optimised full fat tree of NDR InfiniBand'),
      domainChips: cite(
        'dgxH100',
        "'up to and beyond 64 SU with 2000+ DGX H100 nodes'; an SU is 32 DGX H100",
        'derived',
        '64 SUs x 32 nodes x 8 GPUs; the fully tested design is 4 SUs (127 nodes)',
      ),
      bandwidthBytesPerS: cite(
        'dgxH100',
        'eight single-port ConnectX-7, 400 Gb/s NDR, one per GPU',
        'derived',
        '400 Gb/s / 8 bits, per direction',
      ),
      transport: cite('dgxH100', 'ConnectX-7 NDR InfiniBand'),
    }),
    maxChips: cite('dgxH100', '64 SUs of 32 DGX H100', 'derived', '64 x 32 x 8 GPUs'),
  },
);

export const HGX_H200 = withSources({
  name: 'hgx-h200',
  description:
    'NVIDIA HGX H200 AI factory: 8 H200 per node on NVSwitch (NVLink 4), 400 Gb/s per GPU (8 NICs per node), ' +
    'rail-optimised non-blocking fabric, up to 128 nodes',
  chip: 'h200',
  chipsPerHost: 8,
  tiers: [nvlinkTier(8, 450e9), railTier('network', 'roce', 1024, 50e9)],
  maxChips: 1024,
  citations: {
    chip: cite('nvidiaH200', 'HGX H200: eight H200 SXM GPUs'),
    chipsPerHost: cite('hgxAiFactory', "'2-8-9-400': 2 CPUs and 8 GPUs per HGX node"),
    ...citeNvlinkTier({
      kind: cite('nvidiaH200', 'HGX H200: NVLink and NVSwitch join the eight GPUs'),
      domainChips: cite('hgxAiFactory', 'eight GPUs per node on NVLink'),
      bandwidthBytesPerS: cite(
        'nvidiaH200',
        'NVLink: 900 GB/s bidirectional per GPU',
        'derived',
        '900 GB/s / 2 directions, as dgx-h100',
      ),
      transport: cite('nvidiaH200', 'NVLink through NVSwitch'),
    }),
    ...citeRailTier('hgxAiFactory', {
      kind: cite(
        'hgxAiFactory',
        'compute (east/west) fabric: rail-optimised, full non-blocking fat tree',
        'published',
        'Spectrum-X Ethernet in this design; a DGX H200 SuperPOD uses NDR InfiniBand at the same 400 Gb/s per GPU',
      ),
      domainChips: cite(
        'hgxAiFactory',
        'design points of 32, 64 and 128 nodes',
        'derived',
        '128 nodes x 8 GPUs, the largest design point',
      ),
      bandwidthBytesPerS: cite(
        'hgxAiFactory',
        "'2-8-9-400': 400 Gb/s per GPU, one SuperNIC each",
        'derived',
        '400 Gb/s / 8 bits, per direction',
      ),
      transport: cite('hgxAiFactory', 'Spectrum-X Ethernet with RoCE'),
    }),
    maxChips: cite(
      'hgxAiFactory',
      'largest design point: 128 nodes',
      'derived',
      '128 x 8 GPUs; larger H200 clusters follow the DGX SuperPOD design of dgx-h100',
    ),
  },
});

export const GB200_NVL72 = withSources({
  name: 'gb200-nvl72',
  description:
    'NVIDIA DGX GB200 SuperPOD: 72 Blackwell GPUs per NVLink 5 domain (NVL72 rack), one 400 Gb/s NDR InfiniBand ' +
    'port per GPU',
  chip: 'b200',
  chipsPerHost: 4,
  tiers: [nvlinkTier(72, 900e9), railTier('infiniband', 'infiniband', 9216, 50e9)],
  maxChips: 9216,
  citations: {
    chip: cite(
      'nvidiaBlackwell',
      'GB200: Blackwell GPU at 1200 W',
      'estimate',
      "the closest preset: b200 is HGX B200 at 1000 W (2.25 PFLOPS dense bf16); GB200's Blackwell runs at 2.5",
    ),
    chipsPerHost: cite(
      'dgxGb200',
      'network fabrics: 18 compute trays per 72-GPU rack',
      'derived',
      '72 / 18 = 4 GPUs (2 GB200 superchips) per tray',
    ),
    ...citeNvlinkTier({
      kind: cite('dgxGb200', 'network fabrics: 9 NVLink switch trays give full-mesh connectivity between all 72 GPUs'),
      domainChips: cite('dgxGb200', 'one NVLink domain per DGX GB200 rack (72 GPUs)'),
      bandwidthBytesPerS: cite(
        'dgxGb200',
        "network fabrics: 18 NVL5 links per GPU, 'a total bandwidth of 1.8 TB/s'",
        'derived',
        '1.8 TB/s bidirectional / 2 directions',
      ),
      transport: cite('dgxGb200', 'NVLink 5 switch trays'),
    }),
    ...citeRailTier('dgxGb200', {
      kind: cite('dgxGb200', 'compute InfiniBand fabric, rail-optimised'),
      domainChips: cite('dgxGb200', "'up to and beyond 128 racks with 9216 GPUs'"),
      bandwidthBytesPerS: cite(
        'dgxGb200',
        'compute fabric: NDR 400 Gb/s InfiniBand, one ConnectX-7 port per GPU',
        'derived',
        '400 Gb/s / 8 bits per direction; GB300 NVL72 moves to ConnectX-8 at 800 Gb/s per GPU',
      ),
      transport: cite('dgxGb200', 'NDR InfiniBand compute fabric'),
    }),
    maxChips: cite('dgxGb200', "'128 racks with 9216 GPUs'"),
  },
});

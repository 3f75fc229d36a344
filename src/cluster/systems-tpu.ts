/**
 * TPU system presets: pods of chips on an ICI torus (3D with optical switches on v4/v5p, 2D otherwise), pods joined by
 * DCN.
 */
import type { NetworkTier } from './types.js';
import { cite, DCN_BANDWIDTH, DCN_LATENCY, ICI_LATENCY, PODS, PODS_NOTE, withSources } from './system-sources.js';

/** PaLM's cross-pod gradient burst on two v4 pods: 81 Tb/s over 1536 hosts of 4 chips (cited in the v4 preset). */
const PALM_DCN_BYTES_PER_S = 81e12 / 8 / 1536 / 4;

/**
 * A TPU pod's ICI: a 3D torus of 4x4x4 cubes wrapping around every axis (cited in each preset), then DCN joining the
 * pods.
 */
function tpuPodTiers(
  podChips: number,
  dims: readonly number[],
  bandwidthBytesPerS: number,
  linkBandwidthBytesPerS: number,
  dcnBytesPerS: number,
): NetworkTier[] {
  return [
    {
      name: 'ici',
      kind: 'torus',
      domainChips: podChips,
      bandwidthBytesPerS,
      latencyS: 1e-6,
      dims,
      wraparound: [true, true, true],
      linkBandwidthBytesPerS,
      cube: [4, 4, 4],
      transport: 'ici',
    },
    {
      name: 'dcn',
      kind: 'fat-tree',
      domainChips: PODS * podChips,
      bandwidthBytesPerS: dcnBytesPerS,
      latencyS: 10e-6,
      transport: 'dcn',
    },
  ];
}

/** A 2D-torus pod (TPU v2/v3, v5e, v6e: no optical switches) wrapping both axes, then DCN joining the pods. */
function tpu2dPodTiers(
  side: number,
  bandwidthBytesPerS: number,
  linkBandwidthBytesPerS: number,
  dcnBytesPerS: number,
): NetworkTier[] {
  const podChips = side * side;
  return [
    {
      name: 'ici',
      kind: 'torus',
      domainChips: podChips,
      bandwidthBytesPerS,
      latencyS: 1e-6,
      dims: [side, side],
      wraparound: [true, true],
      linkBandwidthBytesPerS,
      transport: 'ici',
    },
    {
      name: 'dcn',
      kind: 'fat-tree',
      domainChips: PODS * podChips,
      bandwidthBytesPerS: dcnBytesPerS,
      latencyS: 10e-6,
      transport: 'dcn',
    },
  ];
}

/** ICI inside a pod, DCN between pods (cluster/transports.ts). */
const TPU_TRANSPORTS = {
  'tiers[0].transport': cite('scalingBook', 'Part 2 (TPUs): chips talk over ICI inside a slice'),
  'tiers[1].transport': cite(
    'scalingBook',
    'Part 2 (TPUs): slices talk over data-centre networking (DCN), host to host',
  ),
};

/** Both axes of a full 2D pod wrap; a slice shorter than the pod on an axis does not wrap it. */
const WRAP_2D_NOTE = 'a full pod wraps both axes; describe a smaller slice with wraparound false on its shorter axes';

export const TPU_V3_POD = withSources({
  name: 'tpu-v3-pod',
  description:
    'Google TPU v3 pods: 1024 chips in a 32x32 2D torus with wraparound, 4 ICI links per chip, pods joined by DCN',
  chip: 'tpu-v3',
  chipsPerHost: 8,
  tiers: tpu2dPodTiers(32, 4 * 70e9, 70e9, 6.25e9),
  maxChips: PODS * 1024,
  citations: {
    chip: cite('gcloudV3', 'TPU v3 Pod'),
    chipsPerHost: cite(
      'jouppi2023',
      "Table 4: 'Chips per CPU host: 8'",
      'published',
      'the scaling book gives the same 4x2 host',
    ),
    'tiers[0].kind': cite('gcloudV3', 'interconnect topology: 2D torus'),
    'tiers[0].domainChips': cite('gcloudV3', 'TPU Pod size: 1024 chips'),
    'tiers[0].bandwidthBytesPerS': cite(
      'jouppi2023',
      "Table 4: '4 links @ 70 GB/s'",
      'derived',
      '4 links x 70 GB/s per direction',
    ),
    'tiers[0].latencyS': ICI_LATENCY,
    'tiers[0].dims': cite('scalingBook', 'Part 2 (TPUs), specs table: TPU v3 pod size 32x32'),
    'tiers[0].wraparound': cite('gcloudV3', 'interconnect topology: 2D torus', 'derived', WRAP_2D_NOTE),
    'tiers[0].linkBandwidthBytesPerS': cite(
      'jouppi2023',
      "Table 4: '4 links @ 70 GB/s'",
      'published',
      "per direction, as the tpu-v3 chip preset; Cloud's pod bisection (6.4 TB/s over the 64 links a wrapped " +
        '32x32 cut crosses) and the scaling book (1e11 one way) point to 100 GB/s instead',
    ),
    'tiers[1].kind': cite('scalingBook', 'Part 2 (TPUs): slices talk over data-centre networking (DCN), host to host'),
    'tiers[1].domainChips': cite('tpusim', '', 'estimate', PODS_NOTE),
    'tiers[1].bandwidthBytesPerS': DCN_BANDWIDTH,
    'tiers[1].latencyS': DCN_LATENCY,
    maxChips: cite('tpusim', '', 'estimate', PODS_NOTE),
    ...TPU_TRANSPORTS,
  },
});

export const TPU_V4_POD = withSources({
  name: 'tpu-v4-pod',
  description:
    'Google TPU v4 pods: 4096 chips in a 16x16x16 3D torus of 4x4x4 cubes joined by optical circuit switches, ' +
    'pods joined by DCN',
  chip: 'tpu-v4',
  chipsPerHost: 4,
  tiers: tpuPodTiers(4096, [16, 16, 16], 300e9, 50e9, PALM_DCN_BYTES_PER_S),
  maxChips: PODS * 4096,
  citations: {
    chip: cite('jouppi2023', 'TPU v4 supercomputer'),
    chipsPerHost: cite('jouppi2023', "Table 4: 'Chips per CPU host: 4'"),
    'tiers[0].kind': cite('jouppi2023', 'Section 2: 3D torus of 4x4x4 blocks joined by 48 OCSes'),
    'tiers[0].domainChips': cite('jouppi2023', "Table 4: 'Largest scale configuration: 4096 chips'"),
    'tiers[0].bandwidthBytesPerS': cite(
      'jouppi2023',
      "Table 4: '6 links @ 50 GB/s'",
      'derived',
      '6 links x 50 GB/s per direction',
    ),
    'tiers[0].latencyS': ICI_LATENCY,
    'tiers[0].dims': cite('scalingBook', "Part 2 (TPUs): the largest pod is '16x16x16 for TPU v4'"),
    'tiers[0].wraparound': cite('jouppi2023', 'Section 2: opposing cube faces go to the same OCS for wraparound'),
    'tiers[0].linkBandwidthBytesPerS': cite(
      'jouppi2023',
      "Table 4: '6 links @ 50 GB/s'; Section 7.3: ICI link 400 Gbit/s vs InfiniBand 200 Gbit/s",
      'published',
      'per direction, as the 200 Gbit/s InfiniBand it is compared with; the scaling book uses 4.5e10 one-way',
    ),
    'tiers[0].cube': cite('jouppi2023', 'Section 2: a rack is a 4x4x4 block of 64 chips'),
    'tiers[1].kind': cite('scalingBook', 'Part 2 (TPUs): slices talk over data-centre networking (DCN), host to host'),
    'tiers[1].domainChips': cite('tpusim', '', 'estimate', PODS_NOTE),
    'tiers[1].bandwidthBytesPerS': cite(
      'chowdhery2022',
      "Section 4: 'each pair of hosts exchange approximately 1.3 GB of gradients in every training step that " +
        "amounts to an aggregate burst of 81 Tbps across all hosts'",
      'derived',
      '81 Tb/s / 8 bits / 1536 hosts (2 pods x 768) / 4 chips per host = 1.65e9 B/s per chip: the rate PaLM ' +
        'reached, so a floor on the hardware; no v4 DCN specification is published (the scaling book gives a ' +
        'typical 6.25e9 across generations)',
    ),
    'tiers[1].latencyS': DCN_LATENCY,
    maxChips: cite('tpusim', '', 'estimate', `${PODS_NOTE}; PaLM trained on 2 v4 pods (6144 chips) over DCN`),
    ...TPU_TRANSPORTS,
  },
});

export const TPU_V5E_POD = withSources({
  name: 'tpu-v5e-pod',
  description:
    'Google TPU v5e pods: 256 chips in a 16x16 2D torus with wraparound, 4 ICI links of 50 GB/s per chip, pods ' +
    'joined by DCN',
  chip: 'tpu-v5e',
  chipsPerHost: 8,
  tiers: tpu2dPodTiers(16, 200e9, 50e9, (2 * 100e9) / 8 / 8),
  maxChips: PODS * 256,
  citations: {
    chip: cite('gcloudV5e', 'TPU v5e Pod'),
    chipsPerHost: cite('gcloudV5e', 'chips per host: 8'),
    'tiers[0].kind': cite('gcloudV5e', 'interconnect topology: 2D torus'),
    'tiers[0].domainChips': cite('gcloudV5e', 'TPU Pod size: 256 chips'),
    'tiers[0].bandwidthBytesPerS': cite(
      'gcloudV5e',
      'bidirectional ICI bandwidth per chip: 400 GBps over 4 ports',
      'derived',
      '400 GB/s / 2 directions; earlier versions of the page gave 1,600 Gbps, the same 200 GB/s one way',
    ),
    'tiers[0].latencyS': ICI_LATENCY,
    'tiers[0].dims': cite(
      'scalingBook',
      'Part 2 (TPUs): v5e and v6e pods are a 16x16 2D torus and cannot grow beyond it',
    ),
    'tiers[0].wraparound': cite(
      'scalingBook',
      "Part 2 (TPUs): v5e and Trillium pods are 'a single 16x16 2D torus with wraparounds along any axis of size " +
        "16'; smaller topologies have no wraps on dims < 16",
      'published',
      WRAP_2D_NOTE,
    ),
    'tiers[0].linkBandwidthBytesPerS': cite(
      'gcloudV5e',
      '400 GBps bidirectional per chip over 4 ICI ports',
      'derived',
      '400 / 4 / 2 = 50 GB/s per link and direction, as the tpu-v5e chip preset; the pod bisection of 1.6 TB/s ' +
        '(32 links of a wrapped 16x16 cut x 50 GB/s) agrees; the scaling book uses 4.5e10',
    ),
    'tiers[1].kind': cite(
      'scalingBook',
      'Part 2 (TPUs): v5e and v6e pods talk to each other over data-centre networking (DCN)',
    ),
    'tiers[1].domainChips': cite('tpusim', '', 'estimate', PODS_NOTE),
    'tiers[1].bandwidthBytesPerS': cite(
      'gcloudV5e',
      'per-host NIC configuration: 2 x 100 Gbps; data-centre network bandwidth per pod: 6.4 Tbps',
      'derived',
      '2 x 100 Gb/s / 8 bits / 8 chips per host = 3.125 GB/s per chip; 6.4 Tb/s / 256 chips and the scaling book ' +
        '(3.125e9 for v5e) give the same',
    ),
    'tiers[1].latencyS': DCN_LATENCY,
    maxChips: cite('tpusim', '', 'estimate', `${PODS_NOTE}; multislice jobs have joined many more v5e pods`),
    ...TPU_TRANSPORTS,
  },
});

export const TPU_V5P_POD = withSources({
  name: 'tpu-v5p-pod',
  description:
    'Google TPU v5p pods: 8960 chips in a 16x20x28 3D torus of 4x4x4 cubes joined by optical circuit switches, ' +
    'pods joined by DCN',
  chip: 'tpu-v5p',
  chipsPerHost: 4,
  tiers: tpuPodTiers(8960, [16, 20, 28], 600e9, 100e9, 50e9 / 8),
  maxChips: PODS * 8960,
  citations: {
    chip: cite('gcloudV5p', 'TPU v5p pod'),
    chipsPerHost: cite('scalingBook', 'Part 2 (TPUs), specs table: v5p host size 2x2x1'),
    'tiers[0].kind': cite('gcloudV5p', 'system architecture: 3D torus'),
    'tiers[0].domainChips': cite('gcloudV5p', 'system architecture: 8960 chips per pod'),
    'tiers[0].bandwidthBytesPerS': cite(
      'gcloudV5p',
      'ICI bandwidth per chip: 1200 GB/s bidirectional',
      'derived',
      '1200 GB/s / 2 directions',
    ),
    'tiers[0].latencyS': ICI_LATENCY,
    'tiers[0].dims': cite('scalingBook', "Part 2 (TPUs): the largest pod is '16x20x28 for TPU v5p'"),
    'tiers[0].wraparound': cite(
      'scalingBook',
      'Part 2 (TPUs): training chips (v*p) wrap around every axis that is a multiple of 4',
    ),
    'tiers[0].linkBandwidthBytesPerS': cite(
      'gcloudV5p',
      'ICI: 1200 GB/s bidirectional per chip over 6 ports',
      'derived',
      '1200 / 6 / 2 = 100 GB/s per direction, as the tpu-v5p chip preset; the scaling book uses 9e10 one-way',
    ),
    'tiers[0].cube': cite(
      'scalingBook',
      'Part 2 (TPUs): pods are reconfigurable cubes of 4x4x4 chips joined by optical wraparound links',
    ),
    'tiers[1].kind': cite('scalingBook', 'Part 5 (training), Scaling Across Pods: hosts join pods over Ethernet'),
    'tiers[1].domainChips': cite('tpusim', '', 'estimate', PODS_NOTE),
    'tiers[1].bandwidthBytesPerS': cite(
      'gcloudV5p',
      "key specifications: 'Data center network (DCN) bandwidth per chip (Gbps): 50'",
      'derived',
      "50 Gb/s / 8 bits per chip, per direction; the scaling book's typical 6.25e9 agrees",
    ),
    'tiers[1].latencyS': DCN_LATENCY,
    maxChips: cite('tpusim', '', 'estimate', `${PODS_NOTE}; Cloud limits one ICI slice to 6144 chips`),
    ...TPU_TRANSPORTS,
  },
});

export const TPU_V6E_POD = withSources({
  name: 'tpu-v6e-pod',
  description:
    'Google TPU v6e (Trillium) pods: 256 chips in a 16x16 2D torus with wraparound, 4 ICI links of 100 GB/s per ' +
    'chip, pods joined by DCN',
  chip: 'tpu-v6e',
  chipsPerHost: 8,
  tiers: tpu2dPodTiers(16, 400e9, 100e9, 12.5e9),
  maxChips: PODS * 256,
  citations: {
    chip: cite('gcloudV6e', 'TPU v6e Pod'),
    chipsPerHost: cite('gcloudV6e', 'chips per host: 8'),
    'tiers[0].kind': cite('gcloudV6e', 'interconnect topology: 2D torus'),
    'tiers[0].domainChips': cite('gcloudV6e', 'TPU Pod size: 256 chips'),
    'tiers[0].bandwidthBytesPerS': cite(
      'gcloudV6e',
      'bidirectional ICI bandwidth per chip: 800 GBps over 4 ports',
      'derived',
      '800 GB/s / 2 directions; a 3,584 Gbps per-chip figure quoted for v6e (448 GB/s one way) was not in the ' +
        'page read and is not used',
    ),
    'tiers[0].latencyS': ICI_LATENCY,
    'tiers[0].dims': cite(
      'scalingBook',
      'Part 2 (TPUs): v5e and v6e pods are a 16x16 2D torus and cannot grow beyond it',
    ),
    'tiers[0].wraparound': cite(
      'scalingBook',
      "Part 2 (TPUs): v5e and Trillium pods are 'a single 16x16 2D torus with wraparounds along any axis of size " +
        "16'; smaller topologies have no wraps on dims < 16",
      'published',
      WRAP_2D_NOTE,
    ),
    'tiers[0].linkBandwidthBytesPerS': cite(
      'gcloudV6e',
      '800 GBps bidirectional per chip over 4 ICI ports',
      'derived',
      '800 / 4 / 2 = 100 GB/s per link and direction, as the tpu-v6e chip preset; the pod bisection of 3.2 TB/s ' +
        '(32 links x 100 GB/s) agrees; the scaling book uses 9e10',
    ),
    'tiers[1].kind': cite(
      'scalingBook',
      'Part 2 (TPUs): v5e and v6e pods talk to each other over data-centre networking (DCN)',
    ),
    'tiers[1].domainChips': cite('tpusim', '', 'estimate', PODS_NOTE),
    'tiers[1].bandwidthBytesPerS': cite(
      'scalingBook',
      "Part 2 (TPUs): DCN 'is typically around 6.25e9 bytes / second per TPU (12.5e9 for TPU v6e and TPU7x, and " +
        "3.125e9 for TPU v5e)'",
      'published',
      'a typical figure from the book, not a Cloud specification',
    ),
    'tiers[1].latencyS': DCN_LATENCY,
    maxChips: cite('tpusim', '', 'estimate', PODS_NOTE),
    ...TPU_TRANSPORTS,
  },
});

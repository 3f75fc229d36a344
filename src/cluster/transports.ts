/**
 * Network transports as data: what a tier runs on (InfiniBand, RoCE, AWS EFA through aws-ofi-nccl,
 * Google's GPUDirect-TCPX and TCPXO, NVLink, TPU ICI, ...) and what that changes in NCCL's cost model
 * (cluster/nccl.ts): the protocols the network plugin lets NCCL run and one network step's latency per
 * algorithm and protocol (NCCL's `hwLatencies` row for the network, which NCCL calibrates on
 * InfiniBand). No transport has a published achieved fraction of the wire, so all keep the one fitted
 * to InfiniBand and RoCE rows (NETWORK_EFFICIENCY); GPUDirect-TCPX alone adds a per-connection cap
 * (its TCP path through host threads, on the channels its published configuration pins).
 * Every constant cites its source (cluster/transport-sources.ts); see docs/cluster.md, "Transports".
 */
import type { Citation } from '../arch/chip-spec.js';
import { cite } from './transport-sources.js';
import { NCCL_PROTOCOLS, type NcclProtocol, type NetworkTier, type Transport } from './types.js';

const US = 1e-6;
export type PerProtocol = readonly [ll: number, ll128: number, simple: number];

/** One step across the network per algorithm and protocol, and one NVLS-tree step (Simple). */
export interface NetworkSteps {
  readonly ring: PerProtocol;
  readonly tree: PerProtocol;
  readonly nvlsTree: number;
}

/** Which tiers a transport runs on: a scale-up switch (kind switch), a switched network, a torus. */
export type TransportLayer = 'scale-up' | 'network' | 'torus';

export interface TransportProfile {
  readonly description: string;
  readonly layer: TransportLayer;
  /** The NCCL protocols the transport's plugin lets NCCL run across it. */
  readonly protocols: readonly NcclProtocol[];
  /**
   * network: one step's latency, in place of NCCL's InfiniBand figures (a tier's `latencyS` beyond NCCL's 2.7 us adds
   * to it).
   */
  readonly networkStepS?: NetworkSteps;
  /**
   * network: NCCL's channels when the plugin's published configuration pins them (NCCL_MIN_NCHANNELS =
   * NCCL_MAX_NCHANNELS), in place of two per NIC (cluster/nccl-pipeline.ts).
   */
  readonly channels?: number;
  /** Field path -> where the value comes from. */
  readonly citations: Readonly<Record<string, Citation>>;
}

const ALL = NCCL_PROTOCOLS;

/**
 * tuning.cc `hwLatencies[NCCL_HW_NET]`: ring LL/LL128/Simple 2.7, 4.0, 14 us, tree 5.0, 8.5, 14 us,
 * NVLS tree 20.9 us. NCCL's InfiniBand (and RoCE: the same verbs transport) model; a tier's
 * `latencyS` is its LL ring step, so the presets' 2.7 us is this table's own.
 */
export const NCCL_NETWORK_STEPS: NetworkSteps = {
  ring: [2.7 * US, 4.0 * US, 14 * US],
  tree: [5.0 * US, 8.5 * US, 14 * US],
  nvlsTree: 20.9 * US,
};
export const REFERENCE_STEP_S = NCCL_NETWORK_STEPS.ring[0];

/**
 * EFA as aws-ofi-nccl's own tuner models it: one network step is an 8-byte RDMA write with immediate
 * between two nodes, `netLatS`, plus 3 us for Simple (the device's completion and its write to the
 * host), for every algorithm; NVLS tree's network steps are Simple's.
 */
function efaSteps(netLatS: number): NetworkSteps {
  const simple = netLatS + 3 * US;
  return { ring: [netLatS, netLatS, simple], tree: [netLatS, netLatS, simple], nvlsTree: simple };
}

const EFA_P5 = efaSteps(20 * US);
const EFA_P5EN = efaSteps(18 * US);
const SIMPLE_ONLY_EFA = cite(
  'awsOfiIssue76',
  'AWS: EFA does not support LL and LL128',
  'published',
  'aws-ofi-nccl forces NCCL_PROTO=simple unless EFA reports in-order 128-byte delivery, which p4d/p4de (SENDRECV ' +
    'protocol) do not (platform-aws.cpp)',
);
const EFA_LL = cite(
  'awsOfiPr516',
  'P5: EFA reports WRITE_IN_ORDER_ALIGNED_128_BYTES, LL and LL128 allowed over the RDMA protocol',
);

export const TRANSPORT_PROFILES: Readonly<Record<Transport, TransportProfile>> = {
  nvlink: {
    description: "NVLink through NVSwitch (the scale-up link model is the chip preset's chipLinks, cluster/nccl.ts)",
    layer: 'scale-up',
    protocols: ALL,
    citations: { protocols: cite('ncclTuning', 'hwLatencies[NCCL_HW_NVLINK]: LL, LL128 and Simple over NVLink') },
  },
  xgmi: {
    description: 'AMD Infinity Fabric (xGMI) between the GPUs of a node, run by RCCL',
    layer: 'scale-up',
    protocols: ALL,
    citations: { protocols: cite('ncclTuning', "RCCL keeps NCCL's three protocols", 'estimate') },
  },
  infiniband: {
    description: "InfiniBand with GPUDirect RDMA: NCCL's own network model",
    layer: 'network',
    protocols: ALL,
    networkStepS: NCCL_NETWORK_STEPS,
    citations: { networkStepS: cite('ncclTuning', 'hwLatencies[NCCL_HW_NET]; the IB plugin reports no extra latency') },
  },
  roce: {
    description: 'RoCE v2 (Ethernet) with GPUDirect RDMA: the same verbs transport and figures as InfiniBand',
    layer: 'network',
    protocols: ALL,
    networkStepS: NCCL_NETWORK_STEPS,
    citations: {
      networkStepS: cite(
        'ncclTuning',
        'net_ib.cc runs RoCE through the same verbs transport; hwLatencies[NCCL_HW_NET]',
      ),
    },
  },
  'efa-v1': {
    description:
      'AWS EFA, first generation (p4d, p4de): aws-ofi-nccl over libfabric send/receive, Simple protocol only',
    layer: 'network',
    protocols: ['Simple'],
    networkStepS: EFA_P5,
    citations: {
      protocols: SIMPLE_ONLY_EFA,
      networkStepS: cite(
        'awsOfiTuner',
        'net_lat 20 us (P5 & P5e) + 3 us Simple completion',
        'estimate',
        "aws-ofi-nccl's tuner models P5 and later only; p4d's send/receive path is taken as no faster than P5's " +
          'RDMA writes',
      ),
    },
  },
  'efa-v2': {
    description: 'AWS EFA, second generation (p5, p5e): aws-ofi-nccl over RDMA write',
    layer: 'network',
    protocols: ALL,
    networkStepS: EFA_P5,
    citations: {
      protocols: EFA_LL,
      networkStepS: cite(
        'awsOfiTuner',
        "model_platform_params, 'P5 & P5e platform': net_lat 20.0 us; Simple + TUNER_NET_COMP_OVERHEAD 3 us",
      ),
    },
  },
  'efa-v3': {
    description: 'AWS EFA, third generation (p5en): aws-ofi-nccl over RDMA write',
    layer: 'network',
    protocols: ALL,
    networkStepS: EFA_P5EN,
    citations: {
      protocols: cite('awsOfiPlatform', 'P5en + RDMA: NCCL_PROTO checks skipped, LL and LL128 allowed'),
      networkStepS: cite('awsOfiTuner', "model_platform_params, 'P5en platform': net_lat 18.0 us; Simple + 3 us"),
    },
  },
  'efa-v4': {
    description: 'AWS EFA, fourth generation (p6-b200): aws-ofi-nccl over RDMA write',
    layer: 'network',
    protocols: ALL,
    networkStepS: EFA_P5EN,
    citations: {
      protocols: cite(
        'awsOfiTuner',
        'nccl_ofi_regions.cpp, region_init_internal_p6: Tree/LL and LL128 regions for p6-b200',
        'derived',
      ),
      networkStepS: cite(
        'awsOfiTuner',
        "P5en's net_lat 18.0 us; Simple + 3 us",
        'derived',
        'platform-aws.cpp groups p5en and p6-b200 in one entry (RDMA protocol, the same latency reported to ' +
          'NCCL); the model tuner has no p6 entry',
      ),
    },
  },
  tcpx: {
    description:
      'Google GPUDirect-TCPX (A3 High, A3 Edge): TCP with device-memory receive, Simple protocol only, 8 channels of ' +
      'one host thread each',
    layer: 'network',
    protocols: ['Simple'],
    networkStepS: NCCL_NETWORK_STEPS,
    channels: 8,
    citations: {
      protocols: cite('gcpTcpx', 'NCCL configs: NCCL_PROTO=Simple'),
      networkStepS: cite(
        'ncclTuning',
        'hwLatencies[NCCL_HW_NET]',
        'estimate',
        "no TCPX figure published (the plugin reports latency 0 to NCCL); NCCL's InfiniBand steps kept",
      ),
      channels: cite(
        'gcpTcpxScripts',
        'run-nccl.sh: NCCL_MIN_NCHANNELS=8, NCCL_MAX_NCHANNELS=8, NCCL_SOCKET_NTHREADS=1, NCCL_NSOCKS_PERTHREAD=4',
      ),
    },
  },
  tcpxo: {
    description: 'Google GPUDirect-TCPXO (A3 Mega): TCP offload with LL128 and Simple',
    layer: 'network',
    protocols: ['LL128', 'Simple'],
    networkStepS: NCCL_NETWORK_STEPS,
    citations: {
      protocols: cite('gcpTcpxo', 'NCCL configs: NCCL_PROTO=Simple,LL128'),
      networkStepS: cite(
        'ncclTuning',
        'hwLatencies[NCCL_HW_NET]',
        'estimate',
        'no TCPXO figure published (the plugin reports latency 0 to NCCL); a per-step latency fitted to the two ' +
          'latency-bound calibration rows disagrees between them (20 us for 64 MB, hundreds for 8 MB), so none is ' +
          'fitted',
      ),
    },
  },
  ici: {
    description: 'TPU inter-chip interconnect: a torus of direct links, collectives by XLA (cluster/torus.ts)',
    layer: 'torus',
    protocols: ALL,
    citations: { description: cite('scalingBook', "Part 3: each ICI hop 'typically around 1us'") },
  },
  dcn: {
    description:
      "Google's data-centre network between TPU slices (host NICs); priced with NCCL's network model for lack of " +
      'a published one',
    layer: 'network',
    protocols: ALL,
    networkStepS: NCCL_NETWORK_STEPS,
    citations: {
      networkStepS: cite('ncclTuning', 'hwLatencies[NCCL_HW_NET]', 'estimate', 'no DCN collective model is published'),
    },
  },
};

/** A tier's transport profile: its own, or what its kind runs by default (InfiniBand on a switched network). */
export function transportOf(tier: NetworkTier): TransportProfile {
  if (tier.transport !== undefined) return TRANSPORT_PROFILES[tier.transport];
  return TRANSPORT_PROFILES[tier.kind === 'switch' ? 'nvlink' : tier.kind === 'torus' ? 'ici' : 'infiniband'];
}

/** Which protocols of NCCL's three a transport allows, in NCCL's order. */
export const protocolMask = (t: TransportProfile): readonly [boolean, boolean, boolean] => [
  t.protocols.includes('LL'),
  t.protocols.includes('LL128'),
  t.protocols.includes('Simple'),
];

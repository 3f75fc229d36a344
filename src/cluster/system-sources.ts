/**
 * What the system presets share: their reference list, the citation helper, and the estimates and
 * published figures that recur across presets (latencies, DCN, the pod count of a DCN tier).
 */
import type { Citation, CitationStatus } from '../arch/chip-spec.js';
import { SOURCES } from '../arch/presets/sources.js';
import type { SystemSpec } from './types.js';

export const SYSTEM_SOURCES = {
  jouppi2023: SOURCES.jouppi2023,
  scalingBook: SOURCES.scalingBook,
  gcloudV3: SOURCES.gcloudV3,
  gcloudV5e: SOURCES.gcloudV5e,
  gcloudV5p: SOURCES.gcloudV5p,
  gcloudV6e: SOURCES.gcloudV6e,
  nvidiaH100: SOURCES.nvidiaH100,
  nvidiaH200: SOURCES.nvidiaH200,
  nvidiaBlackwell: SOURCES.nvidiaBlackwell,
  tpusim: SOURCES.tpusim,
  dgxA100:
    'NVIDIA DGX A100 datasheet and "NVIDIA DGX SuperPOD: Scalable Infrastructure for AI Leadership" reference architecture with DGX A100 (8 x ConnectX-6 HDR 200 Gb/s per system, rail-optimised non-blocking fat tree)',
  selene: 'NVIDIA Selene (DGX SuperPOD of DGX A100), TOP500 list November 2020 and NVIDIA announcements: 560 DGX A100 systems',
  dgxH100:
    'NVIDIA, "DGX SuperPOD: Next Generation Scalable Infrastructure for AI Leadership", reference architecture featuring DGX H100, RA-11333-001 (2023)',
  dgxGb200:
    'NVIDIA, "DGX SuperPOD ... Reference Architecture Featuring NVIDIA DGX GB200", https://docs.nvidia.com/dgx-superpod/reference-architecture-scalable-infrastructure-gb200/',
  hgxAiFactory:
    'NVIDIA, "NVIDIA HGX AI Factory (H100, H200, B200)" enterprise reference architecture: 2-8-9-400 nodes (8 GPUs, 400 Gb/s per GPU), 32, 64 and 128 node design points, https://docs.nvidia.com/enterprise-reference-architectures/hgx-ai-factory-h100-h200-b200/',
  chowdhery2022: 'A. Chowdhery et al., "PaLM: Scaling Language Modeling with Pathways", arXiv:2204.02311 (2022), Section 4, Training Infrastructure',
  nccl: 'NVIDIA NCCL, src/graph/tuning.cc (per-step latencies hwLat, ring and tree bandwidth model), https://github.com/NVIDIA/nccl',
} as const;

export type SystemSourceKey = keyof typeof SYSTEM_SOURCES;

export function cite(source: SystemSourceKey, where: string, status: CitationStatus = 'published', note?: string): Citation {
  return note === undefined ? { source, where, status } : { source, where, status, note };
}

/** A preset with `sources` listing exactly the sources its citations use. */
export function withSources(spec: Omit<SystemSpec, 'sources'>): SystemSpec {
  const keys = [...new Set(Object.values(spec.citations ?? {}).map((c) => c.source))].sort();
  return { ...spec, sources: Object.fromEntries(keys.map((k) => [k, SYSTEM_SOURCES[k as SystemSourceKey]])) };
}

export const NVLINK_LATENCY = cite('nccl', 'hwLat, NVLink ring step (LL protocol)', 'estimate', "NCCL's model of one ring step over NVLink (0.47 us); no hardware figure is published");
export const IB_LATENCY = cite('nccl', 'hwLat, network ring step (LL protocol)', 'estimate', "NCCL's model of one ring step over the network (2.7 us), software included");
export const ICI_LATENCY = cite('scalingBook', "Part 3 (sharding), 'A note on ICI latency': each ICI hop costs typically around 1 us");
export const DCN_LATENCY = cite('tpusim', '', 'estimate', 'not published; PCIe to the host, NIC, a few Ethernet switch hops and back: order 10 us one way');
export const DCN_BANDWIDTH = cite('scalingBook', "Part 2 (TPUs): 'DCN bandwidth is typically around 6.25e9 bytes / second per TPU'", 'published', 'a typical figure (25 GB/s per host of 4 chips), not a per-generation specification');
export const NON_BLOCKING = (source: SystemSourceKey): Citation => cite(source, 'compute fabric: full non-blocking fat tree', 'derived', 'non-blocking, so 1');
export const PODS = 16;
export const PODS_NOTE = `not a published limit: the DCN tier is sized for ${PODS} pods; larger systems repeat the outermost tier`;

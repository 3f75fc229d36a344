/**
 * What the system presets share: the citation helper (references in core/sources/systems.ts), and the
 * estimates and published figures that recur across presets (latencies, DCN, the pod count of a DCN tier).
 */
import { cite, citedSources, type Citation, type SourceKey } from '../core/citations.js';
import type { SystemSpec } from './types.js';

export { cite } from '../core/citations.js';

/** A preset with `sources` listing exactly the sources its citations use. */
export function withSources(spec: Omit<SystemSpec, 'sources'>): SystemSpec {
  return { ...spec, sources: citedSources(spec.citations ?? {}) };
}

export const NVLINK_LATENCY = cite(
  'nccl',
  'hwLat, NVLink ring step (LL protocol)',
  'estimate',
  "NCCL's model of one ring step over NVLink (0.47 us); no hardware figure is published",
);
export const IB_LATENCY = cite(
  'nccl',
  'hwLat, network ring step (LL protocol)',
  'estimate',
  "NCCL's model of one ring step over the network (2.7 us), software included",
);
export const ICI_LATENCY = cite(
  'scalingBook',
  "Part 3 (sharding), 'A note on ICI latency': each ICI hop costs typically around 1 us",
);
export const DCN_LATENCY = cite(
  'tpusim',
  '',
  'estimate',
  'not published; PCIe to the host, NIC, a few Ethernet switch hops and back: order 10 us one way',
);
export const DCN_BANDWIDTH = cite(
  'scalingBook',
  "Part 2 (TPUs): 'DCN bandwidth is typically around 6.25e9 bytes / second per TPU'",
  'published',
  'a typical figure (25 GB/s per host of 4 chips), not a per-generation specification',
);
export const NON_BLOCKING = (source: SourceKey): Citation =>
  cite(source, 'compute fabric: full non-blocking fat tree', 'derived', 'non-blocking, so 1');
export const PODS = 16;
export const PODS_NOTE =
  `not a published limit: the DCN tier is sized for ${PODS} pods; larger systems repeat the ` + `outermost tier`;

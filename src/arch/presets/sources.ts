/** Reference list shared by the presets. Keys are cited from each preset's `citations`. */
import type { Citation } from '../chip-spec.js';

export const SOURCES = {
  jouppi2017:
    'N. P. Jouppi et al., "In-Datacenter Performance Analysis of a Tensor Processing Unit", ISCA 2017, arXiv:1704.04760',
  jouppi2023:
    'N. P. Jouppi et al., "TPU v4: An Optically Reconfigurable Supercomputer for Machine Learning with Hardware Support for Embeddings", ISCA 2023, arXiv:2304.01433',
  norrie2021:
    'T. Norrie et al., "The Design Process for Google\'s Training Chips: TPUv2 and TPUv3", IEEE Micro 41(2), 2021',
  pcie3: 'PCI-SIG, PCI Express Base Specification Revision 3.0 (8 GT/s per lane, 128b/130b encoding)',
  scalingBook: 'J. Austin et al., "How to Scale Your Model", Google DeepMind, 2025 (TPU chapter), https://jax-ml.github.io/scaling-book/',
  jedecDdr3: 'JEDEC JESD79-3 DDR3 SDRAM standard (typical row-miss latency tRCD + CL ~ 30 ns at DDR3-1600)',
  jedecHbm2: 'JEDEC JESD235 HBM standard (HBM2 access latency ~ 100 ns as commonly measured)',
  tpusim: 'tpusim estimate: not published; the note says how the number was chosen',
} as const;

export type SourceKey = keyof typeof SOURCES;

export function sourcesFor(keys: readonly SourceKey[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, SOURCES[k]]));
}

/** A citation of `source` at `where` (table, section); `note` says how a derived or estimated number was chosen. */
export function cite(source: SourceKey, where: string, status: Citation['status'] = 'published', note?: string): Citation {
  return note === undefined ? { source, where, status } : { source, where, status, note };
}

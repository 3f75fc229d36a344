/**
 * Citations of the kernel-level constants of the analytical model (GEMM alignment, fused attention, fp8
 * recipes). The references live in core/sources/kernels.ts (and, for sources the presets share,
 * core/sources/chips.ts); constants cite their keys next to their values with a status on the one scale
 * of core/citations.ts.
 */
import { cite, pickSources, type Citation, type CitationStatus, type SourceKey } from '../core/citations.js';
import { KERNEL_SOURCES as OWN } from '../core/sources/kernels.js';

/** The kernel sources, with the shared ones the kernel constants also cite. */
export const KERNEL_SOURCES = { ...OWN, ...pickSources('cudaGuide', 'habanaDocs', 'tpusimMeasured', 'tpusim') };

/** A citation of `source` at `where`; `note` says how a derived or estimated number was chosen. */
export function kcite(source: SourceKey, where: string, status: CitationStatus, note?: string): Citation {
  return cite(source, where, status, note);
}

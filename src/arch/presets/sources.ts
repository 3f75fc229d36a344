/**
 * What the chip presets share: the citation helpers (core/citations.ts, where the references live, in
 * core/sources/chips.ts), and estimates that recur across presets.
 */
import { cite, type Citation } from '../../core/citations.js';

export { cite, citedSources, sourcesFor, type SourceKey } from '../../core/citations.js';

/** `citations` without the given paths: for a preset that drops fields of the one it is built from. */
export function omitCitations(
  citations: Readonly<Record<string, Citation>> | undefined,
  ...paths: readonly string[]
): Record<string, Citation> {
  return Object.fromEntries(Object.entries(citations ?? {}).filter(([path]) => !paths.includes(path)));
}

/** Bytes per second, per direction, of a PCIe link: lanes x GT/s x 128/130 encoding / 8 bits. */
export function pcieBytesPerS(lanes: number, gigaTransfersPerS: number): number {
  return (lanes * gigaTransfersPerS * 1e9 * 128) / 130 / 8;
}

/** Estimates that recur across presets, each with the reason it was chosen. */
export const COMMON = {
  hbmLatency: cite(
    'jedecHbm2',
    '',
    'estimate',
    'not published for this chip; the HBM device access latency, not a GPU load-to-use latency through its caches',
  ),
  pcieLatency: cite('tpusim', '', 'estimate', 'typical PCIe round trip of about 1 us'),
  weightFifo: cite(
    'tpusim',
    '',
    'estimate',
    'not published; two tiles staged per MXU assumed, as for the tpu-v4 preset',
  ),
  doubleBuffered: cite(
    'tpusim',
    '',
    'estimate',
    'assumed as in TPU v1 (one tile computing while the next loads); not stated for this chip',
  ),
  wsDataflow: cite('norrie2021', 'MXU description', 'derived', 'weight-stationary systolic array as in TPU v1-v4'),
  vmemBandwidth: cite(
    'tpusim',
    '',
    'estimate',
    'not published; enough to feed each MXU one row of bf16 inputs and take one row of fp32 results per cycle',
  ),
  accumulatorBandwidth: cite(
    'tpusim',
    '',
    'estimate',
    'one row of fp32 partial sums read and written per matrix unit per cycle',
  ),
  nominalOsDataflow: cite(
    'tpusim',
    '',
    'estimate',
    'nominal: a tensor core keeps its accumulator tile in registers (output-stationary-like); the field is required',
  ),
} as const;

/**
 * The charts of a model's estimate, drawn from the library's result as `tpusim estimate` and the UI's
 * Model page both show them: the layers in order on a timeline, the roofline by layer, energy by part;
 * and the same model's time on several chips (`tpusim compare`). Pure: same result, same bytes.
 */
import type { GraphEstimate, LayerEstimate } from '../model/types.js';
import { barChartSvg, rooflineSvg, type RooflinePoint } from './svg.js';
import { timelineSvg } from './timeline-svg.js';

/** The off-chip memory a roofline's slope is drawn from (a ChipSpec's `offChipMemory` will do). */
export interface MemoryRoof {
  readonly kind: string;
  readonly bandwidthBytesPerS: number;
}

/** What one chip of a comparison shows: its time, and whether the model fits. */
export type CompareRow = Pick<GraphEstimate, 'chip' | 'dtype' | 'totalTimeS' | 'feasible'>;

/** The layers that take time (a graph's inputs and reshapes take none). */
export const timedLayers = (e: Pick<GraphEstimate, 'layers'>): LayerEstimate[] => e.layers.filter((l) => l.cycles > 0);

const titleOf = (e: Pick<GraphEstimate, 'model' | 'chip' | 'dtype'>): string => `${e.model} on ${e.chip} (${e.dtype}`;

/** Each timed layer with work and traffic as a roofline point, weighted by its time for labelling. */
export function rooflinePoints(e: Pick<GraphEstimate, 'layers'>): RooflinePoint[] {
  return timedLayers(e)
    .filter((l) => l.flops > 0 && l.offChipBytes > 0 && l.timeS > 0)
    .map((l) => ({
      label: l.name,
      intensity: l.flops / l.offChipBytes,
      opsPerS: l.flops / l.timeS,
      bound: l.bound,
      weight: l.timeS,
    }));
}

/** The roofline by layer: the estimate's peak in its format, the off-chip memory's slope. */
export function estimateRooflineSvg(e: GraphEstimate, memory: MemoryRoof): string {
  return rooflineSvg({
    title: `${titleOf(e)}): roofline by layer`,
    peaks: [{ label: `${e.dtype} peak`, opsPerS: e.peakOpsPerS }],
    // The chart prints each roof's bandwidth after its label.
    bandwidths: [{ label: memory.kind, bytesPerS: memory.bandwidthBytesPerS }],
    points: rooflinePoints(e),
  });
}

/** The timed layers one after another, coloured by what bounds them. */
export function estimateTimelineSvg(e: GraphEstimate): string {
  const layers = timedLayers(e).map((l) => ({ label: l.name, durationS: l.timeS, bound: l.bound }));
  return timelineSvg({
    title: `${titleOf(e)}, batch ${e.batch}): layers in order`,
    layers,
    width: 1100,
    plotHeight: 420,
  });
}

/** Energy per inference by part, in J, mJ or uJ as the total reads best. */
export function estimateEnergySvg(e: GraphEstimate): string {
  const { scale, unit } =
    e.energyJ >= 1
      ? { scale: 1, unit: 'J' }
      : e.energyJ >= 1e-3
        ? { scale: 1e3, unit: 'mJ' }
        : { scale: 1e6, unit: 'uJ' };
  const parts: ReadonlyArray<readonly [string, number]> = [
    ['matrix units', e.energy.matrixJ],
    ['vector unit', e.energy.vectorJ],
    ['on-chip memory', e.energy.onChipJ],
    ['off-chip memory', e.energy.offChipJ],
    ['host link', e.energy.linkJ],
    ['static', e.energy.staticJ],
  ];
  return barChartSvg({
    title: `${titleOf(e)}): energy per inference by part`,
    unit,
    axisLabel: 'energy',
    bars: parts.map(([label, j]) => ({ label, value: j * scale })),
  });
}

/** Time per inference on each chip (each in its format), coloured by whether the model fits. */
export function compareSvg(model: string, rows: readonly CompareRow[]): string {
  return barChartSvg({
    title: `${model}: time per inference by chip`,
    unit: 'us',
    axisLabel: 'time',
    bars: rows.map((c) => ({
      label: `${c.chip} (${c.dtype})`,
      value: c.totalTimeS * 1e6,
      group: c.feasible ? 'fits' : 'does not fit',
    })),
  });
}

/**
 * Designs without rebuilding the chip per point. A sweep's designs mostly differ in a few rates (the
 * clock, off-chip bandwidth and capacity: often continuous) on top of a few shapes (array sizes, unit
 * and core counts: discrete). The factory builds each shape once (designFromWritten) and patches the
 * rates into a shallow copy, so designs of one shape share their `cores` array and everything else the
 * rates do not touch; what the models cache per core layout (explore/fast-gemm.ts) is then computed once
 * per shape. A patched design is deep-equal to designChip's (design-factory.test.ts holds them together).
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { designChip, designFromWritten, scaledSustainedClockHz, writtenValues, type PreparedSweep } from './design.js';
import type { KnobValue } from './knobs.js';

/** The fields a design is patched in rather than built for, in the order of a point's rate values. */
export const RATE_FIELDS = ['clockHz', 'offChipMemory.bandwidthBytesPerS', 'offChipMemory.capacityBytes'] as const;
const MAX_SHAPES = 4096;

/** Chip paths the knobs, then the derived rules, write (prepared.write's order). */
export function writtenPaths(prepared: PreparedSweep): string[] {
  const knobs = prepared.spec.knobs.flatMap((k) => (k.target.kind === 'chip' ? [k.target.path] : []));
  return [...knobs, ...prepared.spec.derived.map((r) => r.path)];
}

/** `design(values)`: the design chip for knob values, equal to designChip(prepared, values). */
export function designFactory(prepared: PreparedSweep): (values: readonly KnobValue[]) => ChipSpec {
  const paths = writtenPaths(prepared);
  // A knob that sets the sustained clock itself decides whether it follows the clock: build every design.
  if (paths.includes('technology.sustainedClockHz')) return (values) => designChip(prepared, values);
  const rateOf = paths.map((p) => (RATE_FIELDS as readonly string[]).indexOf(p));
  const writes = RATE_FIELDS.map((_, r) => rateOf.includes(r));
  if (!writes.some(Boolean)) return shapeCache(prepared, rateOf);
  const sustained = prepared.base.technology?.sustainedClockHz;
  const shapes = shapeCache(prepared, rateOf);
  const rates: KnobValue[] = [0, 0, 0];
  return (values) => {
    const written = writtenValues(prepared, values);
    const shape = shapes(values, written);
    // The last write to a field wins, as prepared.write applies them in order.
    for (let i = 0; i < written.length; i++) if (rateOf[i]! >= 0) rates[rateOf[i]!] = written[i]!;
    const clockHz = writes[0] ? (rates[0] as number) : shape.clockHz;
    const memory =
      writes[1] || writes[2]
        ? {
            ...shape.offChipMemory,
            ...(writes[1] ? { bandwidthBytesPerS: rates[1] as number } : {}),
            ...(writes[2] ? { capacityBytes: rates[2] as number } : {}),
          }
        : shape.offChipMemory;
    const technology =
      writes[0] && sustained !== undefined
        ? { ...shape.technology, sustainedClockHz: scaledSustainedClockHz(prepared, sustained, clockHz) }
        : shape.technology;
    return { ...shape, clockHz, offChipMemory: memory, ...(technology !== undefined ? { technology } : {}) };
  };
}

/** Designs built once per shape: the written values off the rate fields are the key. */
function shapeCache(
  prepared: PreparedSweep,
  rateOf: readonly number[],
): (values: readonly KnobValue[], written?: readonly KnobValue[]) => ChipSpec {
  const shapes = new Map<string, ChipSpec>();
  return (values, written = writtenValues(prepared, values)) => {
    let key = '';
    for (let i = 0; i < written.length; i++) if (rateOf[i]! < 0) key += `${typeof written[i]}:${written[i]}\u0000`;
    let chip = shapes.get(key);
    if (chip === undefined) {
      if (shapes.size >= MAX_SHAPES) shapes.clear();
      shapes.set(key, (chip = designFromWritten(prepared, written)));
    }
    return chip;
  };
}

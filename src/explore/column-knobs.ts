/**
 * A sweep's knob values point by point into scratch arrays (explore/columns.ts): the sampler's unit
 * point or grid digits, each knob's level and value, the derived rules' values, the rates a design is
 * patched with and the key of its shape, with the same arithmetic as compile-sweep.ts pointValues and
 * design.ts writtenValues (the same functions where they allocate nothing), so no array per point.
 */
import type { PreparedSweep } from './design.js';
import { knobLevels, levelValue, unitLevel, unitValue, type KnobValue } from './knobs.js';
import { lhsPoint, randomPoint, sobolShifts } from './samplers.js';
import { sobolInteger } from './sobol.js';

export interface KnobReader {
  /** Per knob after read(): its column value (a number, or its position for a knob in `positional`). */
  readonly columns: Float64Array;
  /** Per knob: its values where the column holds positions (enumerated knobs with strings). */
  readonly positional: readonly (readonly (number | string)[] | undefined)[];
  /** Per rate field (design-factory.ts RATE_FIELDS) after read(): the value the point writes, if it writes one. */
  readonly rates: Float64Array;
  /** Moves to point `index`. */
  read(index: number): void;
  /** The point's shape: equal keys, equal written values off the rate fields. */
  shapeKey(): number | string;
  /** The values the chip knobs, then the rules, write (design.ts writtenValues). */
  written(): KnobValue[];
  /** The knob values (compile-sweep.ts pointValues). */
  values(): KnobValue[];
}

type UnitFill = (index: number, out: Float64Array) => void;

function unitFill(prepared: PreparedSweep, count: number): UnitFill {
  const { seed, kind } = prepared.spec.sampler;
  const dims = prepared.spec.knobs.length;
  if (kind === 'sobol') return sobolFill(seed, dims);
  if (kind === 'lhs') return (index, out) => out.set(lhsPoint(seed, index, count, dims));
  return (index, out) => out.set(randomPoint(seed, index, dims));
}

/**
 * Sobol points as sobolPoint gives them, the next index by one XOR per dimension: in Gray-code order,
 * point i's integer is point i-1's XOR the direction number of i's lowest set bit, which is
 * sobolInteger of 2^(bit+1) - 1 (the index whose Gray code is that bit alone).
 */
function sobolFill(seed: number, dims: number): UnitFill {
  const shifts = sobolShifts(seed, dims);
  const directions = Array.from({ length: dims }, (_, d) =>
    Uint32Array.from({ length: 32 }, (_, bit) => sobolInteger(2 ** (bit + 1) - 1, d)),
  );
  const state = new Uint32Array(dims);
  let last = -2;
  return (index, out) => {
    const next = index === last + 1 && index < 2 ** 32;
    const bit = 31 - Math.clz32(index & -index);
    for (let d = 0; d < dims; d++) {
      state[d] = next ? state[d]! ^ directions[d]![bit]! : sobolInteger(index, d);
      out[d] = ((state[d]! ^ shifts[d]!) >>> 0) / 2 ** 32;
    }
    last = index;
  };
}

/** The reader, or undefined when a rate field is written by an enumerated string knob. */
export function readKnobs(prepared: PreparedSweep, count: number, rateOf: readonly number[]): KnobReader | undefined {
  const { spec } = prepared;
  const dims = spec.knobs.length;
  const ranges = spec.knobs.map((k) => k.range);
  const grid = spec.sampler.kind === 'grid';
  const levels = ranges.map(knobLevels);
  const positional = ranges.map((r) =>
    r.kind === 'values' && r.values.some((v) => typeof v === 'string') ? r.values : undefined,
  );
  // Written entries: the chip knobs in knob order, then the rules (knob -1).
  const entryKnob = [
    ...spec.knobs.flatMap((_, d) => (prepared.knobPaths[d] ? [d] : [])),
    ...prepared.derived.map(() => -1),
  ];
  const chipKnobs = entryKnob.length - prepared.derived.length;
  if (entryKnob.some((d, e) => rateOf[e]! >= 0 && d >= 0 && positional[d])) return undefined;
  const shapeEntries = entryKnob.flatMap((_, e) => (rateOf[e]! < 0 ? [e] : []));
  const rateEntries = entryKnob.flatMap((_, e) => (rateOf[e]! >= 0 ? [e] : []));
  const byLevel = (d: number): boolean => d >= 0 && (grid || ranges[d]!.kind !== 'float');
  const numericKey =
    shapeEntries.every((e) => byLevel(entryKnob[e]!)) &&
    shapeEntries.reduce((p, e) => p * levels[entryKnob[e]!]!, 1) <= 2 ** 52;
  const fill = grid ? undefined : unitFill(prepared, count);
  const unit = new Float64Array(dims);
  const level = new Float64Array(dims);
  const columns = new Float64Array(dims);
  const numbers = new Array<number>(dims).fill(0.5);
  const ruleValues = new Float64Array(prepared.derived.length);
  const rates = new Float64Array(3);

  const knobValue = (d: number): KnobValue => (positional[d] ? positional[d][level[d]!]! : columns[d]!);
  const entryValue = (e: number): KnobValue => (e < chipKnobs ? knobValue(entryKnob[e]!) : ruleValues[e - chipKnobs]!);
  const read = (index: number): void => {
    if (fill) fill(index, unit);
    let rest = index;
    for (let d = dims - 1; d >= 0; d--) {
      const range = ranges[d]!;
      let value: KnobValue;
      if (grid) {
        // Mixed radix, the first knob slowest (samplers.ts gridLevels).
        level[d] = rest % levels[d]!;
        rest = Math.floor(rest / levels[d]!);
        value = levelValue(range, level[d]!);
      } else if (range.kind === 'float') {
        level[d] = -1;
        value = unitValue(range, unit[d]!);
      } else {
        level[d] = unitLevel(unit[d]!, levels[d]!);
        value = levelValue(range, level[d]!);
      }
      columns[d] = positional[d] ? level[d]! : (value as number);
      // knobs.ts knobOrdinal, as writtenValues hands the rules.
      numbers[d] = typeof value === 'number' ? value : level[d]!;
    }
    for (let r = 0; r < ruleValues.length; r++) ruleValues[r] = prepared.derived[r]!.evaluate(numbers);
    for (const e of rateEntries) rates[rateOf[e]!] = entryValue(e) as number;
  };
  const shapeKey = (): number | string => {
    if (numericKey) {
      let key = 0;
      for (const e of shapeEntries) key = key * levels[entryKnob[e]!]! + level[entryKnob[e]!]!;
      return key;
    }
    let key = '';
    for (const e of shapeEntries) {
      const v = entryValue(e);
      key += `${typeof v}:${v}\u0000`;
    }
    return key;
  };
  return {
    columns,
    positional,
    rates,
    read,
    shapeKey,
    written: () => entryKnob.map((_, e) => entryValue(e)),
    values: () => spec.knobs.map((_, d) => knobValue(d)),
  };
}

/**
 * Results already computed, per owner object (a layer shape, a model), chip and system, under a key of
 * the other inputs: a plan search asks for the same layer times many times. Weak maps let presets and
 * models be collected; each key map is emptied when it reaches MAX_ENTRIES.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import type { SystemSpec } from './types.js';

export type Memo<T> = WeakMap<object, WeakMap<ChipSpec, WeakMap<SystemSpec, Map<string, T>>>>;

const MAX_ENTRIES = 100_000;

/** The memo's value for (owner, chip, system, key), computed on the first call. */
export function memoized<T>(
  memo: Memo<T>,
  owner: object,
  on: { readonly chip: ChipSpec; readonly system: SystemSpec },
  key: string,
  compute: () => T,
): T {
  let byChip = memo.get(owner);
  if (!byChip) memo.set(owner, (byChip = new WeakMap()));
  let bySystem = byChip.get(on.chip);
  if (!bySystem) byChip.set(on.chip, (bySystem = new WeakMap()));
  let values = bySystem.get(on.system);
  if (!values) bySystem.set(on.system, (values = new Map()));
  let value = values.get(key);
  if (value === undefined) {
    if (values.size >= MAX_ENTRIES) values.clear();
    values.set(key, (value = compute()));
  }
  return value;
}

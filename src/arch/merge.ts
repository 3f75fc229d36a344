/**
 * The merge behind `base:`: a chip or system file's fields over its preset, and presets declared as another
 * preset plus overrides. Objects merge key by key (the base's keys first, in order, then new ones), arrays
 * element by element, anything else is replaced.
 */

/** What may be written over a `T`: any subset of its fields, at any depth; arrays by element. */
export type Overrides<T> = T extends readonly (infer E)[]
  ? readonly Overrides<E>[]
  : T extends object
    ? { readonly [K in keyof T]?: Overrides<T[K]> }
    : T;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function mergeInto(base: unknown, override: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(override)) {
    return override.map((item: unknown, i) => (i < base.length ? mergeInto(base[i], item) : item));
  }
  if (isPlainObject(base) && isPlainObject(override)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) out[key] = key in base ? mergeInto(base[key], value) : value;
    return out;
  }
  return override;
}

/** `overrides` merged over `base` as `base:` merges a file over its preset. */
export function mergeOverrides<T>(base: T, overrides: Overrides<T>): T {
  return mergeInto(base, overrides) as T;
}

/**
 * `value` without the fields at `paths` (dotted keys, such as 'offChipMemory.latencyNs'): a variant lacking a field its
 * base has.
 */
export function omitFields<T>(value: T, paths: readonly string[]): T {
  const omitAt = (v: unknown, keys: readonly string[]): unknown => {
    const [key, ...rest] = keys;
    if (!isPlainObject(v) || key === undefined || !(key in v)) return v;
    if (rest.length === 0) return Object.fromEntries(Object.entries(v).filter(([k]) => k !== key));
    return { ...v, [key]: omitAt(v[key], rest) };
  };
  return paths.reduce<unknown>((v, path) => omitAt(v, path.split('.')), value) as T;
}

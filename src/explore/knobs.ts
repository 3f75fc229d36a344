/**
 * Knob values from unit coordinates, and designs from knob values. A sampler yields a point of [0, 1)^d;
 * each knob maps its coordinate to a value (discrete knobs by level, floats continuously), so every
 * sampler, NSGA-II included, works in the same unit cube. Chip fields are set by path with copies along
 * the path only, so a design shares everything it does not change with its base.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import type { KnobRange, KnobSpec } from './sweep-spec.js';

export type KnobValue = number | string;

/** Levels of a knob on a grid (a float range: its `steps`). */
export function knobLevels(range: KnobRange): number {
  switch (range.kind) {
    case 'int':
      return Math.floor((range.max - range.min) / range.step) + 1;
    case 'pow2':
      return Math.round(Math.log2(range.max / range.min)) + 1;
    case 'float':
      return range.min === range.max ? 1 : range.steps;
    case 'values':
      return range.values.length;
  }
}

/** The value of level `level` of a knob (0 .. levels-1). */
export function levelValue(range: KnobRange, level: number): KnobValue {
  switch (range.kind) {
    case 'int':
      return range.min + level * range.step;
    case 'pow2':
      return range.min * 2 ** level;
    case 'float': {
      const t = range.steps <= 1 ? 0 : level / (range.steps - 1);
      return range.log ? range.min * (range.max / range.min) ** t : range.min + t * (range.max - range.min);
    }
    case 'values':
      return range.values[level]!;
  }
}

/** The value at unit coordinate `u` in [0, 1]: discrete knobs pick a level, floats interpolate. */
export function unitValue(range: KnobRange, u: number): KnobValue {
  const clamped = Math.min(Math.max(u, 0), 1);
  if (range.kind === 'float')
    return range.log ? range.min * (range.max / range.min) ** clamped : range.min + clamped * (range.max - range.min);
  return levelValue(range, unitLevel(u, knobLevels(range)));
}

/** The level a discrete knob of `levels` levels takes at unit coordinate `u` (unitValue's choice). */
export function unitLevel(u: number, levels: number): number {
  return Math.min(levels - 1, Math.floor(Math.min(Math.max(u, 0), 1) * levels));
}

/** A number for a knob value (an enumerated string: its position), for rank correlations and NSGA-II. */
export function knobOrdinal(range: KnobRange, value: KnobValue): number {
  return typeof value === 'number' ? value : range.kind === 'values' ? range.values.indexOf(value) : Number.NaN;
}

/** The smallest and largest value of a knob. */
export function knobExtremes(knob: KnobSpec): readonly [KnobValue, KnobValue] {
  return [levelValue(knob.range, 0), levelValue(knob.range, knobLevels(knob.range) - 1)];
}

type PathKey = string | number;

/** `cores[0].matrixUnits[0].rows` -> ['cores', 0, 'matrixUnits', 0, 'rows'], or undefined when malformed. */
export function parseFieldPath(path: string): PathKey[] | undefined {
  const keys: PathKey[] = [];
  const re = /([A-Za-z_]\w*)|\[(\d+)\]|\./gy;
  let expectName = true;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) return undefined;
    if (m[1] !== undefined) {
      if (!expectName) return undefined;
      keys.push(m[1]);
      expectName = false;
    } else if (m[2] !== undefined) {
      if (expectName) return undefined;
      keys.push(Number(m[2]));
    } else {
      if (expectName) return undefined;
      expectName = true;
    }
  }
  return keys.length > 0 && !expectName ? keys : undefined;
}

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether `path` names an existing field of `value` (the last key may be new on an existing object). */
export function pathExists(value: unknown, keys: readonly PathKey[]): boolean {
  let node = value;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (typeof key === 'number') {
      if (!Array.isArray(node) || key >= node.length) return false;
      node = node[key];
    } else {
      if (!isObject(node)) return false;
      if (!(key in node) && i < keys.length - 1) return false;
      node = node[key];
    }
  }
  return true;
}

interface PathTrie {
  /** Assignment index whose value lands here (the last one wins, as when applied in order). */
  leaf?: number;
  readonly children: Map<PathKey, PathTrie>;
}

function buildTrie(paths: readonly (readonly PathKey[])[]): PathTrie {
  const root: PathTrie = { children: new Map() };
  paths.forEach((keys, i) => {
    let node = root;
    for (const key of keys) {
      let child = node.children.get(key);
      if (!child) node.children.set(key, (child = { children: new Map() }));
      node = child;
    }
    node.leaf = i;
    node.children.clear();
  });
  return root;
}

/** An object or array on a written path, seen as slots addressed by path keys. */
type PathNode = Readonly<Record<PathKey, unknown>> | readonly unknown[];

const isPathNode = (value: unknown): value is PathNode => typeof value === 'object' && value !== null;
const isArrayNode = (value: PathNode): value is readonly unknown[] => Array.isArray(value);

/**
 * `value` with the fields on the trie's paths replaced, copying the objects and arrays on the paths only.
 * The copy has `value`'s type, which the overload states and the compiler cannot see through a path known
 * at run time: each path names a field of the base and each value fits it, checked once per sweep
 * (design.ts prepareSweep: paths that exist, a valid chip at the knobs' extremes), so that a design costs
 * a few copies and no validation of the whole chip (sweeps write 1e4-1e6 designs/s).
 */
function copyAlong<T extends object>(value: T, node: PathTrie, values: readonly KnobValue[]): T;
function copyAlong(value: PathNode, node: PathTrie, values: readonly KnobValue[]): PathNode {
  const written = (old: unknown, child: PathTrie): unknown =>
    child.leaf !== undefined && child.children.size === 0
      ? values[child.leaf]
      : copyAlong(isPathNode(old) ? old : {}, child, values);
  if (isArrayNode(value)) {
    const copy = value.slice();
    for (const [key, child] of node.children) if (typeof key === 'number') copy[key] = written(copy[key], child);
    return copy;
  }
  const copy = { ...value };
  for (const [key, child] of node.children) copy[key] = written(copy[key], child);
  return copy;
}

/** A copy of `value` with the field at `keys` set, copying only the objects and arrays on the path. */
export function setPath<T extends object>(value: T, keys: readonly PathKey[], leaf: KnobValue): T {
  return copyAlong(value, buildTrie([keys]), [leaf]);
}

/**
 * The chip with each `(keys, value)` assignment applied in order, copying each object on the union of
 * the paths once (knobs under one matrix unit share one copy of it).
 */
export function applyToChip(
  base: ChipSpec,
  assignments: ReadonlyArray<readonly [readonly PathKey[], KnobValue]>,
): ChipSpec {
  const trie = buildTrie(assignments.map(([keys]) => keys));
  return copyAlong(
    base,
    trie,
    assignments.map(([, v]) => v),
  );
}

/** A reusable writer for a fixed list of paths: `write(base, values)` with values in path order. */
export function pathWriter(
  paths: readonly (readonly PathKey[])[],
): (base: ChipSpec, values: readonly KnobValue[]) => ChipSpec {
  const trie = buildTrie(paths);
  return (base, values) => copyAlong(base, trie, values);
}

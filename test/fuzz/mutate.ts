/**
 * Mutators for the fuzz suite: byte- and line-level damage for any file, value-level damage for
 * structured documents (JSON/YAML), and odd values for numbers and flags. Every choice comes from the
 * seeded `Rng`, so a case is reproduced by its seed and index.
 */
import { stringify as toYaml } from 'yaml';
import type { Rng } from '../../src/core/rng.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(0, items.length - 1)]!;
}

/**
 * Numbers a reader must refuse or bound. `huge` adds sizes that take a long time or much memory unless
 * a limit stops them (1e9 rows, 2^31 elements).
 */
export function oddNumberTexts(huge: boolean): readonly string[] {
  const plain = [
    '0',
    '-1',
    '-0',
    '1.5',
    '0.0001',
    'NaN',
    '-NaN',
    'Infinity',
    '-Infinity',
    '1e308',
    '-1e308',
    '1e-320',
    '',
    ' ',
    '0x10',
    '1_000',
    '007',
    '9007199254740993',
    '2147483648',
    '4294967297',
    '3e',
    '+',
    '.',
    'null',
    'true',
    '１２',
  ];
  return huge ? [...plain, '1e9', '1e12', '65536', '1000000', '2147483647'] : [...plain, '300', '4096'];
}

function oddJsonValue(rng: Rng, huge: boolean): Json {
  const choices: Json[] = [
    0,
    -1,
    1e308,
    -1e308,
    1.5,
    0.0001,
    '',
    'NaN',
    'Infinity',
    null,
    true,
    false,
    [],
    {},
    'x'.repeat(rng.int(1, 3) * 40_000),
    [1, 2, 3],
    { a: 1 },
  ];
  const hugeChoices: Json[] = huge ? [1e9, 1e12, 2 ** 31, 65536, 1e6] : [300, 4096];
  return pick(rng, [...choices, ...hugeChoices]);
}

/**
 * A marker for a value nested `depth` arrays or objects deep; `serialize` writes the nesting as text, so
 * the generator itself never recurses that deep.
 */
export function deepNest(depth: number, asObject: boolean): Json {
  return `DEEPNEST_${depth}_${asObject ? 'o' : 'a'}`;
}

function expandDeep(text: string): string {
  return text.replace(/"?DEEPNEST_(\d+)_([ao])"?/g, (_, n: string, kind: string) => {
    const depth = Number(n);
    return kind === 'o' ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  });
}

/** Paths of every node in a JSON value (object keys and array indices). */
function nodePaths(value: Json, path: (string | number)[], out: (string | number)[][]): void {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => nodePaths(v, [...path, i], out));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) nodePaths(v, [...path, k], out);
}

function getAt(root: Json, path: readonly (string | number)[]): Json {
  let v: Json = root;
  for (const p of path) v = (v as Record<string, Json>)[p as string]!;
  return v;
}

/** One value-level change to a parsed document; returns the new document and what was done. */
export function mutateJson(rng: Rng, doc: Json, huge: boolean): { doc: Json; what: string } {
  const root = structuredClone(doc);
  const paths: (string | number)[][] = [];
  nodePaths(root, [], paths);
  const path = pick(rng, paths.length > 1 ? paths.slice(1) : paths);
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1];
  const parent = parentPath.length === 0 && key === undefined ? undefined : getAt(root, parentPath);
  const at = path.join('.') || '(root)';
  const current = getAt(root, path);
  const set = (v: Json): Json => {
    if (parent === undefined || key === undefined) return v;
    (parent as Record<string, Json>)[key as string] = v;
    return root;
  };
  const op = rng.int(0, 7);
  if (op === 0 && parent !== undefined && key !== undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete (parent as Record<string, Json>)[key as string];
    return { doc: root, what: `delete ${at}` };
  }
  if (op === 1 && typeof current === 'number') {
    const v = pick(rng, [0, -1, -current, current * 1000, current + 0.5, 1e308, huge ? current * 1e6 : current * 3]);
    return { doc: set(v), what: `${at}: ${current} -> ${v}` };
  }
  if (op === 2) {
    const typed: Json =
      typeof current === 'number'
        ? String(current)
        : typeof current === 'string'
          ? Number(current.length)
          : Array.isArray(current)
            ? { ...current }
            : current !== null && typeof current === 'object'
              ? Object.values(current)
              : String(current);
    return { doc: set(typed), what: `${at}: type change` };
  }
  if (op === 3)
    return { doc: set(deepNest(pick(rng, [100, 1000, 5000, 20_000]), rng.next() < 0.5)), what: `${at}: nested deep` };
  if (op === 4 && Array.isArray(current) && current.length > 0) {
    const n = pick(rng, [0, 2, 50, huge ? 500 : 200]); // bigger files are slow to parse as YAML (seconds per MB)
    return {
      doc: set(
        n === 0
          ? []
          : Array.from({ length: current.length * n }, (_, i) => structuredClone(current[i % current.length]!)),
      ),
      what: `${at}: array x${n}`,
    };
  }
  if (op === 5 && current !== null && typeof current === 'object' && !Array.isArray(current)) {
    (current as Record<string, Json>)[pick(rng, ['__proto__', 'constructor', 'extra', '', 'toString', 'base'])] =
      oddJsonValue(rng, huge);
    return { doc: root, what: `${at}: odd key` };
  }
  const v = oddJsonValue(rng, huge);
  return { doc: set(v), what: `${at}: -> ${JSON.stringify(v).slice(0, 40)}` };
}

/** Serializes a document as the file kind asks; YAML may use the flow or block style. */
export function serialize(doc: Json, yaml: boolean): string {
  return expandDeep(yaml ? toYaml(doc, { aliasDuplicateObjects: false }) : JSON.stringify(doc, null, 1));
}

/** Damage to raw text: lines, numbers, bytes. */
export function mutateText(rng: Rng, text: string, huge: boolean): { text: string; what: string } {
  const lines = text.split('\n');
  const i = rng.int(0, Math.max(0, lines.length - 1));
  const op = rng.int(0, 8);
  if (op === 0) return { text: lines.filter((_, j) => j !== i).join('\n'), what: `delete line ${i + 1}` };
  if (op === 1)
    return {
      text: [...lines.slice(0, i + 1), ...Array(pick(rng, [1, 2, 100])).fill(lines[i]), ...lines.slice(i + 1)].join(
        '\n',
      ),
      what: `repeat line ${i + 1}`,
    };
  if (op === 2 || op === 3) {
    const numbers = [...text.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
    if (numbers.length > 0) {
      const m = pick(rng, numbers);
      const v = pick(rng, oddNumberTexts(huge));
      return {
        text: text.slice(0, m.index) + v + text.slice(m.index + m[0].length),
        what: `number ${m[0]} at ${m.index} -> '${v.slice(0, 20)}'`,
      };
    }
  }
  if (op === 4) {
    const at = rng.int(0, text.length);
    return { text: text.slice(0, at), what: `truncate at ${at}` };
  }
  if (op === 5) {
    const at = rng.int(0, text.length);
    const junk = pick(rng, [
      '\0',
      '\r',
      '\r\n',
      '\t',
      '"',
      "'",
      '{',
      '[',
      ']',
      '}',
      ':',
      ',',
      '#',
      ';',
      '&a',
      '*a',
      '!!binary',
      '\uFEFF',
      '\u2028',
      'x'.repeat(100_000),
    ]);
    return {
      text: text.slice(0, at) + junk + text.slice(at),
      what: `insert ${JSON.stringify(junk.slice(0, 10))} at ${at}`,
    };
  }
  if (op === 6)
    return {
      text: lines.map((l) => l.replace(/\n/g, '')).join(pick(rng, ['\r\n', '\r', '\n\n'])),
      what: 'line endings',
    };
  const bytes = mutateBytes(rng, new TextEncoder().encode(text));
  return { text: new TextDecoder().decode(bytes.bytes), what: bytes.what };
}

/** Damage to raw bytes: flips, truncation, deletion, duplication of a span. */
export function mutateBytes(rng: Rng, input: Uint8Array): { bytes: Uint8Array; what: string } {
  const bytes = new Uint8Array(input);
  const n = bytes.length;
  const op = rng.int(0, 4);
  if (n === 0) return { bytes: Uint8Array.of(rng.int(0, 255)), what: 'one byte' };
  if (op === 0) {
    const flips = rng.int(1, 8);
    for (let k = 0; k < flips; k++) {
      const at = rng.int(0, n - 1);
      bytes[at] = bytes[at]! ^ (1 << rng.int(0, 7));
    }
    return { bytes, what: `${flips} bit flips` };
  }
  if (op === 1) {
    const at = rng.int(0, n - 1);
    return { bytes: bytes.subarray(0, at), what: `truncate at ${at}` };
  }
  if (op === 2) {
    const at = rng.int(0, n - 1);
    const len = rng.int(1, Math.min(64, n - at));
    return {
      bytes: Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + len)]),
      what: `delete ${len} bytes at ${at}`,
    };
  }
  if (op === 3) {
    const at = rng.int(0, n - 1);
    const len = rng.int(1, Math.min(64, n - at));
    return {
      bytes: Uint8Array.from([...bytes.subarray(0, at + len), ...bytes.subarray(at, n)]),
      what: `duplicate ${len} bytes at ${at}`,
    };
  }
  const at = rng.int(0, n - 1);
  bytes[at] = pick(rng, [0x00, 0xff, 0x7f, 0x80]);
  return { bytes, what: `byte ${at} = extreme` };
}

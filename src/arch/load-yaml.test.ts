import { describe, expect, it } from 'vitest';
import { MAX_YAML_ALIASES, MAX_YAML_BYTES, parseChip, parseStructuredText } from './load.js';

/** Each level lists the previous one nine times: 9^depth strings from a few lines. */
function aliasBomb(depth: number): string {
  const names = Array.from({ length: depth }, (_, i) => `l${i}`);
  return [
    `${names[0]}: &${names[0]} ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`,
    ...names.slice(1).map((n, i) => `${n}: &${n} [${Array(9).fill(`*${names[i]}`).join(',')}]`),
  ].join('\n');
}

describe('YAML aliases', () => {
  it('refuses a "billion laughs" file as an issue instead of expanding it (it used to throw)', () => {
    const result = parseStructuredText(aliasBomb(9), 'bomb.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues).toHaveLength(1);
      expect(result.issues[0]!.path).toBe('bomb.yaml');
      expect(result.issues[0]!.message).toContain(`at most ${MAX_YAML_ALIASES} alias uses per file`);
    }
    expect(parseChip(aliasBomb(9), 'bomb.yaml').ok).toBe(false);
  });

  it('still resolves the few aliases a real file uses', () => {
    const result = parseStructuredText('unit: &u { rows: 128, cols: 128 }\nunits: [*u, *u]\n', 'chip.yaml');
    expect(result).toEqual({
      ok: true,
      value: {
        unit: { rows: 128, cols: 128 },
        units: [
          { rows: 128, cols: 128 },
          { rows: 128, cols: 128 },
        ],
      },
    });
  });
});

describe('YAML size', () => {
  it(
    'refuses YAML over 1 MiB at once, naming the limit (a 2.7 MB chip file took 8 s to parse before ' +
      'validation refused it)',
    () => {
      const big = `cores:\n${'  - { count: 1, name: x }\n'.repeat(Math.ceil(MAX_YAML_BYTES / 25) + 1)}`;
      const result = parseStructuredText(big, 'big.yaml');
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.issues[0]!.message).toMatch(/exceeds the 1 MiB limit for YAML; write it as JSON/);
      expect(parseStructuredText(JSON.stringify({ cores: [] }), 'ok.json').ok).toBe(true);
    },
  );
});

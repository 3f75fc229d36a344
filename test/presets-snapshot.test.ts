/**
 * Every chip and system preset as it resolves (derived presets merged over their base), byte for byte
 * against test/snapshots/presets.json: restructuring how presets are declared must not move a number, a
 * citation or the order of a key. A change that should move them regenerates the file with
 * `npx vitest run test/presets-snapshot.test.ts -u` and shows its diff for review.
 */
import { describe, expect, it } from 'vitest';
import { CHIP_PRESETS, SYSTEM_PRESETS } from '../src/index.js';

describe('resolved presets', () => {
  it('match the committed snapshot byte for byte', async () => {
    const resolved = `${JSON.stringify({ chips: CHIP_PRESETS, systems: SYSTEM_PRESETS }, null, 2)}\n`;
    await expect(resolved).toMatchFileSnapshot('./snapshots/presets.json');
  });
});

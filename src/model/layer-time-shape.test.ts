import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { chipContext } from './estimate.js';
import { denseGemmActivity } from './power-clock.js';
import { layerTimeOf } from './types.js';

// V8's own check of two objects' hidden class (map); functions compiled after the flag is set may use it.
setFlagsFromString('--allow-natives-syntax');
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

describe('LayerTime objects keep one shape (issue 19)', () => {
  it("a layer whose byte counts pass 2^31 (the power model's dense GEMM) leaves the shape of later ones alone", () => {
    const before = layerTimeOf(100, 60, 40, 10, 5, 'compute', 4096, 8192);
    // An 8192^3 GEMM on a systolic chip counts more than 2^31 on-chip bytes.
    const tpu = getChipPreset('tpu-v4');
    const activity = denseGemmActivity(tpu, chipContext(tpu, 'bf16'));
    expect(activity.matrixUtilization).toBeGreaterThan(0);
    const after = layerTimeOf(100, 60, 40, 10, 5, 'compute', 4096, 8192);
    // A changed shape deprecates the one the estimate loop was compiled for: estimates ran 3-4x slower after it.
    expect(sameMap(before, after)).toBe(true);
  });
});

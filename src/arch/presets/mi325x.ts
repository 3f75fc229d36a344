import { GIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { citeOffChipMemory, deriveChip } from './builders.js';
import { MI300X } from './mi300x.js';
import { cite } from './sources.js';

/**
 * AMD Instinct MI325X (2024): the MI300X's CDNA 3 compute (304 CUs at 2.1 GHz) with 256 GiB of HBM3E at 6 TB/s and a
 * 1000 W limit.
 */
export const MI325X: ChipSpec = deriveChip(
  MI300X,
  {
    name: 'mi325x',
    description:
      'AMD Instinct MI325X (2024): the MI300X compute (304 CUs x 4 matrix cores, 256 MiB Infinity Cache) with ' +
      '256 GiB HBM3E at 6 TB/s, 1000 W',
    offChipMemory: { kind: 'HBM3E', capacityBytes: 256 * GIB, bandwidthBytesPerS: 6000e9 },
    technology: { tdpW: 1000, sustainedClockHz: 1261e6 },
  },
  {
    'cores[0].matrixUnits[0].formats': cite(
      'amdMi325x',
      'dense: 1307.4 TFLOPS bf16/fp16, 2614.9 fp8 and int8',
      'published',
      "the MI300X's figures (same CDNA 3 compute dies and clock); fp8 is the FNUZ variant as on MI300X",
    ),
    ...citeOffChipMemory({
      kind: cite('amdMi325x', 'HBM3E, 8 stacks'),
      capacityBytes: cite('rocmGpuSpecs', 'MI325X: 256 GiB'),
      bandwidthBytesPerS: cite(
        'amdMi325x',
        '6 TB/s peak HBM bandwidth',
        'published',
        'read through re-publications of the product page',
      ),
    }),
    'technology.tdpW': cite(
      'amdMi325x',
      '1000 W total board power',
      'published',
      'recalled from the product page, not re-read',
    ),
    'technology.sustainedClockHz': cite(
      'mlEngineering',
      'MAMF table: AMD MI325X at 1000 W, 784.9 TFLOP/s bf16 (PyTorch TunableOp), best shape 13312x10240x8192',
      'derived',
      "784.9 / 1307.4 x 2100 MHz = 1261 MHz (60% of peak); folds in the hipBLASLt kernels' losses besides power " +
        'capping',
    ),
  },
);

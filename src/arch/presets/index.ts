import { unknownNameMessage } from '../../core/errors.js';
import { ArchError } from '../errors.js';
import type { ChipSpec } from '../chip-spec.js';
import { A10 } from './a10.js';
import { A100 } from './a100.js';
import { A100_40GB } from './a100-40gb.js';
import { A100_PCIE } from './a100-pcie.js';
import { B200 } from './b200.js';
import { GAUDI2 } from './gaudi2.js';
import { GAUDI3 } from './gaudi3.js';
import { GH200 } from './gh200.js';
import { H100_SXM } from './h100.js';
import { H100_PCIE } from './h100-pcie.js';
import { H200 } from './h200.js';
import { H800 } from './h800.js';
import { L40S } from './l40s.js';
import { MTIA_V1, MTIA_V2 } from './mtia.js';
import { MI300X } from './mi300x.js';
import { MI325X } from './mi325x.js';
import { TPU_V1 } from './tpu-v1.js';
import { TPU_V2 } from './tpu-v2.js';
import { TPU_V3 } from './tpu-v3.js';
import { TPU_V4 } from './tpu-v4.js';
import { TPU_V4I } from './tpu-v4i.js';
import { TPU_V5E } from './tpu-v5e.js';
import { TPU_V5P } from './tpu-v5p.js';
import { TPU_V6E } from './tpu-v6e.js';
import { TPU_V7 } from './tpu-v7.js';
import { T4 } from './t4.js';
import { TRAINIUM2 } from './trainium2.js';
import { V100_SXM } from './v100.js';

/**
 * Chip presets by name, in the order `tpusim chips` lists them: Google TPUs by generation, then NVIDIA
 * (by generation, variants after their base), AMD, Intel, AWS and Meta.
 */
export const CHIP_PRESETS: Readonly<Record<string, ChipSpec>> = {
  'tpu-v1': TPU_V1,
  'tpu-v2': TPU_V2,
  'tpu-v3': TPU_V3,
  'tpu-v4': TPU_V4,
  'tpu-v4i': TPU_V4I,
  'tpu-v5e': TPU_V5E,
  'tpu-v5p': TPU_V5P,
  'tpu-v6e': TPU_V6E,
  'tpu-v7': TPU_V7,
  'v100-sxm': V100_SXM,
  t4: T4,
  a100: A100,
  'a100-40gb': A100_40GB,
  'a100-pcie': A100_PCIE,
  a10: A10,
  'h100-sxm': H100_SXM,
  'h100-pcie': H100_PCIE,
  h800: H800,
  h200: H200,
  gh200: GH200,
  l40s: L40S,
  b200: B200,
  mi300x: MI300X,
  mi325x: MI325X,
  gaudi2: GAUDI2,
  gaudi3: GAUDI3,
  trainium2: TRAINIUM2,
  'mtia-v1': MTIA_V1,
  'mtia-v2': MTIA_V2,
};

export function chipPresetNames(): string[] {
  return Object.keys(CHIP_PRESETS);
}

export function getChipPreset(name: string): ChipSpec {
  const chip = CHIP_PRESETS[name];
  if (!chip) throw new ArchError('unknown_chip', unknownNameMessage('chip', name, chipPresetNames()));
  return chip;
}

import { unknownNameMessage } from '../../core/errors.js';
import { ArchError } from '../errors.js';
import type { ChipSpec } from '../chip-spec.js';
import { TPU_V1 } from './tpu-v1.js';
import { TPU_V4 } from './tpu-v4.js';

/** Chip presets by name, in the order `tpusim chips` lists them. */
export const CHIP_PRESETS: Readonly<Record<string, ChipSpec>> = {
  'tpu-v1': TPU_V1,
  'tpu-v4': TPU_V4,
};

export function chipPresetNames(): string[] {
  return Object.keys(CHIP_PRESETS);
}

export function getChipPreset(name: string): ChipSpec {
  const chip = CHIP_PRESETS[name];
  if (!chip) throw new ArchError('unknown_chip', unknownNameMessage('chip', name, chipPresetNames()));
  return chip;
}

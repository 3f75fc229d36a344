/** `--chip NAME|FILE`: a preset name, or a JSON/YAML file. */
import { CHIP_PRESETS, TpusimError, chipPresetNames, loadChip, unknownNameMessage, type ChipSpec } from '../index.js';
import { fileExists, readTextFile } from './io.js';

export function resolveChip(nameOrPath: string): ChipSpec {
  const preset = CHIP_PRESETS[nameOrPath];
  if (preset) return preset;
  if (/\.(json|ya?ml)$/i.test(nameOrPath) || fileExists(nameOrPath)) {
    return loadChip(readTextFile(nameOrPath, 'chip file'), nameOrPath);
  }
  throw new TpusimError(
    'unknown_chip',
    `${unknownNameMessage('chip', nameOrPath, chipPresetNames())}; or give a .json/.yaml chip file`,
  );
}

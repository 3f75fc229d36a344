/**
 * Arguments of the cluster commands: a transformer (zoo name or Hugging Face config.json), a system
 * (preset or file), the chip (default: the system's), and plain numbers with their limits.
 */
import {
  getChipPreset,
  loadSystem,
  parseStructuredText,
  powerCappedChip,
  SYSTEM_PRESETS,
  systemPresetNames,
  TpusimError,
  transformerModel,
  unknownNameMessage,
  zooModelNames,
  getZooEntry,
  formatIssues,
  parseDecimal,
  whyNotDecimal,
  type ChipSpec,
  type SystemSpec,
  type TransformerModel,
} from '../index.js';
import { stringOption, UsageError, type ParsedArgs } from './args.js';
import { resolveChip } from './chip-arg.js';
import { fileExists, readTextFile } from './io.js';

export const TRANSFORMER_HELP = `MODEL is a transformer from the zoo (${zooModelNames()
  .filter((n) => getZooEntry(n)?.config)
  .join(', ')}) or a Hugging Face config.json.`;

export function readTransformer(name: string, seq: number): TransformerModel {
  if (/\.json$/i.test(name) || fileExists(name)) {
    const parsed = parseStructuredText(readTextFile(name, 'model config'), name);
    if (!parsed.ok) throw new TpusimError('bad_model', formatIssues(parsed.issues), { issues: parsed.issues });
    return transformerModel({ config: parsed.value, file: name }, seq);
  }
  return transformerModel({ zoo: name }, seq);
}

/** `--system NAME|FILE`, or the preset built from the chip when none is named. */
export function resolveSystem(values: ParsedArgs['values'], chipName: string | undefined): SystemSpec {
  const text = stringOption(values, 'system');
  if (text !== undefined) {
    const preset = SYSTEM_PRESETS[text];
    if (preset) return preset;
    if (/\.(json|ya?ml)$/i.test(text) || fileExists(text)) return loadSystem(readTextFile(text, 'system file'), text);
    throw new TpusimError(
      'unknown_system',
      `${unknownNameMessage('system', text, systemPresetNames())}; or give a .json/.yaml system file`,
    );
  }
  const matching = Object.values(SYSTEM_PRESETS).find((s) => s.chip === chipName);
  if (chipName !== undefined && matching) return matching;
  throw new UsageError(
    `needs --system NAME|FILE (presets: ${systemPresetNames().join(', ')})` +
      `${chipName ? `; no preset system is built from ${chipName}` : ''}`,
  );
}

/** The chip: --chip, else the system's. */
export function resolveClusterChip(values: ParsedArgs['values']): { chip: ChipSpec; system: SystemSpec } {
  const chipName = stringOption(values, 'chip');
  if (chipName !== undefined) {
    const chip = resolveChip(chipName);
    return { chip: powerLimited(values, chip), system: resolveSystem(values, chip.name) };
  }
  if (stringOption(values, 'system') === undefined)
    throw new UsageError('needs --chip NAME|FILE or --system NAME|FILE (the system names its chip)');
  const system = resolveSystem(values, undefined);
  return { chip: powerLimited(values, getChipPreset(system.chip)), system };
}

/** `--power-limit W`, where a command declares it: the chip under a lower board limit (model/power-cap.ts). */
export function powerLimited(values: ParsedArgs['values'], chip: ChipSpec): ChipSpec {
  const limitW = positiveNumber('--power-limit', stringOption(values, 'power-limit'), 1e5);
  return limitW === undefined ? chip : powerCappedChip(chip, limitW, '--power-limit');
}

/**
 * A number flag's value: finite, in plain or exponent notation (core/parse-number.ts), or a usage error naming the
 * flag.
 */
function finiteNumber(name: string, text: string, expected: string): number {
  const value = parseDecimal(text);
  if (value === undefined) throw new UsageError(`${name} must be ${expected}, got '${text}' (${whyNotDecimal(text)})`);
  return value;
}

/** A positive number (seconds, rates), in plain or exponent notation. */
export function positiveNumber(name: string, text: string | undefined, max = Number.MAX_VALUE): number | undefined {
  if (text === undefined) return undefined;
  const value = finiteNumber(name, text, 'a positive number');
  if (!(value > 0)) throw new UsageError(`${name} must be a positive number, got '${text}'`);
  if (value > max) throw new UsageError(`${name} = ${value} exceeds the limit ${max}`);
  return value;
}

/** A non-negative number (seconds that may be zero). */
export function nonNegativeNumber(name: string, text: string | undefined, max = Number.MAX_VALUE): number | undefined {
  if (text === undefined) return undefined;
  const value = finiteNumber(name, text, 'a number >= 0');
  if (!(value >= 0)) throw new UsageError(`${name} must be a number >= 0, got '${text}'`);
  if (value > max) throw new UsageError(`${name} = ${value} exceeds the limit ${max}`);
  return value;
}

/** A share in [0, 1), such as the part of a die that redundancy repairs. */
export function shareBelowOne(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = finiteNumber(name, text, 'a share in [0, 1)');
  if (!(value >= 0 && value < 1)) throw new UsageError(`${name} must be a share in [0, 1), got '${text}'`);
  return value;
}

export const MAX_CHIPS = 100_000_000;

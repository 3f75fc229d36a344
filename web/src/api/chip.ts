/** Requests of the Chip page: presets, validation of an edited spec, derived figures, area and cost. */
import {
  CHIP_PRESETS,
  chipArea,
  chipCost,
  chipPower,
  chipPowerModel,
  chipPresetNames,
  CostTrace,
  DEFAULT_COST_BOOK,
  peakOpsPerS,
  ridgePointOpsPerByte,
  validateChip,
  type ChipSpec,
  type MatrixInputFormat,
} from '../../../src/web.js';

export interface ChipSource {
  readonly preset?: string;
  /** An edited spec, as JSON text. */
  readonly text?: string;
}

/** The chip a request names: a preset, or edited JSON (validated; every problem with its path). */
export function resolveChipSource(source: ChipSource): ChipSpec {
  if (source.text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(source.text);
    } catch (error) {
      throw new Error(`the spec is not valid JSON: ${(error as Error).message}`);
    }
    const issues = validateChip(parsed);
    if (issues.length > 0)
      throw new Error(
        issues.map((i) => (i.path && !i.message.startsWith(i.path) ? `${i.path}: ${i.message}` : i.message)).join('\n'),
      );
    return parsed as ChipSpec;
  }
  const chip = CHIP_PRESETS[source.preset ?? 'tpu-v4'];
  if (!chip) throw new Error(`unknown chip '${source.preset}'`);
  return chip;
}

export const chipApi = {
  chipNames: (_args: object): string[] => chipPresetNames(),
  chipSpec: (args: { preset: string }): string => JSON.stringify(resolveChipSource({ preset: args.preset }), null, 2),
  /** Validation issues of edited JSON, each with its path (empty when valid). */
  validateSpec: (args: { text: string }): Array<{ path: string; message: string }> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(args.text);
    } catch (error) {
      return [{ path: '', message: `not valid JSON: ${(error as Error).message}` }];
    }
    return validateChip(parsed).map((i) => ({
      path: i.path,
      message: i.path && !i.message.startsWith(i.path) ? `${i.path}: ${i.message}` : i.message,
    }));
  },
  chipSummary: (args: ChipSource & { volume?: number }) => {
    const chip = resolveChipSource(args);
    const formats = chip.cores[0]!.matrixUnits[0]!.formats.map((f) => f.input as MatrixInputFormat);
    const cost = chipCost(chip, DEFAULT_COST_BOOK, { volume: args.volume ?? 100_000 });
    return {
      name: chip.name,
      description: chip.description ?? '',
      clockHz: chip.clockHz,
      peaks: formats.map((f) => ({
        format: f,
        opsPerS: peakOpsPerS(chip, f),
        ridgeOpsPerByte: ridgePointOpsPerByte(chip, f),
      })),
      memory: chip.offChipMemory,
      area: chipArea(chip, new CostTrace(DEFAULT_COST_BOOK)),
      publishedDieMm2: chip.technology?.dieAreaMm2,
      cost,
      power: chipPower(chip),
      /**
       * Power by mechanism under dense GEMMs at the clock DVFS holds (what `tpusim cost --json` gives as powerModel).
       */
      powerModel: chipPowerModel(chip),
      estimates: Object.values(chip.citations ?? {}).filter((c) => c.status === 'estimate').length,
      citations: Object.keys(chip.citations ?? {}).length,
    };
  },
};

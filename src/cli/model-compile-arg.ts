/**
 * The start that `tpusim compile MODEL` and `tpusim run MODEL` share: their options, the chip they
 * need, and the model read and checked against the work limits before anything is compiled.
 */
import type { ChipSpec, Graph } from '../index.js';
import { stringOption, UsageError, type ParsedArgs } from './args.js';
import { COMPILE_OPTIONS } from './compile-arg.js';
import type { Io } from './io.js';
import { checkModelWork, LIMIT_OPTIONS } from './limits.js';
import { MODEL_OPTIONS, readModel } from './model-arg.js';

/** The model's options (batch, sequence), the compiler's and the work limits. */
export const MODEL_COMPILE_OPTIONS = { ...MODEL_OPTIONS, ...COMPILE_OPTIONS, ...LIMIT_OPTIONS } as const;

/** `--chip NAME|FILE`, which compiling a model needs; `who` names what needs it in the usage error. */
export function requiredChipName(values: ParsedArgs['values'], who: string): string {
  const chipName = stringOption(values, 'chip');
  if (!chipName) throw new UsageError(`${who} needs --chip NAME|FILE (tpusim chips lists the presets)`);
  return chipName;
}

/** The model, its work checked against the limits for the chip (`run`: the program runs, with tensor values). */
export function readCheckedModel(
  model: string,
  chip: ChipSpec,
  values: ParsedArgs['values'],
  run: boolean,
  io: Io,
): Graph {
  const graph = readModel(model, values);
  checkModelWork(graph, chip, values, run, io);
  return graph;
}

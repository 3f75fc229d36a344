/**
 * The matrix unit of a chip as an `ArrayConfig`, optionally rebuilt with another dataflow or input
 * format (a what-if variant: any systolic array can be built with any of the dataflows and formats
 * tpusim models; the chip's own lists say what the real part supports).
 */
import {
  DATAFLOWS,
  MATRIX_INPUT_FORMATS,
  type ChipSpec,
  type Dataflow,
  type MatrixInputFormat,
  type MatrixUnitSpec,
} from '../../arch/chip-spec.js';
import { unknownNameMessage } from '../../core/errors.js';
import { SimError } from '../errors.js';
import type { ArrayConfig } from './types.js';

export interface ChipArray {
  readonly array: ArrayConfig;
  readonly unit: MatrixUnitSpec;
  /** Matrix units of this kind on the whole chip. */
  readonly unitsOnChip: number;
  /** What differs from the chip as published, one sentence each. */
  readonly variantNotes: readonly string[];
}

export function chipArray(
  chip: ChipSpec,
  options: { readonly dataflow?: string; readonly format?: string } = {},
): ChipArray {
  const core = chip.cores[0]!;
  const unit = core.matrixUnits[0]!;
  const notes: string[] = [];
  const dataflow = (options.dataflow ?? unit.dataflows[0]!) as Dataflow;
  if (!(DATAFLOWS as readonly string[]).includes(dataflow))
    throw new SimError('bad_dataflow', unknownNameMessage('dataflow', dataflow, DATAFLOWS));
  if (!unit.dataflows.includes(dataflow))
    notes.push(
      `${chip.name}'s matrix unit is built ${unit.dataflows.join('/')}; this runs a variant built ${dataflow}`,
    );
  const format = (options.format ?? unit.formats[0]!.input) as MatrixInputFormat;
  if (!(MATRIX_INPUT_FORMATS as readonly string[]).includes(format)) {
    throw new SimError('bad_format', unknownNameMessage('matrix input format', format, MATRIX_INPUT_FORMATS));
  }
  if (!unit.formats.some((f) => f.input === format)) {
    notes.push(
      `${chip.name}'s matrix unit multiplies ${unit.formats.map((f) => f.input).join('/')}; this runs a variant ` +
        `that multiplies ${format}`,
    );
  }
  return {
    array: { rows: unit.rows, cols: unit.cols, dataflow, format, doubleBuffered: unit.doubleBufferedWeights },
    unit,
    unitsOnChip: core.count * unit.count,
    variantNotes: notes,
  };
}

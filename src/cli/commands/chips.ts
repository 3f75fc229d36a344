import {
  CHIP_PRESETS,
  formatBytes,
  formatSI,
  formatTable,
  matrixUnitCount,
  summarizeChip,
  type ChipSpec,
  type MatrixUnitSpec,
} from '../../index.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { resolveChip } from '../chip-arg.js';
import { printJson, type Command } from '../command.js';
import type { Io } from '../io.js';
import { sourcesSection } from '../sources-text.js';

/** A unit as `count x RxC` plus its dataflow (systolic arrays) or kind (tensor cores, whose dataflow is nominal). */
function unitLabel(count: number, unit: MatrixUnitSpec): string {
  const kind = unit.kind ?? 'systolic';
  return `${count} x ${unit.rows}x${unit.cols} ${kind === 'systolic' ? unit.dataflows[0] : kind}`;
}

/** Peaks grouped by value: `989.4 TOPS bf16/fp16, 1.979 POPS fp8-e4m3/int8`. */
function groupedPeaks(peaks: Readonly<Record<string, number>>): string {
  const groups = new Map<number, string[]>();
  for (const [format, value] of Object.entries(peaks)) groups.set(value, [...(groups.get(value) ?? []), format]);
  return [...groups].map(([value, formats]) => `${formatSI(value, 'OPS')} ${formats.join('/')}`).join(', ');
}

function chipRow(chip: ChipSpec): Array<string | number> {
  const s = summarizeChip(chip);
  const defaultFormat = Object.keys(s.ridgePointOpsPerByte)[0]!;
  return [
    chip.name,
    unitLabel(matrixUnitCount(chip), chip.cores[0]!.matrixUnits[0]!),
    formatSI(chip.clockHz, 'Hz'),
    groupedPeaks(s.peakOpsPerS),
    `${s.ridgePointOpsPerByte[defaultFormat]!.toFixed(0)} ${defaultFormat}`,
    formatBytes(s.onChipBytes),
    `${formatBytes(s.offChipBytes)} ${chip.offChipMemory.kind} @ ${formatSI(s.offChipBandwidthBytesPerS, 'B/s')}`,
  ];
}

export const chipsCommand: Command = {
  name: 'chips',
  summary: 'list the chip presets',
  usage:
    'tpusim chips [--json]\n\n  Lists the built-in chip presets with their matrix units, peak throughput (1 MAC ' +
    '= 2 ops) and memories.',
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('chips', argv, { json: { type: 'boolean' } });
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`chips takes no arguments, got '${positionals[0]}'`);
    const chips = Object.values(CHIP_PRESETS);
    if (values['json']) {
      printJson(io, 'chips', { chips: chips.map((c) => ({ ...summarizeChip(c), description: c.description })) });
      return 0;
    }
    io.out(
      formatTable(
        ['chip', 'matrix units', 'clock', 'dense peak (1 MAC = 2 ops)', 'ridge (ops/B)', 'on-chip', 'off-chip'],
        chips.map(chipRow),
      ),
    );
    return 0;
  },
};

function describeChip(chip: ChipSpec): string {
  const s = summarizeChip(chip);
  const lines: string[] = [`${chip.name}: ${chip.description ?? ''}`.trim(), ''];
  lines.push(`clock                 ${formatSI(chip.clockHz, 'Hz')}`);
  const sustained = chip.technology?.sustainedClockHz;
  if (sustained !== undefined) {
    const status = chip.citations?.['technology.sustainedClockHz']?.status;
    lines.push(
      `sustained clock       ${formatSI(sustained, 'Hz')} (${((100 * sustained) / chip.clockHz).toFixed(0)}% of ` +
        `the clock${status ? `, ${status}` : ''}; tensor-core work is timed at it)`,
    );
  }
  chip.cores.forEach((core, i) => {
    lines.push(`cores[${i}]              ${core.count} x ${core.name ?? 'core'}`);
    core.matrixUnits.forEach((u) => {
      const formats = u.formats
        .map((f) => `${f.input}->${f.accumulator}${f.rate === undefined ? '' : ` x${f.rate}`}`)
        .join(', ');
      const kind = u.kind ?? 'systolic';
      const feed =
        kind === 'systolic'
          ? `dataflows ${u.dataflows.join('/')}, formats ${formats}, tiles ` +
            `${u.doubleBufferedWeights ? 'double-buffered' : 'single-buffered'}, weight FIFO ${u.weightFifoTiles} ` +
            `tiles`
          : `${kind}s (dataflow nominal), formats ${formats}, ${u.weightFifoTiles} operand stages`;
      lines.push(`  matrix units        ${u.count} x ${u.rows}x${u.cols}, ${feed}`);
    });
    lines.push(
      `  vector unit         ${core.vectorUnit.lanes} lanes x ${core.vectorUnit.opsPerLanePerCycle} ops/cycle`,
    );
    lines.push(
      `  unified buffer      ${formatBytes(core.unifiedBuffer.sizeBytes)} @ ` +
        `${formatSI(core.unifiedBuffer.bandwidthBytesPerS, 'B/s')}`,
    );
    lines.push(
      `  accumulators        ${formatBytes(core.accumulators.sizeBytes)} @ ` +
        `${formatSI(core.accumulators.bandwidthBytesPerS, 'B/s')}`,
    );
    if (core.registerFileBytes !== undefined)
      lines.push(`  register file       ${formatBytes(core.registerFileBytes)}`);
  });
  if (chip.sharedMemory)
    lines.push(
      `shared memory         ${formatBytes(chip.sharedMemory.sizeBytes)} @ ` +
        `${formatSI(chip.sharedMemory.bandwidthBytesPerS, 'B/s')}`,
    );
  const t = chip.gpuTiling;
  if (t)
    lines.push(
      `GEMM tiling           ${t.tileM}x${t.tileN}x${t.tileK} tiles (m x n x k), ${t.blocksPerSm} block` +
        `${t.blocksPerSm === 1 ? '' : 's'} per ${chip.cores[0]!.name ?? 'core'}`,
    );
  lines.push(
    `off-chip memory       ${formatBytes(chip.offChipMemory.capacityBytes)} ${chip.offChipMemory.kind} @ ` +
      `${formatSI(chip.offChipMemory.bandwidthBytesPerS, 'B/s')}, ~${chip.offChipMemory.latencyNs} ns`,
  );
  lines.push(
    `host link             ${chip.hostLink.kind} @ ${formatSI(chip.hostLink.bandwidthBytesPerS, 'B/s')} per direction`,
  );
  if (chip.chipLinks)
    lines.push(
      `chip links            ${chip.chipLinks.count} x ${chip.chipLinks.kind} @ ` +
        `${formatSI(chip.chipLinks.bandwidthBytesPerSPerLink, 'B/s')}`,
    );
  lines.push('', 'derived (1 MAC = 2 ops):');
  for (const [format, peak] of Object.entries(s.peakOpsPerS)) {
    lines.push(
      `  peak ${format.padEnd(8)}       ${formatSI(peak, 'OPS')}, ridge point ` +
        `${s.ridgePointOpsPerByte[format]!.toFixed(1)} ops per off-chip byte`,
    );
  }
  lines.push(`  vector              ${formatSI(s.vectorOpsPerS, 'OPS')}`);
  lines.push(`  on-chip memory      ${formatBytes(s.onChipBytes)}`);
  lines.push(...sourcesSection('field', Object.entries(chip.citations ?? {}), chip.sources ?? {}));
  return lines.join('\n');
}

export const chipCommand: Command = {
  name: 'chip',
  summary: 'show one chip: structure, derived peaks, and the source of every number',
  usage:
    'tpusim chip show NAME|FILE [--json]\n\n  NAME is a preset (see tpusim chips); FILE is a .json or .yaml chip ' +
    'description,\n  optionally starting from a preset with `base: tpu-v4`.',
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('chip', argv, { json: { type: 'boolean' } });
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals[0] !== 'show' || positionals.length !== 2)
      throw new UsageError('usage: tpusim chip show NAME|FILE [--json]');
    const chip = resolveChip(positionals[1]!);
    if (values['json']) printJson(io, 'chip', { chip, derived: summarizeChip(chip) });
    else io.out(describeChip(chip));
    return 0;
  },
};

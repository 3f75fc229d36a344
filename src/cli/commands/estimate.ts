import {
  criticalPathCycles,
  estimateGraph,
  formatBytes,
  formatSI,
  formatTable,
  ridgePointOpsPerByte,
  compareSvg,
  estimateRooflineSvg,
  estimateTimelineSvg,
  trimNumber,
  validationFor,
  type ChipSpec,
  type GraphEstimate,
  type Graph,
} from '../../index.js';
import { choice, outputPaths, parseCommandArgs, stringOption, UsageError } from '../args.js';
import { resolveChip } from '../chip-arg.js';
import { powerLimited } from '../cluster-arg.js';
import { printJson, type Command } from '../command.js';
import { writeCharts, type Io } from '../io.js';
import { notFirmByStatus } from '../sources-text.js';
import { MODEL_HELP, MODEL_OPTIONS, readModel } from '../model-arg.js';
import { runCompareServe } from './compare-serve.js';
import { serveAsked, SERVE_HELP, SERVE_OPTIONS } from './serving-cost.js';
import { SLO_HELP, SLO_OPTIONS } from './serving-slo.js';
import { estimatePowerLines, estimatePowerOf } from '../power-lines.js';

const us = (s: number): string => trimNumber(s * 1e6, 4);

/** The format to estimate in: --dtype, else the chip's default. */
function dtypeFor(chip: ChipSpec, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const formats = chip.cores[0]!.matrixUnits[0]!.formats.map((f) => f.input as string);
  return choice('--dtype', text, formats);
}

function layerTable(e: GraphEstimate): string {
  return formatTable(
    ['layer', 'op', 'output', 'FLOPs', 'off-chip bytes', 'time (us)', 'util %', 'bound', 'energy (uJ)'],
    e.layers
      .filter((l) => l.cycles > 0)
      .map((l) => [
        l.name,
        l.kind,
        l.shape.join('x'),
        formatSI(l.flops, ''),
        formatBytes(l.offChipBytes),
        us(l.timeS),
        trimNumber(l.utilization * 100, 3),
        l.bound,
        trimNumber(l.energyJ * 1e6, 4),
      ]),
  );
}

function totals(e: GraphEstimate, chip: ChipSpec, graph: Graph): string {
  const share = (b: string): number =>
    e.layers.filter((l) => l.bound === b).reduce((s, l) => s + l.timeS, 0) / (e.totalTimeS || 1);
  const critical = criticalPathCycles(e, graph) / chip.clockHz;
  const en = e.energy;
  return [
    `${e.model} on ${e.chip} (${e.dtype}, batch ${e.batch}` +
      `${e.cores > 1 ? `, spread over ${e.cores} cores` : ''}): ${us(e.totalTimeS)} us, ` +
      `${formatSI(e.achievedOpsPerS, 'OPS')} achieved of ${formatSI(e.peakOpsPerS, 'OPS')} peak (` +
      `${trimNumber(e.utilization * 100, 3)}%; 1 MAC = 2 ops)`,
    `time by bound: ` +
      (['compute', 'memory', 'vector', 'latency'] as const)
        .map((b) => `${b} ${trimNumber(share(b) * 100, 3)}%`)
        .join(', ') +
      `; ` +
      `critical path ${us(critical)} us if independent layers overlapped`,
    `energy ${trimNumber(e.energyJ * 1e3, 4)} mJ (matrix ${trimNumber(en.matrixJ * 1e3, 3)}, vector ` +
      `${trimNumber(en.vectorJ * 1e3, 3)}, on-chip memory ${trimNumber(en.onChipJ * 1e3, 3)}, off-chip memory ` +
      `${trimNumber(en.offChipJ * 1e3, 3)}, host link ${trimNumber(en.linkJ * 1e3, 3)}, static ` +
      `${trimNumber(en.staticJ * 1e3, 3)} mJ); average power ${trimNumber(e.averagePowerW, 4)} W`,
    `inputs and outputs over the host link: ${us(e.ioTimeS)} us (not in the total); weights ` +
      `${formatBytes(e.weightBytes)}`,
    ...(e.feasible ? [] : e.reasons.map((r) => `DOES NOT FIT: ${r}`)),
    ...e.warnings.map((w) => `note: ${w}`),
    estimatesNote(chip),
  ]
    .filter((l) => l)
    .join('\n');
}

/** How many of the chip's numbers are not published (estimates), so readers know how far to trust them. */
function estimatesNote(chip: ChipSpec): string {
  const all = Object.entries(chip.citations ?? {});
  const groups = [...notFirmByStatus(all).entries()];
  if (groups.length === 0) return '';
  const count = groups.reduce((n, [, names]) => n + names.length, 0);
  const byStatus = groups.map(([status, names]) => `${names.length} ${status}`).join(', ');
  return (
    `note: ${count} of the ${all.length} numbers in ${chip.name}'s description are not published (` +
    `${byStatus}); tpusim chip show ${chip.name} lists their sources`
  );
}

const ESTIMATE_OPTIONS = {
  chip: { type: 'string' },
  dtype: { type: 'string' },
  cores: { type: 'string' },
  svg: { type: 'string' },
  timeline: { type: 'string' },
  'power-limit': { type: 'string' },
  json: { type: 'boolean' },
  ...MODEL_OPTIONS,
} as const;

function coresOption(text: string | undefined): 'all' | 1 {
  return choice('--cores', text ?? 'all', ['all', '1']) === '1' ? 1 : 'all';
}

export const estimateCommand: Command = {
  name: 'estimate',
  summary: 'time, energy and bottlenecks of a model on a chip, layer by layer, in closed form',
  usage: `tpusim estimate MODEL --chip NAME|FILE [--batch B] [--seq S] [--dtype FORMAT] [--cores all|1]
                [--svg roofline.svg] [--timeline timeline.svg] [--power-limit W] [--json]

  The analytical model (docs/model.md): every layer's time from the chip's matrix units, memories,
  vector unit and links, the resource that bounds it (compute, memory, vector or latency), its
  utilization and energy; totals, energy by part and average power. On a TPU-style chip the layers
  spread over all cores (--cores 1: one core, as the compiler and the simulator run them); GPU-style
  chips are timed from CTA tiles in waves over their SMs. --svg writes the roofline by layer and
  --timeline the layers in order, coloured by what bounds them: the charts of the UI's Model page.
  --power-limit W times the chip under a board power limit below its rated one (docs/cluster.md).
  The total is printed with the held-out error of kernel predictions in the validation suite
  (docs/validation.md), or says the chip lies outside every validated regime.
  ${MODEL_HELP}`,
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('estimate', argv, ESTIMATE_OPTIONS);
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('estimate needs one MODEL; see tpusim estimate --help');
    const chipName = stringOption(values, 'chip');
    if (!chipName) throw new UsageError('estimate needs --chip NAME|FILE (tpusim chips lists the presets)');
    const { svg, timeline } = outputPaths(values, ['svg', 'timeline']);
    const chip = powerLimited(values, resolveChip(chipName));
    const graph = readModel(positionals[0]!, values, { weights: 'shapes' });
    const dtype = dtypeFor(chip, stringOption(values, 'dtype'));
    const e = estimateGraph(graph, chip, {
      ...(dtype ? { dtype } : {}),
      cores: coresOption(stringOption(values, 'cores')),
    });
    writeCharts([
      { path: svg, draw: () => estimateRooflineSvg(e, chip.offChipMemory) },
      { path: timeline, draw: () => estimateTimelineSvg(e) },
    ]);
    // The layers are GEMM, attention and element-wise kernels: the kernels category's error applies to each.
    const validation = validationFor('kernels', { chip: chip.name, chips: 1 });
    const power = estimatePowerOf(e, chip);
    if (values['json']) {
      printJson(io, 'estimate', {
        ...e,
        power,
        ridgePointOpsPerByte: ridgePointOpsPerByte(chip, e.dtype),
        criticalPathS: criticalPathCycles(e, graph) / chip.clockHz,
        validation,
        ...(svg ? { svg } : {}),
        ...(timeline ? { timeline } : {}),
      });
      return 0;
    }
    io.out(layerTable(e));
    io.out('');
    io.out(totals(e, chip, graph));
    io.out(estimatePowerLines(power, e).join('\n'));
    io.out(
      `time ${us(e.totalTimeS)} us; its kernels ${validation.text}; whole forward passes are not validated on ` +
        `their own`,
    );
    for (const path of [svg, timeline]) if (path) io.out(`wrote ${path}`);
    return 0;
  },
};

export const compareCommand: Command = {
  name: 'compare',
  summary: 'the same model on several chips, side by side',
  usage: `tpusim compare MODEL --chips NAME,NAME,... [--batch B] [--seq S] [--svg compare.svg] [--json]
               [--serve] [--slo-ttft TIME] [--slo-tpot TIME] [--percentile P] [--lengths FILE] [--costbook FILE]

  Estimates MODEL on each chip in its default format (tpusim estimate) and lists time, throughput,
  utilization, energy and power side by side; --svg writes the times as a bar chart. A chip the model
  does not fit is listed with the reason.
  --serve (or an SLO flag, or --lengths) compares serving a transformer instead: for each chip the
  fewest chips that hold it and meet the SLOs, requests/s, output tokens/s per chip, the cost of a
  chip-hour (market price, else cost to build; --costbook) and $ per million output and input tokens.
  ${SERVE_HELP}
  ${SLO_HELP}
  ${MODEL_HELP}`,
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('compare', argv, {
      chips: { type: 'string' },
      svg: { type: 'string' },
      json: { type: 'boolean' },
      costbook: { type: 'string' },
      ...MODEL_OPTIONS,
      ...SLO_OPTIONS,
      ...SERVE_OPTIONS,
    });
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('compare needs one MODEL; see tpusim compare --help');
    const names = (stringOption(values, 'chips') ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n);
    if (names.length === 0)
      throw new UsageError('compare needs --chips NAME,NAME,... (tpusim chips lists the presets)');
    const { svg } = outputPaths(values, ['svg']);
    const chips = names.map(resolveChip);
    if (serveAsked(values)) {
      if (svg) throw new UsageError('--svg draws the forward-pass times; it does not go with --serve');
      return runCompareServe(io, values, positionals[0]!, chips);
    }
    const graph = readModel(positionals[0]!, values, { weights: 'shapes' });
    const results = chips.map((chip) => ({ chip, e: estimateGraph(graph, chip) }));
    writeCharts([
      {
        path: svg,
        draw: () =>
          compareSvg(
            graph.name,
            results.map(({ e }) => e),
          ),
      },
    ]);
    if (values['json']) {
      printJson(io, 'compare', {
        model: graph.name,
        chips: results.map(({ e }) => ({
          chip: e.chip,
          dtype: e.dtype,
          totalTimeS: e.totalTimeS,
          achievedOpsPerS: e.achievedOpsPerS,
          utilization: e.utilization,
          energyJ: e.energyJ,
          averagePowerW: e.averagePowerW,
          feasible: e.feasible,
          reasons: e.reasons,
          warnings: e.warnings,
        })),
        ...(svg ? { svg } : {}),
      });
      return 0;
    }
    const batch = results[0]?.e.batch ?? 1;
    io.out(
      formatTable(
        [
          'chip',
          'format',
          'time (us)',
          'per second',
          'achieved',
          'util %',
          'energy (mJ)',
          'power (W)',
          'per joule',
          'fits',
        ],
        results.map(({ e }) => [
          e.chip,
          e.dtype,
          us(e.totalTimeS),
          formatSI(batch / e.totalTimeS, ''),
          formatSI(e.achievedOpsPerS, 'OPS'),
          trimNumber(e.utilization * 100, 3),
          trimNumber(e.energyJ * 1e3, 4),
          trimNumber(e.averagePowerW, 4),
          formatSI(batch / e.energyJ, ''),
          e.feasible ? 'yes' : 'no',
        ]),
      ),
    );
    io.out(`(${graph.name} at batch ${batch}; per second and per joule count inferences; 1 MAC = 2 ops)`);
    for (const { e } of results) for (const r of e.reasons) io.out(`${e.chip}: DOES NOT FIT: ${r}`);
    if (svg) io.out(`wrote ${svg}`);
    return 0;
  },
};

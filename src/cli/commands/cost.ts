import {
  estimateChipCost,
  chipPower,
  chipPowerModel,
  costWaterfallSvg,
  formatTable,
  trimNumber,
  YIELD_MODELS,
  type ChipCost,
  type ChipPowerModel,
} from '../../index.js';
import { mechanismText } from '../power-lines.js';
import { choice, outputPaths, parseCommandArgs, positiveInteger, stringOption, UsageError } from '../args.js';
import { resolveChip } from '../chip-arg.js';
import { shareBelowOne } from '../cluster-arg.js';
import { printJson, type Command } from '../command.js';
import { costSources, estimatesLine, resolveCostBook } from '../costbook-arg.js';
import { writeCharts, type Io } from '../io.js';

const usd = (x: number): string => `$${x >= 100 ? Math.round(x).toLocaleString('en-US') : trimNumber(x, 3)}`;
const mm2 = (x: number): string => trimNumber(x, 4);

function report(c: ChipCost, published: number | undefined): string[] {
  const a = c.area;
  return [
    `${c.chip}: ${a.nodeNm} nm, ${c.dies} die${c.dies > 1 ? 's' : ''} of ${mm2(c.dieAreaMm2)} mm^2 (` +
      `${mm2(a.totalMm2)} mm^2 of silicon)` +
      (published === undefined
        ? ''
        : `; published die ${published} ` +
          `mm^2 (model ` +
          `${a.totalMm2 >= published ? '+' : ''}` +
          `${trimNumber((100 * a.totalMm2) / published - 100, 3)}%)`),
    formatTable(
      ['area', 'mm^2', 'share %'],
      [
        ...a.blocks
          .filter((b) => b.mm2 > 0)
          .map((b) => [b.label, mm2(b.mm2), trimNumber((100 * b.mm2) / a.totalMm2, 3)]),
      ],
    ),
    `wafer: ${c.grossDiesPerWafer} gross dies per 300 mm wafer, ${c.yieldModel} yield ` +
      `${trimNumber(c.dieYield * 100, 3)}% at ${c.defectsPerCm2} defects/cm^2, ` +
      `${trimNumber(c.goodDiesPerWafer, 4)} good dies at ${usd(c.waferPriceUsd)} per wafer`,
    formatTable(
      ['cost per accelerator', 'USD'],
      [
        [`logic die${c.dies > 1 ? 's' : ''}`, usd(c.costs.diesUsd)],
        [
          `memory (${trimNumber(c.memoryGB, 4)} GB ${c.advancedPackage ? 'HBM in package' : 'DRAM on board'})`,
          usd(c.costs.memoryUsd),
        ],
        [
          c.advancedPackage
            ? `package (interposer, ${c.interposersPerWafer} per wafer; assembly and test)`
            : 'package and test',
          usd(c.costs.packageUsd),
        ],
        [`package yield loss (${trimNumber(c.packageYield * 100, 3)}% yield)`, usd(c.costs.packageYieldLossUsd)],
        ['board', usd(c.costs.boardUsd)],
        [`design (NRE ${usd(c.nreTotalUsd)} over ${c.volume.toLocaleString('en-US')})`, usd(c.costs.nreUsd)],
        ['total', usd(c.costPerChipUsd)],
      ],
    ),
    ...c.notes.map((n) => `note: ${n}`),
  ];
}

function powerModelLines(m: ChipPowerModel): string[] {
  const g = m.denseGemm;
  return [
    `power by mechanism (model/power.ts; leakage on the ${m.dieAreaSource} ${trimNumber(m.dieAreaMm2, 4)} mm^2), ` +
      `dense GEMMs back to back: board ${trimNumber(g.power.boardW, 4)} W at ${trimNumber(g.clockHz / 1e6, 4)} MHz ` +
      `= ${mechanismText(g.power)} W`,
    `sustained clock (modelled, not the preset's measured one): ${trimNumber(g.clockHz / 1e6, 4)} MHz, ` +
      (g.limitedBy === 'power'
        ? 'power-limited'
        : g.limitedBy === 'clock'
          ? 'at the published clock'
          : 'no power limit published') +
      `: ` +
      `${g.reason}`,
    `every MAC busy and memory at full bandwidth, at the published clock: board ${trimNumber(m.atPeak.boardW, 4)} W`,
  ];
}

export const costCommand: Command = {
  name: 'cost',
  summary: 'die area, dies per wafer, yield, cost per chip at a volume, and power',
  usage: `tpusim cost --chip NAME|FILE [--volume N] [--yield poisson|murphy|seeds|negative-binomial]
            [--harvest SHARE] [--costbook FILE] [--svg waterfall.svg] [--json]

  Area from the chip's description, component by component (docs/cost.md), then dies per 300 mm
  wafer, die yield, and the cost of one accelerator: logic dies, memory, package, board and the design
  cost spread over --volume accelerators (default 100,000). --harvest is the share of the die that
  redundancy repairs. Power at peak activity from the energy model, against the published TDP; power
  by mechanism under dense GEMMs and the clock DVFS holds under the TDP (model/power.ts). Every
  constant comes from the cost book; --costbook FILE (JSON/YAML, key: value) overrides entries, and
  the report names the figures used that are estimates. --svg writes the cost per chip as a
  waterfall, part by part, as the UI's Economics page draws it.`,
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('cost', argv, {
      chip: { type: 'string' },
      volume: { type: 'string' },
      yield: { type: 'string' },
      harvest: { type: 'string' },
      costbook: { type: 'string' },
      svg: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length > 0)
      throw new UsageError(`cost takes no positional arguments, got '${positionals[0]}'; name the chip with --chip`);
    const chipName = stringOption(values, 'chip');
    if (!chipName) throw new UsageError('cost needs --chip NAME|FILE (tpusim chips lists the presets)');
    const { svg } = outputPaths(values, ['svg']);
    const chip = resolveChip(chipName);
    const book = resolveCostBook(values);
    const volume = positiveInteger('--volume', stringOption(values, 'volume') ?? '100000', 1e12);
    const yieldText = stringOption(values, 'yield');
    const harvest = shareBelowOne('--harvest', stringOption(values, 'harvest'));
    const estimate = estimateChipCost(chip, book, {
      volume,
      ...(yieldText ? { yieldModel: choice('--yield', yieldText, YIELD_MODELS) } : {}),
      ...(harvest !== undefined ? { harvestShare: harvest } : {}),
    });
    if (!estimate.feasible) {
      if (values['json'])
        printJson(io, 'cost', { chip: chip.name, feasible: false, reasons: estimate.reasons, area: estimate.area });
      io.err(`tpusim: ${chip.name} cannot be built, so it has no cost: ${estimate.reasons.join('; ')}`);
      return 1;
    }
    const c = estimate.cost;
    const power = chipPower(chip);
    const powerModel = chipPowerModel(chip);
    writeCharts([{ path: svg, draw: () => costWaterfallSvg(c) }]);
    if (values['json']) {
      printJson(io, 'cost', {
        feasible: true,
        ...c,
        power,
        powerModel,
        estimates: c.estimates.map((k) => ({ key: k, ...book[k] })),
        ...(svg ? { svg } : {}),
      });
      return 0;
    }
    io.out(report(c, chip.technology?.dieAreaMm2).join('\n'));
    const published = power.tdpW !== undefined ? `; published TDP ${power.tdpW} W` : '';
    io.out(
      `power at peak activity (energy model): ${trimNumber(power.peakW, 4)} W = static ` +
        `${trimNumber(power.staticW, 4)}${power.staticIsEstimate ? ' (estimate)' : ' (measured idle)'} + MACs ` +
        `${trimNumber(power.matrixW, 3)} + on-chip memory ${trimNumber(power.onChipW, 3)} + off-chip memory ` +
        `${trimNumber(power.offChipW, 3)}${published} (the model prices arithmetic and memory traffic, not ` +
        `control, clocks or register files)`,
    );
    io.out(powerModelLines(powerModel).join('\n'));
    io.out([estimatesLine(book, c.estimates), ...costSources(book, c.estimates)].join('\n'));
    if (svg) io.out(`wrote ${svg}`);
    return 0;
  },
};

import {
  chipCost,
  CostTrace,
  formatSI,
  formatTable,
  planSupply,
  SUPPLY_SCENARIOS,
  supplySharesSvg,
  trimNumber,
  type SupplyPlan,
} from '../../index.js';
import { outputPaths, parseCommandArgs, positiveInteger, stringOption, UsageError } from '../args.js';
import { resolveChip } from '../chip-arg.js';
import { shareBelowOne } from '../cluster-arg.js';
import { printJson, type Command } from '../command.js';
import { estimatesLine, resolveCostBook } from '../costbook-arg.js';
import { writeCharts, type Io } from '../io.js';

const usd = (x: number): string => `$${formatSI(x, '')}`;

function table(plan: SupplyPlan): string {
  return formatTable(
    ['resource', 'demand', 'world supply today', 'share %', 'capital for new capacity'],
    plan.resources.map((r) => [
      r.resource,
      `${formatSI(r.demand, '')} ${r.unit}`,
      `${formatSI(r.supply, '')} ${r.unit}`,
      trimNumber(r.share * 100, 3),
      usd(r.capitalUsd),
    ]),
  );
}

export const fabCommand: Command = {
  name: 'fab',
  summary: 'the logic wafers, advanced packaging and HBM a fleet of accelerators needs, and which binds',
  usage: `tpusim fab --chip NAME|FILE [--accelerators-per-year N] [--harvest SHARE] [--costbook FILE]
           [--svg supply.svg] [--json]

  From the chip's dies per wafer and yield, package and memory (tpusim cost): leading-edge logic wafer
  starts per month and the fab modules they fill, CoWoS-class interposer wafers per month, HBM per
  year; each against the world's output today (cost book), the capital to build that much new
  capacity, and the resource that binds first. Without --accelerators-per-year: 1M and 10M a year.
  --svg writes each resource's share of world supply as bars, as the UI's Economics page draws them.`,
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('fab', argv, {
      chip: { type: 'string' },
      'accelerators-per-year': { type: 'string' },
      harvest: { type: 'string' },
      costbook: { type: 'string' },
      svg: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`fab takes no positional arguments, got '${positionals[0]}'`);
    const chipName = stringOption(values, 'chip');
    if (!chipName) throw new UsageError('fab needs --chip NAME|FILE');
    const { svg } = outputPaths(values, ['svg']);
    const chip = resolveChip(chipName);
    const book = resolveCostBook(values);
    const nText = stringOption(values, 'accelerators-per-year');
    const counts =
      nText !== undefined
        ? [positiveInteger('--accelerators-per-year', nText, 1e12)]
        : SUPPLY_SCENARIOS.map((s) => s.acceleratorsPerYear);
    const harvest = shareBelowOne('--harvest', stringOption(values, 'harvest')) ?? 0;
    const c = chipCost(chip, book, { harvestShare: harvest });
    const trace = new CostTrace(book);
    const plans = counts.map((n) =>
      planSupply(
        {
          acceleratorsPerYear: n,
          logicDies: [
            { name: chip.name, nodeNm: c.area.nodeNm, perAccelerator: c.dies, goodDiesPerWafer: c.goodDiesPerWafer },
          ],
          hbmGBPerAccelerator: c.advancedPackage ? c.memoryGB : 0,
          advancedPackage: c.advancedPackage,
          packagesPerInterposerWafer: c.interposersPerWafer,
          packageYield: c.packageYield,
        },
        trace,
      ),
    );
    writeCharts([{ path: svg, draw: () => supplySharesSvg(chip.name, plans) }]);
    if (values['json']) {
      printJson(io, 'fab', {
        chip: chip.name,
        dies: c.dies,
        dieAreaMm2: c.dieAreaMm2,
        goodDiesPerWafer: c.goodDiesPerWafer,
        interposersPerWafer: c.interposersPerWafer,
        hbmGBPerAccelerator: c.advancedPackage ? c.memoryGB : 0,
        plans,
        estimates: [...new Set([...trace.estimates(), ...c.estimates])].sort(),
        ...(svg ? { svg } : {}),
      });
      return 0;
    }
    io.out(
      `${chip.name}: ${c.dies} x ${trimNumber(c.dieAreaMm2, 4)} mm^2 at ${c.area.nodeNm} nm, ` +
        `${trimNumber(c.goodDiesPerWafer, 4)} good dies per wafer; ` +
        (c.advancedPackage
          ? `${trimNumber(c.memoryGB, 4)} GB HBM, ` + (`${c.interposersPerWafer} ` + `interposers per wafer`)
          : 'DRAM off the package'),
    );
    for (const p of plans) {
      io.out('');
      io.out(
        `${p.input.acceleratorsPerYear.toLocaleString('en-US')} accelerators a year: ` +
          `${formatSI(p.logic.waferStartsPerMonth, '')} logic wafer starts a month (${trimNumber(p.logic.fabs, 3)} ` +
          `fab modules of ${formatSI(trace.value('fab.waferStartsPerMonth'), '')}); binding: ${p.binding}`,
      );
      io.out(table(p));
      io.out(`new capital for all three: ${usd(p.newCapitalUsd)}`);
    }
    io.out(estimatesLine(book, [...new Set([...trace.estimates(), ...c.estimates])].sort()));
    if (svg) io.out(`wrote ${svg}`);
    return 0;
  },
};

import {
  buildVsBuy,
  buildVsBuyTornadoSvg,
  chipHourSvg,
  chipsPerHost,
  CostTrace,
  formatSI,
  formatTable,
  inferenceRate,
  ownerPrice,
  DEFAULT_BUILD_VOLUME,
  provisionedPowerW,
  splitChipHour,
  tcoPerChip,
  tornado,
  trainingRate,
  trimNumber,
  TpusimError,
  type BuildVsBuyInput,
  type ChipSpec,
  type CostBook,
  type InputSwing,
  type WorkloadRate,
  HOURS_PER_YEAR,
  SECONDS_PER_HOUR,
} from '../../index.js';
import { outputPaths, parseCommandArgs, positiveInteger, stringOption, UsageError, type ParsedArgs } from '../args.js';
import { resolveChip } from '../chip-arg.js';
import { MAX_CHIPS, positiveNumber, readTransformer, resolveSystem } from '../cluster-arg.js';
import { printJson, type Command } from '../command.js';
import { estimatesLine, resolveCostBook } from '../costbook-arg.js';
import { writeCharts, type Io } from '../io.js';
import { readModel } from '../model-arg.js';
import {
  readServingAsk,
  serveAsked,
  servableModel,
  SERVE_HELP,
  SERVE_OPTIONS,
  servingJson,
  servingLine,
  servingRate,
  servingUsd,
  type ServingAsk,
  type ServingRate,
} from './serving-cost.js';
import { SLO_HELP, SLO_OPTIONS, sloText } from './serving-slo.js';

const usd = (x: number): string =>
  x >= 1e6 ? `$${formatSI(x, '')}` : x >= 100 ? `$${Math.round(x).toLocaleString('en-US')}` : `$${trimNumber(x, 3)}`;

interface Priced {
  readonly capexUsd: number;
  readonly how: string;
  readonly built?: { readonly variableCostUsd: number; readonly nreUsd: number; readonly estimates: readonly string[] };
}

/** What one accelerator costs its owner: --price, else its market price in the book, else its cost at the volume. */
function price(
  chip: ChipSpec,
  book: CostBook,
  volume: number,
  override: number | undefined,
  forceBuild = false,
): Priced {
  if (override !== undefined) return { capexUsd: override, how: `given price ${usd(override)}` };
  const p = ownerPrice(chip, book, volume, forceBuild);
  const c = p.built;
  if (!c) return { capexUsd: p.capexUsd, how: `market price ${usd(p.capexUsd)} (${p.status})` };
  return {
    capexUsd: c.costPerChipUsd,
    how:
      `built: ${usd(c.variableCostUsd)} to make + ${usd(c.costs.nreUsd)} of NRE at ` +
      `${volume.toLocaleString('en-US')} units`,
    built: { variableCostUsd: c.variableCostUsd, nreUsd: c.nreTotalUsd, estimates: c.estimates },
  };
}

function workloadRate(
  chip: ChipSpec,
  values: ParsedArgs['values'],
  workload: string,
  train: boolean,
  chips: number,
): WorkloadRate {
  if (!train) return inferenceRate(readModel(workload, values), chip);
  const seq = positiveInteger('--seq', stringOption(values, 'seq') ?? '4096', 1 << 24);
  const model = readTransformer(workload, 1);
  const system = resolveSystem(values['system'] !== undefined ? values : {}, chip.name);
  return trainingRate(model, chip, system, chips, Math.min(seq, model.maxPositions));
}

/**
 * Output tokens per second per chip serving the model at the SLOs, as the workload rate (unit: tokens, meaning output
 * tokens); a chip that cannot is a TpusimError with the reasons.
 */
function servingWorkloadRate(
  io: Io,
  ask: ServingAsk,
  chip: ChipSpec,
  values: ParsedArgs['values'],
): { rate: WorkloadRate; served: ServingRate } {
  const system = resolveSystem(values['system'] !== undefined ? values : {}, chip.name);
  const r = servingRate(io, ask, chip, system);
  if ('reasons' in r)
    throw new TpusimError(
      'does_not_fit',
      `${ask.model.name} cannot be served on ${chip.name} within ${sloText(ask.slo)}:\n` +
        `${r.reasons.map((x) => `  ${x}`).join('\n')}`,
    );
  return {
    rate: {
      perSecond: r.tokensPerSPerChip,
      powerW: provisionedPowerW(chip).watts,
      unit: 'tokens',
      feasible: true,
      reasons: [],
    },
    served: r,
  };
}

export const tcoCommand: Command = {
  name: 'tco',
  summary: 'total cost of ownership per chip-hour, work per dollar, and build vs buy against a GPU',
  usage: `tpusim tco --chip NAME|FILE --workload MODEL [--train] [--chips N] [--years Y] [--volume N]
           [--price USD] [--vs GPU] [--vs-price USD] [--system NAME|FILE] [--batch B] [--seq S]
           [--costbook FILE] [--svg tco.svg] [--tornado tornado.svg] [--json]
           [--serve] [--slo-ttft TIME] [--slo-tpot TIME] [--percentile P] [--lengths FILE]
           [--prompt P] [--output O] [--requests N] [--seed S]

  The owner's cost of one accelerator per year and per chip-hour (docs/cost.md): its price (the
  book's market price for chips sold on the market, else its cost to build at --volume, default
  100,000; --price overrides), its host and network share, the data-centre capacity and energy for
  its power (published TDP, else the energy model's), and maintenance. The workload sets the work per
  second: inferences of MODEL on one chip (tpusim estimate), or with --train the training tokens/s per
  chip of the best plan on --chips chips (default 1024) of the chip's system. Work per dollar follows,
  and the fleet's cost over --years. --vs GPU compares building this chip (at cost) with buying GPU
  (at market price) for the same work: the cost ratio, the break-even volume and the sensitivity of
  the ratio to the main assumptions (a tornado chart's data). --svg writes the cost of a chip-hour by
  part and, with --vs, --tornado the ratio's tornado chart: the charts of the UI's Economics page.
  A transformer one chip cannot hold (or any with --serve, an SLO or --lengths) is priced as LLM
  serving, the work in output tokens, the same way on the --vs GPU:
  ${SERVE_HELP}
  ${SLO_HELP}`,
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('tco', argv, {
      chip: { type: 'string' },
      workload: { type: 'string' },
      train: { type: 'boolean' },
      chips: { type: 'string' },
      years: { type: 'string' },
      volume: { type: 'string' },
      price: { type: 'string' },
      vs: { type: 'string' },
      'vs-price': { type: 'string' },
      system: { type: 'string' },
      batch: { type: 'string' },
      seq: { type: 'string' },
      costbook: { type: 'string' },
      svg: { type: 'string' },
      tornado: { type: 'string' },
      json: { type: 'boolean' },
      ...SLO_OPTIONS,
      ...SERVE_OPTIONS,
    });
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    const workload = stringOption(values, 'workload') ?? positionals[0];
    if (positionals.length > (stringOption(values, 'workload') ? 0 : 1))
      throw new UsageError('tco takes one workload: --workload MODEL');
    if (!workload) throw new UsageError('tco needs --workload MODEL (a zoo name, .onnx, config.json or topology .csv)');
    const chipName = stringOption(values, 'chip');
    if (!chipName) throw new UsageError('tco needs --chip NAME|FILE');
    const charts = outputPaths(values, ['svg', 'tornado']);
    if (charts.tornado !== undefined && stringOption(values, 'vs') === undefined)
      throw new UsageError('--tornado draws build vs buy: it needs --vs GPU');
    const chip = resolveChip(chipName);
    const book = resolveCostBook(values);
    const volume = positiveInteger('--volume', stringOption(values, 'volume') ?? String(DEFAULT_BUILD_VOLUME), 1e12);
    const chips = positiveInteger('--chips', stringOption(values, 'chips') ?? '1024', MAX_CHIPS);
    const trace = new CostTrace(book);
    const years = positiveNumber('--years', stringOption(values, 'years'), 100) ?? trace.value('tco.itLifeYears');
    const train = values['train'] === true;
    const priced = price(chip, book, volume, positiveNumber('--price', stringOption(values, 'price'), 1e9));
    const power = provisionedPowerW(chip);
    const tco = tcoPerChip(
      { chipCapexUsd: priced.capexUsd, chipPowerW: power.watts, chipsPerHost: chipsPerHost(chip) },
      trace,
    );
    const chipsGiven = stringOption(values, 'chips') !== undefined;
    let ask: ServingAsk | undefined;
    let served: ServingRate | undefined;
    let rate = train || !serveAsked(values) ? workloadRate(chip, values, workload, train, chips) : undefined;
    const serveModel = !train && (rate === undefined || !rate.feasible) ? servableModel(workload) : undefined;
    if (!train && serveAsked(values) && !serveModel)
      throw new UsageError(
        `--serve prices serving a transformer; ${workload} is not one (a zoo transformer or a Hugging Face ` +
          `config.json)`,
      );
    if (serveModel) {
      ask = readServingAsk(
        values,
        serveModel,
        chipsGiven ? chips : undefined,
        stringOption(values, 'vs') !== undefined ? 2 : 1,
      );
      ({ rate, served } = servingWorkloadRate(io, ask, chip, values));
    }
    if (!rate) throw new TpusimError('internal', 'no workload rate');
    if (!rate.feasible)
      throw new TpusimError('does_not_fit', `${workload} cannot run on ${chip.name}: ${rate.reasons.join('; ')}`);
    const workPerUsd = (rate.perSecond * 3600) / tco.usdPerChipHour;
    const fleetUsd = tco.usdPerChipHour * HOURS_PER_YEAR * years * chips;
    const vsName = stringOption(values, 'vs');
    let gpuServed: ServingRate | undefined;
    let versus:
      | {
          input: BuildVsBuyInput;
          result: ReturnType<typeof buildVsBuy>;
          bars: ReturnType<typeof tornado>;
          gpuHow: string;
        }
      | undefined;
    if (vsName) {
      const gpu = resolveChip(vsName);
      const gpuPriced = price(gpu, book, volume, positiveNumber('--vs-price', stringOption(values, 'vs-price'), 1e9));
      if (gpuPriced.built)
        throw new UsageError(
          `the cost book has no market price for ${gpu.name} (market.priceUsd.${gpu.name}); give --vs-price USD`,
        );
      const built = priced.built ?? price(chip, book, volume, undefined, true).built!;
      const gpuServing = ask ? servingWorkloadRate(io, ask, gpu, {}) : undefined;
      const gpuRate = gpuServing?.rate ?? workloadRate(gpu, values, workload, train, chips);
      gpuServed = gpuServing?.served;
      if (!gpuRate.feasible)
        throw new TpusimError('does_not_fit', `${workload} cannot run on ${gpu.name}: ${gpuRate.reasons.join('; ')}`);
      const input: BuildVsBuyInput = {
        custom: {
          name: chip.name,
          variableCostUsd: built.variableCostUsd,
          nreUsd: built.nreUsd,
          powerW: power.watts,
          chipsPerHost: chipsPerHost(chip),
          throughputPerChip: rate.perSecond,
        },
        gpu: {
          name: gpu.name,
          priceUsd: gpuPriced.capexUsd,
          powerW: provisionedPowerW(gpu).watts,
          chipsPerHost: chipsPerHost(gpu),
          throughputPerChip: gpuRate.perSecond,
        },
        volume,
        work: rate.perSecond * SECONDS_PER_HOUR * HOURS_PER_YEAR * years * chips,
      };
      const swing = (
        name: string,
        low: BuildVsBuyInput,
        high: BuildVsBuyInput,
        lowValue: number,
        highValue: number,
      ): InputSwing => ({ name, low, high, lowValue, highValue });
      const nreKey = Object.keys(book).find((k) => k.startsWith('nre.usd.') && book[k]!.value === built.nreUsd);
      const nre = nreKey ? book[nreKey]! : undefined;
      const gpuMarket = book[`market.priceUsd.${gpu.name}`];
      const extra: InputSwing[] = [
        swing(
          'volume (/10, x10)',
          { ...input, volume: Math.max(1, volume / 10) },
          { ...input, volume: volume * 10 },
          volume / 10,
          volume * 10,
        ),
      ];
      if (nre?.low !== undefined && nre.high !== undefined)
        extra.push(
          swing(
            'NRE',
            { ...input, custom: { ...input.custom, nreUsd: nre.low } },
            { ...input, custom: { ...input.custom, nreUsd: nre.high } },
            nre.low,
            nre.high,
          ),
        );
      if (
        gpuMarket?.low !== undefined &&
        gpuMarket.high !== undefined &&
        stringOption(values, 'vs-price') === undefined
      )
        extra.push(
          swing(
            `${gpu.name} price`,
            { ...input, gpu: { ...input.gpu, priceUsd: gpuMarket.low } },
            { ...input, gpu: { ...input.gpu, priceUsd: gpuMarket.high } },
            gpuMarket.low,
            gpuMarket.high,
          ),
        );
      extra.push(
        swing(
          'custom throughput (x0.7, x1.3)',
          { ...input, custom: { ...input.custom, throughputPerChip: 0.7 * rate.perSecond } },
          { ...input, custom: { ...input.custom, throughputPerChip: 1.3 * rate.perSecond } },
          0.7 * rate.perSecond,
          1.3 * rate.perSecond,
        ),
      );
      versus = {
        input,
        result: buildVsBuy(input, book),
        bars: tornado(input, book, undefined, extra),
        gpuHow: gpuPriced.how,
      };
    }
    const unit = rate.unit;
    const vs = versus;
    writeCharts([
      { path: charts.svg, draw: () => chipHourSvg({ chip: chip.name, years, perChipHour: splitChipHour(tco) }) },
      ...(vs
        ? [
            {
              path: charts.tornado,
              draw: () => buildVsBuyTornadoSvg({ chip: chip.name, unit, buildVsBuy: vs.result, tornado: vs.bars }),
            },
          ]
        : []),
    ]);
    if (values['json']) {
      printJson(io, 'tco', {
        chip: chip.name,
        workload,
        unit,
        price: priced,
        powerW: power.watts,
        powerSource: power.source,
        tco,
        usdPerChipHour: tco.usdPerChipHour,
        throughputPerChip: rate.perSecond,
        workPerUsd,
        chips,
        years,
        fleetUsd,
        ...(versus ? { buildVsBuy: versus.result, tornado: versus.bars } : {}),
        ...(ask && served
          ? {
              serving: servingJson(ask, served, tco.usdPerChipHour),
              usdPerMillionTokens: servingUsd(tco.usdPerChipHour, served),
            }
          : {}),
        ...(ask && gpuServed && versus
          ? { vsServing: servingJson(ask, gpuServed, versus.result.gpu.tco.usdPerChipHour) }
          : {}),
        estimates: [
          ...new Set([
            ...trace.estimates(),
            ...(priced.built?.estimates ?? []),
            ...(versus?.result.estimateKeys ?? []),
          ]),
        ].sort(),
        ...(charts.svg ? { svg: charts.svg } : {}),
        ...(charts.tornado ? { tornadoSvg: charts.tornado } : {}),
      });
      return 0;
    }
    io.out(
      `${chip.name}: ${priced.how}; ${trimNumber(power.watts, 4)} W provisioned (` +
        `${power.source === 'tdp' ? 'published TDP' : 'energy model, peak activity'}), ${chipsPerHost(chip)} per ` +
        `host`,
    );
    io.out(
      formatTable(
        ['per accelerator per year', 'USD'],
        [
          ['capital (chip, host share, network) over its life', usd(tco.capexUsdPerYear)],
          ['data-centre capacity for its power', usd(tco.facilityUsdPerYear)],
          ['energy', usd(tco.energyUsdPerYear)],
          ['maintenance', usd(tco.maintenanceUsdPerYear)],
          ['total', usd(tco.totalUsdPerYear)],
        ],
      ),
    );
    io.out(
      `${usd(tco.usdPerChipHour)} per chip-hour; ${workload}${train ? ' training' : ''}: ` +
        `${formatSI(rate.perSecond, `${unit}/s`)} per chip -> ${formatSI(workPerUsd, unit)} per dollar`,
    );
    if (ask && served) {
      const usdM = servingUsd(tco.usdPerChipHour, served);
      io.out(servingLine(ask, chip, served));
      io.out(
        `$/Mtok at the SLO: ${usd(usdM.output)} per million output tokens, ${usd(usdM.input)} per million input ` +
          `tokens, ${usd(usdM.total)} per million tokens of both (each charges the whole chip-hour to those tokens)`,
      );
      for (const why of served.serving.passedOver) io.out(`  passed over: ${why}`);
    }
    if (ask && gpuServed) io.out(servingLine(ask, resolveChip(vsName!), gpuServed));
    io.out(`a fleet of ${chips.toLocaleString('en-US')} for ${trimNumber(years, 3)} years: ${usd(fleetUsd)}`);
    if (versus) {
      const r = versus.result;
      io.out('');
      io.out(
        `build ${chip.name} vs buy ${r.gpu.name} (${versus.gpuHow}) for the same ${unit}: ` +
          `${usd(r.custom.usdPerWorkUnit * 1e6)} vs ${usd(r.gpu.usdPerWorkUnit * 1e6)} per million ${unit}; ratio ` +
          `${trimNumber(r.ratio, 3)} (${r.buildWins ? 'building is cheaper' : 'buying is cheaper'}); break-even ` +
          `volume ` +
          (Number.isFinite(r.breakEvenVolume) ? Math.ceil(r.breakEvenVolume).toLocaleString('en-US') : 'none') +
          ` ` +
          `(${r.breakEvenReason})`,
      );
      io.out(
        formatTable(
          ['assumption', 'low', 'high', 'ratio at low', 'ratio at high'],
          versus.bars.map((b) => [
            b.name,
            b.lowValue === undefined ? '' : trimNumber(b.lowValue, 4),
            b.highValue === undefined ? '' : trimNumber(b.highValue, 4),
            trimNumber(b.ratioAtLow, 3),
            trimNumber(b.ratioAtHigh, 3),
          ]),
        ),
      );
    }
    io.out(estimatesLine(book, [...new Set([...trace.estimates(), ...(priced.built?.estimates ?? [])])].sort()));
    for (const path of [charts.svg, charts.tornado]) if (path) io.out(`wrote ${path}`);
    return 0;
  },
};

/** `tpusim compare --serve`: each chip serving the model at the SLOs, its tokens/s per chip and $/Mtok. */
import {
  chipsPerHost,
  CostTrace,
  formatTable,
  ownerPrice,
  provisionedPowerW,
  tcoPerChip,
  trimNumber,
  type ChipSpec,
} from '../../index.js';
import { UsageError, type ParsedArgs } from '../args.js';
import { resolveSystem } from '../cluster-arg.js';
import { printJson } from '../command.js';
import { resolveCostBook } from '../costbook-arg.js';
import type { Io } from '../io.js';
import { readServingAsk, servableModel, servingJson, servingRate, servingUsd } from './serving-cost.js';
import { seconds, sloText, workloadText } from './serving-slo.js';

export function runCompareServe(
  io: Io,
  values: ParsedArgs['values'],
  modelName: string,
  chips: readonly ChipSpec[],
): number {
  const model = servableModel(modelName);
  if (!model)
    throw new UsageError(
      `compare --serve serves a transformer; ${modelName} is not one (a zoo transformer or a Hugging Face config.json)`,
    );
  const ask = readServingAsk(values, model, undefined, chips.length);
  const book = resolveCostBook(values);
  const rows = chips.map((chip) => {
    const r = servingRate(io, ask, chip, resolveSystem({}, chip.name));
    const usdPerChipHour = tcoPerChip(
      {
        chipCapexUsd: ownerPrice(chip, book).capexUsd,
        chipPowerW: provisionedPowerW(chip).watts,
        chipsPerHost: chipsPerHost(chip),
      },
      new CostTrace(book),
    ).usdPerChipHour;
    return { chip, r, usdPerChipHour };
  });
  if (values['json']) {
    printJson(io, 'compare-serve', {
      model: model.name,
      slo: ask.slo,
      percentile: ask.slo.percentile,
      workload: { source: ask.workload.source, samples: ask.workload.samples.length },
      chips: rows.map(({ chip, r, usdPerChipHour }) =>
        'reasons' in r
          ? { chip: chip.name, feasible: false, reasons: r.reasons, usdPerChipHour }
          : { chip: chip.name, feasible: true, reasons: [], ...servingJson(ask, r, usdPerChipHour) },
      ),
    });
    return 0;
  }
  const p = ask.slo.percentile === 50 ? 'p50' : ask.slo.percentile === 90 ? 'p90' : 'p99';
  const usd = (x: number): string => `$${trimNumber(x, 3)}`;
  io.out(
    `${model.name} served at ${sloText(ask.slo)}; ${workloadText(ask.workload)}; the fewest chips of each that ` +
      `hold it and meet the SLOs`,
  );
  io.out(
    formatTable(
      [
        'chip',
        'chips',
        'split',
        'format',
        'requests/s',
        'tokens/s/chip',
        `${p} TTFT`,
        `${p} TPOT`,
        '$/chip-hour',
        '$/M output',
        '$/M input',
      ],
      rows.map(({ chip, r, usdPerChipHour }) => {
        if ('reasons' in r) return [chip.name, '-', '-', '-', '-', '-', '-', '-', usd(usdPerChipHour), '-', '-'];
        const s = r.serving;
        const at = s.capacity.atCapacity!;
        const m = servingUsd(usdPerChipHour, r);
        return [
          chip.name,
          String(s.chips),
          `tp ${s.plan.tp} x pp ${s.plan.pp}`,
          s.ctx.dtype,
          trimNumber(s.capacity.requestsPerS, 4),
          trimNumber(r.tokensPerSPerChip, 4),
          seconds(at.ttftS[p]),
          seconds(at.tpotS[p]),
          usd(usdPerChipHour),
          usd(m.output),
          usd(m.input),
        ];
      }),
    ),
  );
  io.out(
    '($/M: the cost of a chip-hour over the output, or the input, tokens a chip serves in an hour at the SLOs; ' +
      'docs/cluster.md)',
  );
  for (const { chip, r } of rows)
    if ('reasons' in r) io.out(`${chip.name}: cannot serve ${model.name} at the SLOs: ${r.reasons.join('; ')}`);
  return 0;
}

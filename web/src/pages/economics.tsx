/**
 * Economics: what one chip costs to make at a volume (a waterfall from dies to the total, with the
 * wafer and yield figures), what it costs to own per chip-hour and how much work a dollar buys, build
 * vs buy against a GPU with the ratio's sensitivity as a tornado chart, and the fab, packaging and HBM
 * capacity a fleet needs. Numbers equal `tpusim cost`, `tpusim tco` and `tpusim fab` --json.
 */
import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import { buildVsBuyTornadoSvg, chipHourSvg, costWaterfallSvg, supplySharesSvg } from '../../../src/web.js';
import type { Api } from '../api.js';
import type { EstimateRow } from '../api/economics.js';
import { Chart, NumberField, Select, Slider, Stat, Status, Table, fmt, si } from '../components/ui.js';
import { useRequest } from '../components/use-request.js';
import { usePageParams } from '../state.js';
import './economics.css';

type CostAnswer = ReturnType<Api['economicsCost']>;
type TcoAnswer = ReturnType<Api['economicsTco']>;
type FabAnswer = ReturnType<Api['economicsFab']>;

const DEFAULTS = { chip: 'tpu-v4', volume: '100000', workload: 'resnet50', vs: 'a100', perYear: '10000000' };
const usd = (x: number): string => `$${x >= 1e6 ? si(x) : fmt(x)}`;
const pct = (share: number): string => `${fmt(100 * share, 3)}%`;
/** Two significant digits: the slider's steps land on round numbers (110,000, 130,000, ...). */
const roundCount = (x: number): number => Number(x.toPrecision(2));

/** A whole number from the URL, or the problem with it. */
function count(text: string, what: string, max: number): { value: number; error?: string } {
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 && value <= max
    ? { value }
    : { value, error: `${what} must be a whole number from 1 to ${si(max)}, got '${text}'` };
}

/** A slider over decades (10^minExp .. 10^maxExp) for a count kept in the URL as a whole number. */
function LogSlider(props: {
  label: string;
  name: string;
  value: number;
  minExp: number;
  maxExp: number;
  onChange: (v: string) => void;
}): JSX.Element {
  return (
    <Slider
      label={props.label}
      name={props.name}
      value={Number.isFinite(props.value) && props.value > 0 ? Math.log10(props.value) : props.minExp}
      min={props.minExp}
      max={props.maxExp}
      step={0.05}
      format={(v) => fmt(roundCount(10 ** v))}
      onInput={(v) => props.onChange(String(roundCount(10 ** v)))}
    />
  );
}

export function EconomicsPage(): JSX.Element {
  const [params, set] = usePageParams('economics', DEFAULTS);
  const options = useRequest('economicsOptions', {});
  const volume = count(params.volume, 'volume', 1e12);
  const perYear = count(params.perYear, 'accelerators per year', 1e12);
  const cost = useRequest('economicsCost', { chip: params.chip, volume: volume.value }, volume.error);
  const tco = useRequest(
    'economicsTco',
    { chip: params.chip, workload: params.workload, vs: params.vs, volume: volume.value },
    volume.error,
  );
  const fab = useRequest('economicsFab', { chip: params.chip, perYear: perYear.value }, perYear.error);
  const o = options.value;
  return (
    <section aria-label="economics" class="economics">
      <div class="controls">
        <Select
          label="chip"
          name="chip"
          value={params.chip}
          options={o?.chips ?? [params.chip]}
          onChange={(v) => set('chip', v)}
        />
        <LogSlider
          label="volume (chips built)"
          name="volume-log"
          value={volume.value}
          minExp={3}
          maxExp={8}
          onChange={(v) => set('volume', v)}
        />
        <NumberField
          label="volume (exact)"
          name="volume"
          value={params.volume}
          min={1}
          onChange={(v) => set('volume', v)}
          error={volume.error}
        />
      </div>
      <section aria-label="cost per chip" data-testid="cost-section">
        <h2>Cost per chip</h2>
        <Status state={cost.state} error={cost.error} ms={cost.ms} />
        {cost.value && <CostView c={cost.value} />}
      </section>
      <section aria-label="TCO and build vs buy" data-testid="tco-section">
        <h2>TCO and build vs buy</h2>
        <div class="controls">
          <Select
            label="workload (inference)"
            name="workload"
            value={params.workload}
            options={o?.workloads ?? [params.workload]}
            onChange={(v) => set('workload', v)}
          />
          <Select
            label="versus GPU (market price)"
            name="vs"
            value={params.vs}
            options={o?.gpus ?? [params.vs]}
            onChange={(v) => set('vs', v)}
          />
        </div>
        <Status state={tco.state} error={tco.error} ms={tco.ms} />
        {tco.value && <TcoView t={tco.value} />}
      </section>
      <section aria-label="fabs and supply" data-testid="fab-section">
        <h2>Fabs and supply</h2>
        <div class="controls">
          <LogSlider
            label="accelerators per year"
            name="per-year-log"
            value={perYear.value}
            minExp={5}
            maxExp={8}
            onChange={(v) => set('perYear', v)}
          />
          <NumberField
            label="accelerators per year (exact)"
            name="perYear"
            value={params.perYear}
            min={1}
            onChange={(v) => set('perYear', v)}
            error={perYear.error}
          />
        </div>
        <Status state={fab.state} error={fab.error} ms={fab.ms} />
        {fab.value && <FabView f={fab.value} />}
      </section>
      <Estimates
        sections={[
          ['cost', cost.value?.estimates],
          ['TCO', tco.value?.estimates],
          ['fab', fab.value?.estimates],
        ]}
      />
    </section>
  );
}

function CostView({ c: answer }: { c: CostAnswer }): JSX.Element {
  const c = answer.cost;
  const k = c.costs;
  const svg = useMemo(() => costWaterfallSvg(c), [c]);
  return (
    <>
      <div class="stats">
        <Stat
          label={`cost per chip at ${fmt(c.volume)}`}
          value={usd(c.costPerChipUsd)}
          raw={c.costPerChipUsd}
          testid="cost-per-chip"
        />
        <Stat label="to make (no NRE)" value={usd(c.variableCostUsd)} raw={c.variableCostUsd} testid="variable-cost" />
        <Stat label={`NRE ${usd(c.nreTotalUsd)}, per chip`} value={usd(k.nreUsd)} raw={k.nreUsd} testid="nre-share" />
        <Stat
          label={`die${c.dies > 1 ? `s (${c.dies})` : ''} at ${c.area.nodeNm} nm`}
          value={`${fmt(c.dieAreaMm2)} mm²`}
          raw={c.dieAreaMm2}
          testid="die-area"
        />
        {answer.publishedDieMm2 !== undefined && <Stat label="published die" value={`${answer.publishedDieMm2} mm²`} />}
        <Stat
          label="gross dies per 300 mm wafer"
          value={String(c.grossDiesPerWafer)}
          raw={c.grossDiesPerWafer}
          testid="gross-dies"
        />
        <Stat
          label={`die yield (${c.yieldModel}, ${c.defectsPerCm2}/cm²)`}
          value={pct(c.dieYield)}
          raw={c.dieYield}
          testid="die-yield"
        />
        <Stat label="good dies per wafer" value={fmt(c.goodDiesPerWafer)} raw={c.goodDiesPerWafer} testid="good-dies" />
        <Stat label="wafer price" value={usd(c.waferPriceUsd)} raw={c.waferPriceUsd} testid="wafer-price" />
        {c.advancedPackage && (
          <Stat
            label="interposers per wafer"
            value={String(c.interposersPerWafer)}
            raw={c.interposersPerWafer}
            testid="interposers"
          />
        )}
        <Stat label="package yield" value={pct(c.packageYield)} raw={c.packageYield} testid="package-yield" />
      </div>
      <Chart
        name={`${c.chip}-cost-waterfall`}
        caption="Cost per chip, part by part (USD)"
        testid="cost-waterfall"
        data={c}
        svg={svg}
      />
      {c.notes.length > 0 && <p class="note">{c.notes.join(' ')}</p>}
    </>
  );
}

function TcoView({ t }: { t: TcoAnswer }): JSX.Element {
  const workload = t.workload;
  const r = t.buildVsBuy;
  const unit = t.unit;
  const charts = useMemo(() => ({ tco: chipHourSvg(t), tornado: buildVsBuyTornadoSvg(t) }), [t]);
  return (
    <>
      <div class="stats">
        <Stat
          label={`${t.chip} price (${t.price.how})`}
          value={usd(t.price.capexUsd)}
          raw={t.price.capexUsd}
          testid="chip-price"
        />
        <Stat
          label={`power provisioned (${t.powerSource === 'tdp' ? 'published TDP' : 'energy model'})`}
          value={`${fmt(t.powerW)} W`}
          raw={t.powerW}
          testid="tco-power"
        />
        <Stat label="per chip-hour" value={usd(t.usdPerChipHour)} raw={t.usdPerChipHour} testid="usd-per-chip-hour" />
        <Stat
          label={`${workload} per chip`}
          value={si(t.throughputPerChip, `${unit}/s`)}
          raw={t.throughputPerChip}
          testid="throughput"
        />
        <Stat label="work per dollar" value={si(t.workPerUsd, unit)} raw={t.workPerUsd} testid="work-per-usd" />
        <Stat
          label={`fleet of ${fmt(t.chips)} for ${fmt(t.years)} years`}
          value={usd(t.fleetUsd)}
          raw={t.fleetUsd}
          testid="fleet-usd"
        />
      </div>
      <div class="stats">
        <Stat
          label={`build ${t.chip} vs buy ${r.gpu.name}: ratio`}
          value={`${fmt(r.ratio, 3)} (${r.buildWins ? 'build' : 'buy'})`}
          raw={r.ratio}
          testid="ratio"
        />
        <Stat
          label="break-even volume"
          value={Number.isFinite(r.breakEvenVolume) ? fmt(Math.ceil(r.breakEvenVolume)) : 'none'}
          raw={r.breakEvenVolume}
          testid="break-even-volume"
        />
        <Stat
          label={`${t.chip} per million ${unit}`}
          value={usd(r.custom.usdPerWorkUnit * 1e6)}
          raw={r.custom.usdPerWorkUnit}
          testid="custom-usd-per-work"
        />
        <Stat
          label={`${r.gpu.name} per million ${unit}`}
          value={usd(r.gpu.usdPerWorkUnit * 1e6)}
          raw={r.gpu.usdPerWorkUnit}
          testid="gpu-usd-per-work"
        />
      </div>
      <p class="note" data-testid="break-even-reason">
        {r.breakEvenReason}. The ratio is {r.gpu.name}'s cost per {unit.replace(/s$/, '')} over {t.chip}'s, each through
        its own TCO; above 1, building is cheaper.
      </p>
      <div class="grid">
        <Chart
          name={`${t.chip}-tco`}
          caption="Cost of ownership per chip-hour (USD)"
          testid="tco-waterfall"
          data={t.tco}
          svg={charts.tco}
        />
        <Chart
          name={`${t.chip}-vs-${r.gpu.name}-tornado`}
          caption="What moves the build-vs-buy ratio"
          testid="tornado-chart"
          data={t.tornado}
          svg={charts.tornado}
        />
      </div>
      <Table
        name={`${t.chip}-vs-${r.gpu.name}`}
        caption={
          `Build ${t.chip} vs buy ${r.gpu.name}, for ${si(t.buildVsBuyInput.work, unit)} (a fleet of ` +
          `${fmt(t.chips)} ${t.chip} for ${fmt(t.years)} years)`
        }
        columns={['', t.chip, r.gpu.name]}
        rows={[
          ['price per chip (USD)', r.custom.chipCapexUsd, r.gpu.chipCapexUsd],
          ['per chip-hour (USD)', r.custom.tco.usdPerChipHour, r.gpu.tco.usdPerChipHour],
          [
            `${unit} per second per chip`,
            t.buildVsBuyInput.custom.throughputPerChip,
            t.buildVsBuyInput.gpu.throughputPerChip,
          ],
          [`USD per million ${unit}`, r.custom.usdPerWorkUnit * 1e6, r.gpu.usdPerWorkUnit * 1e6],
          ['chip-hours for the work', r.custom.chipHours, r.gpu.chipHours],
          ['cost of the work (USD)', r.custom.workUsd, r.gpu.workUsd],
        ]}
      />
      <Table
        name={`${t.chip}-vs-${r.gpu.name}-sensitivity`}
        caption="Sensitivity of the ratio (largest swing first)"
        testid="tornado-table"
        columns={['assumption', 'low', 'high', 'ratio at low', 'ratio at high']}
        rows={t.tornado.map((b) => [b.name, b.lowValue ?? '', b.highValue ?? '', b.ratioAtLow, b.ratioAtHigh])}
      />
    </>
  );
}

/**
 * Labelled with the volume the answer was computed for: while a newer one computes, labels and numbers stay together.
 */
function FabView({ f }: { f: FabAnswer }): JSX.Element {
  const perYear = f.perYear;
  const chosen = f.plans.find((p) => p.input.acceleratorsPerYear === perYear) ?? f.plans.at(-1)!;
  const svg = useMemo(() => supplySharesSvg(f.chip, f.plans), [f]);
  const binding = chosen.resources[0]!;
  return (
    <>
      <p class="note">
        {f.chip}: {f.dies} × {fmt(f.dieAreaMm2)} mm² at {f.nodeNm} nm, {fmt(f.goodDiesPerWafer)} good dies per wafer;{' '}
        {f.hbmGBPerAccelerator > 0
          ? `${fmt(f.hbmGBPerAccelerator)} GB HBM, ${f.interposersPerWafer} interposers per wafer`
          : 'DRAM off the package'}
        .
      </p>
      <div class="stats">
        <Stat
          label={`binds first at ${fmt(perYear)} a year`}
          value={chosen.binding}
          testid="fab-binding"
          raw={binding.share}
        />
        <Stat
          label={`share of world ${binding.resource} today`}
          value={pct(binding.share)}
          raw={binding.share}
          testid="fab-binding-share"
        />
        <Stat
          label="logic wafer starts a month"
          value={si(chosen.logic.waferStartsPerMonth)}
          raw={chosen.logic.waferStartsPerMonth}
          testid="fab-logic-wpm"
        />
        <Stat
          label={`fab modules of ${si(f.fabModuleWaferStartsPerMonth)} wafers/month`}
          value={fmt(chosen.logic.fabs, 3)}
          raw={chosen.logic.fabs}
          testid="fab-modules"
        />
        <Stat
          label="new capital for all three"
          value={usd(chosen.newCapitalUsd)}
          raw={chosen.newCapitalUsd}
          testid="fab-capital"
        />
      </div>
      <Table
        name={`${f.chip}-supply-${perYear}`}
        caption={`Resources for ${fmt(perYear)} accelerators a year (largest share first)`}
        testid="fab-resources"
        columns={['resource', 'demand', 'world supply today', 'share %', 'capital for new capacity (USD)']}
        rows={chosen.resources.map((r) => [
          r.resource,
          `${si(r.demand)} ${r.unit}`,
          `${si(r.supply)} ${r.unit}`,
          100 * r.share,
          r.capitalUsd,
        ])}
      />
      <Table
        name={`${f.chip}-supply-scenarios`}
        caption="Scenarios: 1M and 10M a year, and the chosen volume"
        testid="fab-scenarios"
        columns={[
          'accelerators a year',
          'logic share %',
          'packaging share %',
          'HBM share %',
          'binds first',
          'fab modules',
          'new capital (USD)',
        ]}
        rows={f.plans.map((p) => [
          p.input.acceleratorsPerYear,
          100 * p.resources.find((r) => r.resource === 'logic wafers')!.share,
          100 * p.packaging.share,
          100 * p.hbm.share,
          p.binding,
          p.logic.fabs,
          p.newCapitalUsd,
        ])}
      />
      <Chart
        name={`${f.chip}-supply-shares`}
        caption="Share of today's world supply (%)"
        testid="fab-chart"
        data={f.plans}
        svg={svg}
      />
    </>
  );
}

/** The cost-book figures the three answers used that are not published or derived, each with its source. */
function Estimates({
  sections,
}: {
  sections: ReadonlyArray<readonly [string, readonly EstimateRow[] | undefined]>;
}): JSX.Element {
  const rows = new Map<string, { e: EstimateRow; usedBy: string[] }>();
  for (const [name, list] of sections)
    for (const e of list ?? []) rows.set(e.key, { e, usedBy: [...(rows.get(e.key)?.usedBy ?? []), name] });
  const sorted = [...rows.values()].sort((a, b) => (a.e.key < b.e.key ? -1 : 1));
  return (
    <section aria-label="estimates used" data-testid="estimates-section">
      <h2>Estimates used</h2>
      <p class="note">
        Every figure above comes from the cost book; these are the ones not published or derived from published figures
        (docs/cost.md).
      </p>
      <Table
        name="economics-estimates"
        caption={`${sorted.length} cost-book entries that are estimates or calibrated`}
        testid="estimates"
        columns={['key', 'value', 'unit', 'status', 'range', 'used by', 'source', 'note']}
        rows={sorted.map(({ e, usedBy }) => [
          e.key,
          e.value,
          e.unit,
          e.status,
          e.low !== undefined && e.high !== undefined ? `${fmt(e.low)} to ${fmt(e.high)}` : '',
          usedBy.join(', '),
          e.source,
          e.note,
        ])}
      />
    </section>
  );
}

/**
 * Cluster: a zoo transformer trained on a system preset under a parallel plan, as `tpusim train --json`
 * computes it: step time by part, memory per chip against the chip's HBM, MFU and HFU, tokens/s, the
 * time and cost to train on a token count, the system's topology, reliability against scale; and the
 * plan search's best plans with why the others were rejected, run only when asked (cluster-search.tsx).
 */
import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import { goodputSvg, jobTopologySvg, memoryPerChipSvg, STEP_PARTS, stepTimeSvg } from '../../../src/web.js';
import type { Api } from '../api.js';
import type { ClusterArgs } from '../api/cluster.js';
import {
  Chart,
  Check,
  DoesNotFit,
  Notice,
  NumberField,
  Select,
  Slider,
  Stat,
  Status,
  Table,
  fmt,
  si,
} from '../components/ui.js';
import { useRequest } from '../components/use-request.js';
import { setParams, usePageParams } from '../state.js';
import { PlanSearch, type PlanChoice } from './cluster-search.js';
import './cluster.css';

type Train = ReturnType<Api['clusterTrain']>;
type Step = NonNullable<Train['step']>;

const DEFAULTS = {
  model: 'llama3-70b',
  system: 'dgx-h100',
  dtype: '',
  chips: '1024',
  seq: '',
  batch: '',
  tp: '8',
  pp: '4',
  dp: '',
  cp: '1',
  ep: '1',
  zero: '1',
  microbatch: '1',
  interleave: '1',
  recompute: 'selective',
  overlap: '1',
  tokens: '15e12',
  checkpoint: '60',
  restart: '300',
  top: '10',
  search: '',
};
type Params = typeof DEFAULTS;
/** As `tpusim train --chips`. */
const MAX_CHIPS = 100_000_000;
/** The chips slider steps through powers of two, 1 to 2^24 (16.8M). */
const MAX_CHIPS_LOG2 = 24;
const RECOMPUTES = ['none', 'selective', 'full'];
const AXES = ['tp', 'pp', 'cp', 'ep', 'microbatch', 'interleave'] as const;

const usd = (x: number): string => `$${x >= 1e6 ? si(x) : fmt(x)}`;
const pct = (share: number): string => `${fmt(100 * share, 3)}%`;
const gib = (bytes: number): string => `${fmt(bytes / 2 ** 30)} GiB`;

/** Seconds in the unit that reads best. */
function duration(s: number): string {
  if (s >= 86_400 * 2) return `${fmt(s / 86_400)} days`;
  if (s >= 3600 * 2) return `${fmt(s / 3600)} h`;
  if (s >= 1) return `${fmt(s)} s`;
  if (s >= 1e-3) return `${fmt(s * 1e3)} ms`;
  return `${fmt(s * 1e6)} us`;
}

interface Parsed {
  readonly value?: number;
  readonly error?: string;
}

/** A whole number in [min, max] from a field; blank is fine where `optional`. */
function whole(text: string, min: number, max: number, optional = false): Parsed {
  if (text.trim() === '') return optional ? {} : { error: `a whole number from ${min} to ${fmt(max)}` };
  const value = Number(text);
  return Number.isInteger(value) && value >= min && value <= max
    ? { value }
    : { error: `a whole number from ${min} to ${fmt(max)}, not ${text}` };
}

/** A number in [min, max] (plain or exponent notation); blank is fine where `optional`. */
function number(text: string, min: number, max: number, optional = false, above = false): Parsed {
  if (text.trim() === '') return optional ? {} : { error: 'a number is needed' };
  const value = Number(text);
  const low = above ? value > min : value >= min;
  return Number.isFinite(value) && low && value <= max
    ? { value }
    : {
        error:
          `a number ${above ? 'above' : 'from'} ${min}${above ? ' and' : ' to'} ${above ? 'at most ' : ''}` +
          `${fmt(max)}, not ${text}`,
      };
}

/** Every field parsed; the request's arguments when all are good. */
function parse(p: Params) {
  const f = {
    chips: whole(p.chips, 1, MAX_CHIPS),
    seq: whole(p.seq, 1, 1 << 24, true),
    batch: whole(p.batch, 1, 2 ** 30, true),
    dp: whole(p.dp, 1, MAX_CHIPS, true),
    tokens: number(p.tokens, 0, 1e18, true, true),
    checkpoint: number(p.checkpoint, 0, 1e7, false, true),
    restart: number(p.restart, 0, 1e7),
    zero: whole(p.zero, 0, 3),
    ...Object.fromEntries(AXES.map((a) => [a, whole(p[a], 1, MAX_CHIPS)])),
  } as Record<
    'chips' | 'seq' | 'batch' | 'dp' | 'tokens' | 'checkpoint' | 'restart' | 'zero' | (typeof AXES)[number],
    Parsed
  >;
  const ok = Object.values(f).every((x) => x.error === undefined);
  const given = (k: keyof typeof f): number | undefined => f[k].value;
  const args: ClusterArgs | undefined = ok
    ? {
        model: p.model,
        system: p.system,
        ...(p.dtype ? { dtype: p.dtype } : {}),
        chips: f.chips.value!,
        ...(given('seq') !== undefined ? { seq: given('seq')! } : {}),
        ...(given('batch') !== undefined ? { globalBatch: given('batch')! } : {}),
        axes: {
          ...Object.fromEntries(AXES.map((a) => [a, f[a].value!])),
          ...(given('dp') !== undefined ? { dp: given('dp')! } : {}),
          zero: f.zero.value as 0 | 1 | 2 | 3,
          recompute: (RECOMPUTES.includes(p.recompute) ? p.recompute : 'selective') as 'none' | 'selective' | 'full',
          ...(p.overlap === '0' ? { overlapGradients: false } : {}),
        },
        ...(given('tokens') !== undefined ? { tokens: given('tokens')! } : {}),
        checkpointS: f.checkpoint.value!,
        restartS: f.restart.value!,
      }
    : undefined;
  return { fields: f, args };
}

/** The same run as a `tpusim train` command line (every axis spelled out). */
function commandLine(t: Train, args: ClusterArgs): string {
  const p = t.plan!;
  const parts = [
    'tpusim train',
    t.model.name,
    '--system',
    t.system.name,
    '--chips',
    String(t.chips),
    '--tp',
    String(p.tp),
    '--pp',
    String(p.pp),
    '--dp',
    String(p.dp),
    '--cp',
    String(p.cp),
    '--ep',
    String(p.ep),
    '--zero',
    String(p.zero),
    '--microbatch',
    String(p.microbatch),
    '--interleave',
    String(p.interleave),
    '--recompute',
    p.recompute,
    '--seq',
    String(t.seq),
    '--global-batch',
    String(t.globalBatch),
    '--dtype',
    t.dtype,
  ];
  if (!p.overlapGradients) parts.push('--no-overlap');
  if (args.tokens !== undefined) parts.push('--tokens', String(args.tokens));
  parts.push('--checkpoint', String(args.checkpointS), '--restart', String(args.restartS), '--json');
  return parts.join(' ');
}

export function ClusterPage(): JSX.Element {
  const [params, set] = usePageParams('cluster', DEFAULTS);
  const choices = useRequest('clusterChoices', {});
  const systems = choices.value?.systems ?? [];
  const formats = systems.find((s) => s.name === params.system)?.formats ?? [];
  const dtype = formats.includes(params.dtype) ? params.dtype : '';
  // Values from the address that cannot be used as given: said, with what is used instead.
  const notices = [
    params.dtype !== '' && formats.length > 0 && !formats.includes(params.dtype)
      ? `format '${params.dtype}' is not one of ${params.system}'s formats (${formats.join(', ')}); using ${formats[0]}`
      : undefined,
    RECOMPUTES.includes(params.recompute)
      ? undefined
      : `recompute '${params.recompute}' is not one of ${RECOMPUTES.join(', ')}; using selective`,
  ].filter((n): n is string => n !== undefined);
  const { fields, args } = parse({ ...params, dtype });
  const problems = Object.entries(fields).flatMap(([k, f]) => (f.error ? [`${k}: ${f.error}`] : []));
  const train = useRequest('clusterTrain', args);
  const chips = fields.chips.value ?? 1;
  const model = choices.value?.models.find((m) => m.name === params.model);
  const apply = (choice: PlanChoice): void => setParams('cluster', { ...params, ...choice });
  return (
    <section aria-label="cluster" class="cluster">
      <div class="controls">
        <Select
          label="model"
          name="model"
          value={params.model}
          options={choices.value?.models.map((m) => m.name) ?? [params.model]}
          onChange={(v) => set('model', v)}
        />
        <Select
          label="system"
          name="system"
          value={params.system}
          options={systems.length > 0 ? systems.map((s) => s.name) : [params.system]}
          onChange={(v) => set('system', v)}
        />
        <Select
          label="format"
          name="dtype"
          value={dtype || (formats[0] ?? '')}
          options={formats}
          onChange={(v) => set('dtype', v === formats[0] ? '' : v)}
        />
        <Slider
          label="chips"
          name="chips-log2"
          value={Math.min(MAX_CHIPS_LOG2, Math.floor(Math.log2(chips)))}
          min={0}
          max={MAX_CHIPS_LOG2}
          onInput={(i) => set('chips', String(2 ** i))}
          format={() => chips.toLocaleString('en-US')}
        />
        <NumberField
          label="chips (exact)"
          name="chips"
          value={params.chips}
          min={1}
          max={MAX_CHIPS}
          onChange={(v) => set('chips', v)}
          error={fields.chips.error}
        />
        <NumberField
          label="sequence length"
          name="seq"
          value={params.seq || String(train.value?.seq ?? '')}
          min={1}
          onChange={(v) => set('seq', v)}
          error={fields.seq.error}
        />
        <NumberField
          label="global batch (sequences)"
          name="batch"
          value={params.batch || String(train.value?.globalBatch ?? '')}
          min={1}
          onChange={(v) => set('batch', v)}
          error={fields.batch.error}
        />
        <NumberField
          label="tokens to train"
          name="tokens"
          value={params.tokens}
          min={0}
          step={1e9}
          onChange={(v) => set('tokens', v)}
          error={fields.tokens.error}
        />
      </div>
      {notices.map((n) => (
        <Notice key={n} testid="param-notice">
          {n}
        </Notice>
      ))}
      {model && (
        <p class="note" data-testid="model-note">
          {model.name}: {si(model.params)} parameters
          {model.experts > 0 ? ` (${si(model.activeParams)} active, ${model.experts} ` + `experts)` : ''},{' '}
          {model.layers} layers, {model.heads} attention heads ({model.kvHeads} key/value), up to{' '}
          {model.maxPositions.toLocaleString('en-US')} positions. tp must divide the heads, pp be at most the layers
          {model.experts > 0 ? ', ep divide the experts and dp x cp' : ''}, and tp x pp x dp x cp make the chips.
        </p>
      )}
      <fieldset class="controls cluster-plan">
        <legend>parallel plan</legend>
        {(['tp', 'pp'] as const).map((a) => (
          <NumberField
            key={a}
            label={a}
            name={a}
            value={params[a]}
            min={1}
            onChange={(v) => set(a, v)}
            error={fields[a].error}
          />
        ))}
        <NumberField
          label="dp (empty: chips / (tp x pp x cp))"
          name="dp"
          value={params.dp}
          min={1}
          onChange={(v) => set('dp', v)}
          error={fields.dp.error}
        />
        {(['cp', 'ep', 'microbatch', 'interleave'] as const).map((a) => (
          <NumberField
            key={a}
            label={
              a === 'interleave' ? 'interleave (virtual stages)' : a === 'microbatch' ? 'microbatch (sequences)' : a
            }
            name={a}
            value={params[a]}
            min={1}
            onChange={(v) => set(a, v)}
            error={fields[a].error}
          />
        ))}
        <Select
          label="ZeRO stage"
          name="zero"
          value={params.zero}
          options={['0', '1', '2', '3']}
          onChange={(v) => set('zero', v)}
        />
        <Select
          label="recompute"
          name="recompute"
          value={params.recompute}
          options={RECOMPUTES}
          onChange={(v) => set('recompute', v)}
        />
        <Check
          label="overlap gradient reduction with backward"
          name="overlap"
          checked={params.overlap !== '0'}
          onChange={(on) => set('overlap', on ? '1' : '0')}
        />
      </fieldset>
      <div data-testid="train-status">
        {args ? (
          <Status state={train.state} error={train.error} ms={train.ms} />
        ) : (
          <p class="error" role="alert">
            Fix the fields marked above to see the result: {problems.join('; ')}.
          </p>
        )}
      </div>
      {args && train.value && train.state !== 'error' && <TrainView t={train.value} args={args} />}
      <Reliability
        params={params}
        fields={fields}
        set={set}
        t={args && train.state !== 'error' ? train.value : undefined}
      />
      <PlanSearch
        args={args}
        top={params.top}
        asked={params.search === '1'}
        onTop={(v) => set('top', v)}
        onAsk={() => set('search', '1')}
        onApply={apply}
      />
    </section>
  );
}

function planText(t: Train): string {
  const p = t.plan!;
  return (
    `tp ${p.tp} x pp ${p.pp} x dp ${p.dp} x cp ${p.cp}, ep ${p.ep}, ZeRO-${p.zero}, microbatch ` +
    `${p.microbatch}, recompute ${p.recompute}${p.sequenceParallel ? ', sequence parallel' : ''}` +
    `${p.interleave > 1 ? `, interleave ${p.interleave}` : ''}` +
    `${p.overlapGradients ? '' : ', gradients not overlapped'}`
  );
}

function TrainView({ t, args }: { t: Train; args: ClusterArgs }): JSX.Element {
  const topology = useMemo(() => jobTopologySvg(t, t.step?.chips), [t]);
  return (
    <>
      <h2>
        {t.model.name} ({si(t.model.params)} parameters) on {t.chips.toLocaleString('en-US')} x {t.chip} (
        {t.system.name}), {t.dtype}: {planText(t)}
      </h2>
      <p class="note">
        Sequence {t.seq}, global batch {t.globalBatch} sequences ({si(t.seq * t.globalBatch)} tokens per step). The same
        on the command line: <code data-testid="cli">{commandLine(t, args)}</code>
      </p>
      {t.problems.length > 0 ? (
        <div class="alert" role="alert" data-testid="plan-problems">
          <strong>This plan cannot run:</strong>
          <ul>
            {t.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : (
        t.step && <StepView t={t} s={t.step} />
      )}
      <Chart
        name={`${t.system.name}-${t.chips}-topology`}
        caption="The system as this job uses it"
        testid="topology"
        data={t.system}
        svg={topology}
      />
    </>
  );
}

function StepView({ t, s }: { t: Train; s: Step }): JSX.Element {
  const charts = useMemo(() => {
    const run = { model: t.model.name, chip: t.chip, chips: t.chips };
    return { breakdown: stepTimeSvg(run, s), memory: memoryPerChipSvg(run, s) };
  }, [t, s]);
  const idle = s.chips < t.chips;
  return (
    <>
      {!s.valid && <DoesNotFit reasons={s.reasons} />}
      <div class="stats">
        <Stat
          label="step time"
          value={duration(s.stepTimeS)}
          raw={s.stepTimeS}
          testid="step-time"
          validation={t.validation}
        />
        <Stat label="tokens per second" value={si(s.tokensPerS)} raw={s.tokensPerS} testid="tokens-per-s" />
        <Stat label={`MFU (of ${si(t.peakOpsPerS, 'FLOP/s')} per chip)`} value={pct(s.mfu)} raw={s.mfu} testid="mfu" />
        <Stat label="HFU (with recomputation)" value={pct(s.hfu)} raw={s.hfu} testid="hfu" />
        <Stat
          label={`memory per chip of ${gib(s.memory.capacityBytes)}`}
          value={gib(s.memory.totalBytes)}
          raw={s.memory.totalBytes}
          testid="memory-per-chip"
        />
        <Stat
          label={`energy per step (${s.microbatches} microbatches)`}
          value={si(s.energyPerStepJ, 'J')}
          raw={s.energyPerStepJ}
          testid="energy-per-step"
        />
        {idle && (
          <Stat
            label={`chips used (whole replicas of ${t.chips.toLocaleString('en-US')})`}
            value={s.chips.toLocaleString('en-US')}
            raw={s.chips}
            testid="chips-used"
          />
        )}
      </div>
      {t.training && t.cost && (
        <div class="stats">
          <Stat
            label={`to train on ${si(t.training.tokens)} tokens (${t.training.steps.toLocaleString('en-US')} steps)`}
            value={duration(t.training.wallS)}
            raw={t.training.wallS}
            testid="train-wall"
          />
          <Stat
            label="of it stepping (no interruptions)"
            value={duration(t.training.computeS)}
            raw={t.training.computeS}
            testid="train-compute"
          />
          <Stat
            label="chip energy"
            value={`${fmt(t.training.energyJ / 3.6e9)} MWh`}
            raw={t.training.energyJ}
            testid="train-energy"
          />
          <Stat
            label={`cost at ${usd(t.price.usdPerChipHour)} per chip-hour`}
            value={usd(t.cost.usd)}
            raw={t.cost.usd}
            testid="train-cost"
          />
          <Stat
            label="per chip-hour (tpusim tco)"
            value={usd(t.price.usdPerChipHour)}
            raw={t.price.usdPerChipHour}
            testid="usd-per-chip-hour"
          />
        </div>
      )}
      {t.training && (
        <p class="note" data-testid="cost-how">
          Cost = {fmt(t.cost!.chipHours)} chip-hours (wall time with interruptions x {s.chips.toLocaleString('en-US')}{' '}
          chips) x {usd(t.price.usdPerChipHour)}, the owner's cost of one {t.chip} per hour as tpusim tco computes it:{' '}
          {t.price.source === 'market'
            ? `its market price ${usd(t.price.capexUsd)} (${t.price.status})`
            : `its cost to build, ${usd(t.price.capexUsd)} at ${t.price.volume.toLocaleString('en-US')} units`}
          , {fmt(t.price.powerW)} W ({t.price.powerSource === 'tdp' ? 'published TDP' : 'energy model'}), its host,
          network, data-centre and energy shares over its life (docs/cost.md).
        </p>
      )}
      <div class="grid">
        <Chart
          name={`${t.model.name}-${t.chips}-step`}
          caption="Step time by part"
          testid="breakdown-chart"
          svg={charts.breakdown}
          data={s.breakdown}
        />
        <Table
          name={`${t.model.name}-${t.chips}-step-breakdown`}
          caption="Step time by part, in numbers"
          testid="breakdown-table"
          columns={['part', 'time (ms)', 'share %']}
          rows={STEP_PARTS.map(([k, label]) => [label, s.breakdown[k] * 1e3, (100 * s.breakdown[k]) / s.stepTimeS])}
        />
      </div>
      <Chart
        name={`${t.model.name}-${t.chips}-memory`}
        caption="Memory per chip against the chip's HBM"
        testid="memory-chart"
        svg={charts.memory}
        data={s.memory}
      />
    </>
  );
}

function Reliability(props: {
  params: Params;
  fields: ReturnType<typeof parse>['fields'];
  set: (k: keyof Params, v: string) => void;
  t: Train | undefined;
}): JSX.Element {
  const { t, params, fields, set } = props;
  const r = t?.reliability;
  const svg = useMemo(
    () => (t && r ? goodputSvg({ points: t.scale, checkpointS: r.checkpointS, restartS: r.restartS, run: r }) : ''),
    [t, r],
  );
  return (
    <section aria-label="reliability" data-testid="reliability-section">
      <h2>Reliability at scale</h2>
      <div class="controls">
        <NumberField
          label="checkpoint write (s)"
          name="checkpoint"
          value={params.checkpoint}
          min={0}
          onChange={(v) => set('checkpoint', v)}
          error={fields.checkpoint.error}
        />
        <NumberField
          label="restart (s)"
          name="restart"
          value={params.restart}
          min={0}
          onChange={(v) => set('restart', v)}
          error={fields.restart.error}
        />
      </div>
      {t && r && (
        <>
          <div class="stats">
            <Stat
              label={`interruptions per day at ${r.chips.toLocaleString('en-US')} chips`}
              value={fmt(r.interruptionsPerDay, 3)}
              raw={r.interruptionsPerDay}
              testid="interruptions"
            />
            <Stat label="mean time between interruptions" value={duration(r.mtbfS)} raw={r.mtbfS} testid="mtbf" />
            <Stat
              label="checkpoint every (Daly)"
              value={duration(r.intervalS)}
              raw={r.intervalS}
              testid="checkpoint-interval"
            />
            <Stat label="goodput" value={pct(r.goodputExponential)} raw={r.goodputExponential} testid="goodput" />
          </div>
          <p class="note">
            Failures at Llama 3's published rate (419 unexpected interruptions in 54 days on 16,384 GPUs), growing with
            the chip count; as tpusim reliability computes them.
          </p>
          <div class="grid">
            <Chart
              name={`${t.model.name}-reliability`}
              caption="Goodput against the number of chips"
              testid="reliability-chart"
              svg={svg}
              data={t.scale}
            />
            <Table
              name={`${t.model.name}-reliability`}
              caption="Interruptions and goodput by chip count"
              testid="reliability-table"
              columns={['chips', 'interruptions/day', 'MTBF (h)', 'checkpoint every (min)', 'goodput %']}
              rows={t.scale.map((p) => [
                p.chips,
                p.interruptionsPerDay,
                p.mtbfS / 3600,
                p.intervalS / 60,
                100 * p.goodputExponential,
              ])}
            />
          </div>
        </>
      )}
    </section>
  );
}

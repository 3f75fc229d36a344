/**
 * Serving: a zoo transformer on N chips as `tpusim infer` sees it: time to first token and per output
 * token for a static batch, throughput and memory against the batch, the per-layer roofline of prefill
 * and of decode; the capacity under latency SLOs (`infer --slo-*`, simulated) with the latency-throughput
 * curve and the SLO drawn on it; and dollars per million tokens at that capacity beside the chip-hour.
 */
import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import { rooflineSvg, scaleChartSvg, stackedBarsSvg } from '../../../src/web.js';
import type { Api } from '../api.js';
import type { CapacityArgs, ServingArgs } from '../api/serving.js';
import { Chart, NumberField, Select, Stat, Status, Table, fmt, si } from '../components/ui.js';
import { useRequest } from '../components/use-request.js';
import { usePageParams } from '../state.js';
import './serving.css';

const DEFAULTS = {
  model: 'llama3-8b',
  chip: 'h100-sxm',
  chips: '1',
  wdtype: 'default',
  adtype: 'default',
  kvdtype: 'default',
  workload: 'fixed',
  prompt: '1024',
  output: '256',
  batch: '1',
  ttft: '2000',
  tpot: '50',
  tbt: '',
  percentile: '99',
  requests: '1000',
  kvblock: '',
  prefixhit: '',
  draft: '',
  acceptance: '',
  scheduler: 'chunked',
  chunk: '',
  prefillchips: '',
  decodechips: '',
};
/**
 * Limits as the CLI's (`infer --chips/--batch/--prompt/--output`, SLOs up to a day); fewer requests per simulation in a
 * browser tab.
 */
const LIMITS = {
  chips: 1 << 20,
  batch: 1 << 20,
  prompt: 1 << 24,
  output: 1 << 24,
  ttft: 86_400_000,
  tpot: 86_400_000,
  tbt: 86_400_000,
  requests: 20_000,
  kvblock: 4096,
  prefixhit: 0.99,
  draft: 64,
  chunk: 1 << 24,
  pool: 1 << 24,
};
const PERCENTILES = ['50', '90', '99'] as const;
/** A quantization choice left to `tpusim infer`'s default (no --weight-dtype, --activation-dtype, --kv-dtype). */
const DEFAULT_FORMAT = 'default';
/** The CLI's default seed (`--seed`). */
const SEED = 1;

type Infer = ReturnType<Api['servingInfer']>;
type Capacity = ReturnType<Api['servingCapacity']>;
type Curve = ReturnType<Api['servingCurve']>;

function duration(s: number): string {
  if (s >= 1) return `${fmt(s)} s`;
  if (s >= 1e-3) return `${fmt(s * 1e3)} ms`;
  return `${fmt(s * 1e6)} us`;
}

const gib = (b: number): string => `${fmt(b / 2 ** 30)} GiB`;
const usd = (x: number): string => `$${fmt(x)}`;

/** A whole number from 1 to `max`, or the problem naming the field, the value and the limit. */
function whole(field: string, text: string, max: number): { value?: number; problem?: string } {
  const v = Number(text);
  return text.trim() !== '' && Number.isInteger(v) && v >= 1 && v <= max
    ? { value: v }
    : { problem: `${field} must be a whole number from 1 to ${max.toLocaleString('en-US')}, got '${text}'` };
}

/** A positive number of milliseconds up to `max`, or the problem. */
function millis(field: string, text: string, max: number): { value?: number; problem?: string } {
  const v = Number(text);
  return text.trim() !== '' && Number.isFinite(v) && v > 0 && v <= max
    ? { value: v / 1e3 }
    : {
        problem:
          `${field} must be a number of milliseconds above 0 and at most ${max.toLocaleString('en-US')}, got ` +
          `'${text}'`,
      };
}

/** An optional technique (left empty: off, as the flag left out): a whole number from 1 to `max`. */
function optionalWhole(field: string, text: string, max: number): { value?: number; problem?: string } {
  return text.trim() === '' ? {} : whole(field, text, max);
}

/** An optional fraction from 0 to `max`. */
function optionalFraction(field: string, text: string, max: number): { value?: number; problem?: string } {
  const v = Number(text);
  if (text.trim() === '') return {};
  return Number.isFinite(v) && v >= 0 && v <= max
    ? { value: v }
    : { problem: `${field} must be a number from 0 to ${max}, got '${text}'` };
}

/** Whether any technique is set in the address (then its controls open). */
const techniqueSet = (p: typeof DEFAULTS): boolean =>
  ['kvblock', 'prefixhit', 'draft', 'acceptance', 'chunk', 'prefillchips', 'decodechips'].some(
    (k) => p[k as keyof typeof DEFAULTS] !== '',
  ) || p.scheduler !== DEFAULTS.scheduler;

/** Two fields given together or not at all (as `infer` asks for both flags). */
function both(a: { name: string; text: string }, b: { name: string; text: string }): string | undefined {
  return (a.text.trim() === '') === (b.text.trim() === '')
    ? undefined
    : `${a.name} and ${b.name} go together: give both or neither, got ${a.name} '${a.text}' and ${b.name} '${b.text}'`;
}

export function ServingPage(): JSX.Element {
  const [params, set] = usePageParams('serving', DEFAULTS);
  const choices = useRequest('servingChoices', {});
  const c = choices.value;
  const fixed = params.workload === 'fixed';
  const fields = {
    chips: whole('chips', params.chips, LIMITS.chips),
    batch: whole('batch', params.batch, LIMITS.batch),
    prompt: fixed ? whole('prompt tokens', params.prompt, LIMITS.prompt) : {},
    output: fixed ? whole('output tokens', params.output, LIMITS.output) : {},
    ttft: millis('TTFT SLO', params.ttft, LIMITS.ttft),
    tpot: millis('TPOT SLO', params.tpot, LIMITS.tpot),
    tbt: params.tbt.trim() === '' ? {} : millis('TBT SLO', params.tbt, LIMITS.tbt),
    requests: whole('requests per simulation', params.requests, LIMITS.requests),
    kvblock: optionalWhole('KV block', params.kvblock, LIMITS.kvblock),
    prefixhit: optionalFraction('prefix hit rate', params.prefixhit, LIMITS.prefixhit),
    draft: optionalWhole('draft tokens', params.draft, LIMITS.draft),
    acceptance: optionalFraction('acceptance', params.acceptance, 1),
    chunk: optionalWhole('chunk', params.chunk, LIMITS.chunk),
    prefillchips: optionalWhole('prefill chips', params.prefillchips, LIMITS.pool),
    decodechips: optionalWhole('decode chips', params.decodechips, LIMITS.pool),
  };
  const pairProblems = [
    both({ name: 'draft tokens', text: params.draft }, { name: 'acceptance', text: params.acceptance }),
    both({ name: 'prefill chips', text: params.prefillchips }, { name: 'decode chips', text: params.decodechips }),
  ];
  const listed = (
    name: string,
    value: string,
    options: readonly string[] | undefined,
    allowEmpty = false,
  ): string | undefined =>
    options === undefined || (allowEmpty && value === DEFAULT_FORMAT) || options.includes(value)
      ? undefined
      : `${name} must be one of ${options.join(', ')}, got '${value}'`;
  const choiceProblems = [
    listed('model', params.model, c?.models),
    listed('chip', params.chip, c?.chips),
    listed('weight format', params.wdtype, c?.weightDtypes, true),
    listed('activation format', params.adtype, c?.activationDtypes, true),
    listed('KV cache format', params.kvdtype, c?.kvDtypes, true),
    listed('workload', params.workload, c ? ['fixed', ...c.shapes.map((s) => s.name)] : undefined),
    listed('scheduler', params.scheduler, c?.schedulers),
  ];
  const percentileProblem = (PERCENTILES as readonly string[]).includes(params.percentile)
    ? undefined
    : `percentile must be one of ${PERCENTILES.join(', ')}, got '${params.percentile}'`;
  const techniqueProblems = [
    fields.kvblock.problem,
    fields.prefixhit.problem,
    fields.draft.problem,
    fields.acceptance.problem,
    fields.chunk.problem,
    fields.prefillchips.problem,
    fields.decodechips.problem,
    ...pairProblems,
  ];
  const inferProblem = [
    ...choiceProblems,
    fields.chips.problem,
    fields.batch.problem,
    fields.prompt.problem,
    fields.output.problem,
    ...techniqueProblems,
  ].find((p) => p !== undefined);
  const sloProblem =
    inferProblem ??
    [fields.ttft.problem, fields.tpot.problem, fields.tbt.problem, percentileProblem, fields.requests.problem].find(
      (p) => p !== undefined,
    );
  const quantization = {
    ...(params.wdtype !== DEFAULT_FORMAT ? { weightDtype: params.wdtype } : {}),
    ...(params.adtype !== DEFAULT_FORMAT ? { activationDtype: params.adtype } : {}),
    ...(params.kvdtype !== DEFAULT_FORMAT ? { kvDtype: params.kvdtype } : {}),
  } as NonNullable<ServingArgs['quantization']>;
  const args: ServingArgs | undefined = c
    ? {
        model: params.model,
        chip: params.chip,
        chips: fields.chips.value ?? 1,
        batch: fields.batch.value ?? 1,
        prompt: fields.prompt.value ?? 1,
        output: fields.output.value ?? 1,
        ...(fixed ? {} : { shape: params.workload }),
        ...(Object.keys(quantization).length > 0 ? { quantization } : {}),
        ...(fields.kvblock.value !== undefined ? { kvBlockTokens: fields.kvblock.value } : {}),
        ...(fields.prefixhit.value !== undefined ? { prefixHitRate: fields.prefixhit.value } : {}),
        ...(fields.draft.value !== undefined && fields.acceptance.value !== undefined
          ? { speculative: { draftTokens: fields.draft.value, acceptance: fields.acceptance.value } }
          : {}),
        scheduler: params.scheduler as NonNullable<ServingArgs['scheduler']>,
        ...(fields.chunk.value !== undefined ? { chunkTokens: fields.chunk.value } : {}),
        ...(fields.prefillchips.value !== undefined && fields.decodechips.value !== undefined
          ? { disaggregation: { prefillChips: fields.prefillchips.value, decodeChips: fields.decodechips.value } }
          : {}),
      }
    : undefined;
  const capacityArgs: CapacityArgs | undefined = args && {
    ...args,
    batch: 1,
    slo: {
      ttftS: fields.ttft.value ?? 1,
      tpotS: fields.tpot.value ?? 1,
      ...(fields.tbt.value !== undefined ? { tbtS: fields.tbt.value } : {}),
      percentile: Number(params.percentile) as 50 | 90 | 99,
    },
    requests: fields.requests.value ?? 1,
    seed: SEED,
  };
  const infer = useRequest('servingInfer', args, inferProblem);
  const capacity = useRequest('servingCapacity', capacityArgs, sloProblem);
  const cap = capacity.state === 'ready' ? capacity.value : undefined;
  const around = cap ? (cap.feasible ? cap.requestsPerS : undefined) : undefined;
  const curve = useRequest(
    'servingCurve',
    capacityArgs && around !== undefined ? { ...capacityArgs, around } : undefined,
    sloProblem,
  );
  const dtypeOptions = (list: readonly string[] | undefined): string[] => [DEFAULT_FORMAT, ...(list ?? [])];

  return (
    <section aria-label="serving" class="serving">
      <div class="controls">
        <Select
          label="model"
          name="model"
          value={params.model}
          options={c?.models ?? [params.model]}
          onChange={(v) => set('model', v)}
        />
        <Select
          label="chip"
          name="chip"
          value={params.chip}
          options={c?.chips ?? [params.chip]}
          onChange={(v) => set('chip', v)}
        />
        <NumberField
          label="chips"
          name="chips"
          value={params.chips}
          min={1}
          max={LIMITS.chips}
          onChange={(v) => set('chips', v)}
          error={fields.chips.problem}
        />
        <Select
          label="weights"
          name="wdtype"
          value={params.wdtype}
          options={dtypeOptions(c?.weightDtypes)}
          onChange={(v) => set('wdtype', v)}
        />
        <Select
          label="activations"
          name="adtype"
          value={params.adtype}
          options={dtypeOptions(c?.activationDtypes)}
          onChange={(v) => set('adtype', v)}
        />
        <Select
          label="KV cache"
          name="kvdtype"
          value={params.kvdtype}
          options={dtypeOptions(c?.kvDtypes)}
          onChange={(v) => set('kvdtype', v)}
        />
        <Select
          label="workload"
          name="workload"
          value={params.workload}
          options={['fixed', ...(c?.shapes.map((s) => s.name) ?? [])]}
          onChange={(v) => set('workload', v)}
        />
        {fixed && (
          <NumberField
            label="prompt tokens"
            name="prompt"
            value={params.prompt}
            min={1}
            max={LIMITS.prompt}
            onChange={(v) => set('prompt', v)}
            error={fields.prompt.problem}
          />
        )}
        {fixed && (
          <NumberField
            label="output tokens"
            name="output"
            value={params.output}
            min={1}
            max={LIMITS.output}
            onChange={(v) => set('output', v)}
            error={fields.output.problem}
          />
        )}
        <NumberField
          label="batch"
          name="batch"
          value={params.batch}
          min={1}
          max={LIMITS.batch}
          onChange={(v) => set('batch', v)}
          error={fields.batch.problem}
        />
      </div>
      <details class="techniques" open={techniqueSet(params)}>
        <summary>Serving techniques (as infer's flags; empty: off)</summary>
        <div class="controls">
          <NumberField
            label="KV block (tokens)"
            name="kvblock"
            value={params.kvblock}
            min={1}
            max={LIMITS.kvblock}
            onChange={(v) => set('kvblock', v)}
            error={fields.kvblock.problem}
          />
          <NumberField
            label="prefix hit rate"
            name="prefixhit"
            value={params.prefixhit}
            min={0}
            max={LIMITS.prefixhit}
            step={0.05}
            onChange={(v) => set('prefixhit', v)}
            error={fields.prefixhit.problem}
          />
          <NumberField
            label="draft tokens"
            name="draft"
            value={params.draft}
            min={1}
            max={LIMITS.draft}
            onChange={(v) => set('draft', v)}
            error={fields.draft.problem}
          />
          <NumberField
            label="acceptance"
            name="acceptance"
            value={params.acceptance}
            min={0}
            max={1}
            step={0.05}
            onChange={(v) => set('acceptance', v)}
            error={fields.acceptance.problem}
          />
          <Select
            label="scheduler"
            name="scheduler"
            value={params.scheduler}
            options={c?.schedulers ?? [params.scheduler]}
            onChange={(v) => set('scheduler', v)}
          />
          <NumberField
            label="chunk (tokens)"
            name="chunk"
            value={params.chunk}
            min={1}
            max={LIMITS.chunk}
            onChange={(v) => set('chunk', v)}
            error={fields.chunk.problem}
          />
          <NumberField
            label="prefill chips"
            name="prefillchips"
            value={params.prefillchips}
            min={1}
            max={LIMITS.pool}
            onChange={(v) => set('prefillchips', v)}
            error={fields.prefillchips.problem}
          />
          <NumberField
            label="decode chips"
            name="decodechips"
            value={params.decodechips}
            min={1}
            max={LIMITS.pool}
            onChange={(v) => set('decodechips', v)}
            error={fields.decodechips.problem}
          />
        </div>
      </details>
      <p class="note">
        A format left at default is tpusim infer's: the chip's first matrix format, a bf16 KV cache.{' '}
        {!fixed &&
          c &&
          `Request lengths from ${c.shapes.find((s) => s.name === params.workload)?.file ?? params.workload} (a ` +
            `shape, not measured data; the file says its source); the static batch uses their mean lengths.`}
      </p>
      <div data-testid="infer-status">
        <Status state={infer.state} error={infer.error} ms={infer.ms} />
      </div>
      {infer.value && infer.state !== 'error' && <InferView r={infer.value} />}
      <h2>Capacity under latency SLOs</h2>
      <div class="controls">
        <NumberField
          label="TTFT SLO (ms)"
          name="ttft"
          value={params.ttft}
          min={0}
          max={LIMITS.ttft}
          onChange={(v) => set('ttft', v)}
          error={fields.ttft.problem}
        />
        <NumberField
          label="TPOT SLO (ms)"
          name="tpot"
          value={params.tpot}
          min={0}
          max={LIMITS.tpot}
          onChange={(v) => set('tpot', v)}
          error={fields.tpot.problem}
        />
        <NumberField
          label="TBT SLO (ms, empty: none)"
          name="tbt"
          value={params.tbt}
          min={0}
          max={LIMITS.tbt}
          onChange={(v) => set('tbt', v)}
          error={fields.tbt.problem}
        />
        <Select
          label="percentile"
          name="percentile"
          value={params.percentile}
          options={PERCENTILES}
          onChange={(v) => set('percentile', v)}
        />
        <NumberField
          label="requests per simulation"
          name="requests"
          value={params.requests}
          min={1}
          max={LIMITS.requests}
          onChange={(v) => set('requests', v)}
          error={fields.requests.problem}
        />
      </div>
      <div data-testid="capacity-status">
        <Status state={capacity.state} error={capacity.error} ms={capacity.ms} />
      </div>
      {cap && infer.value && (
        <CapacityView cap={cap} chips={args?.chips ?? 1} capacityBytes={infer.value.capacityBytes} />
      )}
      {cap?.feasible && (
        <div data-testid="curve-status">
          <Status state={curve.state} error={curve.error} ms={curve.ms} />
        </div>
      )}
      {cap?.feasible && curve.state === 'ready' && curve.value && <CurveView curve={curve.value} cap={cap} />}
    </section>
  );
}

function InferView({ r }: { r: Infer }): JSX.Element {
  const charts = useMemo(() => {
    const roof = (phase: 'prefill' | 'decode', what: string): string =>
      rooflineSvg({
        title: `${what} (${r.dtype}, tp ${r.tp})`,
        peaks: [{ label: `${r.dtype} peak`, opsPerS: r.roofline.peakOpsPerS }],
        bandwidths: [{ label: r.roofline.memoryKind, bytesPerS: r.roofline.bandwidthBytesPerS }],
        points: r.roofline[phase].map((p) => ({
          label: p.label,
          intensity: p.intensity,
          opsPerS: p.opsPerS,
          bound: p.bound,
          weight: p.timeS,
        })),
        width: 620,
        height: 400,
      });
    return {
      prefill: roof('prefill', `Prefill, ${r.batch} x ${r.prompt} tokens`),
      decode: roof('decode', `Decode step, ${r.batch} sequences`),
      throughput: scaleChartSvg({
        title: `${r.model} on ${r.chips} x ${r.chip}: throughput against batch`,
        xLabel: 'batch',
        yLabel: 'output tokens/s',
        series: [
          { label: 'over the request', points: r.sweep.map((p) => ({ x: p.batch, y: p.tokensPerS })) },
          { label: 'while decoding', points: r.sweep.map((p) => ({ x: p.batch, y: p.decodeTokensPerS })) },
        ],
        marker: { x: r.batch, label: `batch ${r.batch}` },
        width: 620,
      }),
      memory: stackedBarsSvg({
        title: `Memory per chip against its ${gib(r.capacityBytes)}`,
        unit: 'GiB',
        axisLabel: 'memory per chip',
        parts: ['weights', 'KV cache', 'activations'],
        bars: [
          {
            label: `batch ${r.batch}`,
            values: [r.memory.weights / 2 ** 30, r.memory.kv / 2 ** 30, r.memory.activations / 2 ** 30],
          },
        ],
        limit: { value: r.capacityBytes / 2 ** 30, label: 'HBM' },
        width: 620,
      }),
    };
  }, [r]);
  return (
    <>
      <h2>
        {r.model} on {r.chips} x {r.chip} ({r.system}; tp {r.tp} x pp {r.pp}, {r.dtype}, {r.engine}): batch {r.batch},
        prompt {r.prompt}, output {r.output}
      </h2>
      {!r.fits && (
        <div class="alert" role="alert" data-testid="does-not-fit">
          <strong>Does not fit:</strong> {gib(r.memoryPerChipBytes)} per chip for batch {r.batch} exceeds the chip's{' '}
          {gib(r.capacityBytes)};{' '}
          {r.maxBatch < 1
            ? 'no batch fits (more chips, or narrower weights)'
            : `the largest batch that fits is ${r.maxBatch}`}
          . The times below are as if it did.
        </div>
      )}
      <div class="stats">
        <Stat label="time to first token" value={duration(r.ttftS)} raw={r.ttftS} testid="ttft" />
        <Stat label="time per output token" value={duration(r.tpotS)} raw={r.tpotS} testid="tpot" />
        <Stat
          label="output tokens/s over the request"
          value={si(r.tokensPerS)}
          raw={r.tokensPerS}
          testid="tokens-per-s"
        />
        <Stat
          label="output tokens/s while decoding"
          value={si(r.decodeTokensPerS)}
          raw={r.decodeTokensPerS}
          testid="decode-tokens-per-s"
        />
        <Stat label="KV cache (replica)" value={gib(r.kvCacheBytes)} raw={r.kvCacheBytes} testid="kv-cache" />
        <Stat
          label={`memory per chip of ${gib(r.capacityBytes)}`}
          value={gib(r.memoryPerChipBytes)}
          raw={r.memoryPerChipBytes}
          testid="memory-per-chip"
        />
        <Stat label="largest batch that fits" value={String(r.maxBatch)} raw={r.maxBatch} testid="max-batch" />
      </div>
      {r.quantization && (
        <p class="note" data-testid="quantization">
          Weights {r.quantization.weightDtype}, activations {r.quantization.activationDtype}, KV cache{' '}
          {r.quantization.kvDtype}; GEMMs in {r.quantization.gemmFormat} ({r.quantization.mode})
          {r.quantization.notes.length > 0 ? `; ${r.quantization.notes.join('; ')}` : ''}.
        </p>
      )}
      {r.speculative && (
        <p class="note" data-testid="speculative">
          Speculative decoding (self-speculation heads): {r.speculative.draftTokens} draft tokens at acceptance{' '}
          {r.speculative.acceptance}, {fmt(r.speculative.tokensPerStep)} tokens per step.
        </p>
      )}
      {r.disaggregated && (
        <div class="stats" data-testid="disaggregated">
          <Stat
            label={
              `disaggregated TTFT (${r.disaggregated.prefillChips} prefill + ${r.disaggregated.decodeChips} ` +
              `decode chips)`
            }
            value={duration(r.disaggregated.ttftS)}
            raw={r.disaggregated.ttftS}
            testid="disagg-ttft"
          />
          <Stat
            label={`disaggregated TPOT (decode batch ${r.disaggregated.decodeBatch})`}
            value={duration(r.disaggregated.tpotS)}
            raw={r.disaggregated.tpotS}
            testid="disagg-tpot"
          />
          <Stat
            label={`requests/s (${r.disaggregated.bound}-bound)`}
            value={fmt(r.disaggregated.requestsPerS)}
            raw={r.disaggregated.requestsPerS}
            testid="disagg-requests-per-s"
          />
          <Stat
            label="balanced prefill chips"
            value={fmt(r.disaggregated.balancedPrefillChips)}
            raw={r.disaggregated.balancedPrefillChips}
            testid="disagg-balanced"
          />
        </div>
      )}
      <p class="note">
        Continuous batching ({r.scheduler} scheduler) at {r.batch} in flight (steady state): TTFT{' '}
        {duration(r.steadyState.ttftS)}, TPOT {duration(r.steadyState.tpotS)}, {si(r.steadyState.tokensPerS)} tokens/s.
      </p>
      <div class="grid">
        <Chart
          name={`${r.model}-${r.chip}-throughput-batch`}
          caption="Throughput against batch"
          testid="throughput-batch"
          svg={charts.throughput}
          data={r.sweep}
        />
        <Chart
          name={`${r.model}-${r.chip}-memory`}
          caption="Memory per chip: weights, KV cache, activations against HBM"
          testid="memory-chart"
          svg={charts.memory}
          data={r.memory}
        />
        <Chart
          name={`${r.model}-${r.chip}-roofline-prefill`}
          caption="Roofline of one layer's parts: prefill"
          testid="roofline-prefill"
          svg={charts.prefill}
          data={r.roofline.prefill}
        />
        <Chart
          name={`${r.model}-${r.chip}-roofline-decode`}
          caption="Roofline of one layer's parts: decode"
          testid="roofline-decode"
          svg={charts.decode}
          data={r.roofline.decode}
        />
      </div>
      <p class="note">
        The rooflines place each part of one layer (per chip) at its FLOPs over its bytes on the chip's roofline; the
        times above are the library's, which add communication, launches and host work.
      </p>
      <Table
        name={`${r.model}-${r.chip}-batch-sweep`}
        caption="Batches up to the largest that fits"
        testid="sweep-table"
        columns={['batch', 'TTFT (ms)', 'TPOT (ms)', 'tokens/s', 'decode tokens/s', 'KV cache (GiB)', 'GiB/chip']}
        rows={r.sweep.map((p) => [
          p.batch,
          p.ttftS * 1e3,
          p.tpotS * 1e3,
          p.tokensPerS,
          p.decodeTokensPerS,
          p.kvCacheBytes / 2 ** 30,
          p.memoryPerChipBytes / 2 ** 30,
        ])}
      />
    </>
  );
}

function CapacityView({
  cap,
  chips,
  capacityBytes,
}: {
  cap: Capacity;
  chips: number;
  capacityBytes: number;
}): JSX.Element {
  const p = `p${cap.slo.percentile}`;
  const at = (x: { p50: number; p90: number; p99: number } | undefined): number | undefined =>
    x ? (cap.slo.percentile === 50 ? x.p50 : cap.slo.percentile === 90 ? x.p90 : x.p99) : undefined;
  const ttft = at(cap.ttftS);
  const tpot = at(cap.tpotS);
  const tbt = at(cap.tbtS);
  const memorySvg = useMemo(
    () =>
      stackedBarsSvg({
        title: `Memory per chip at capacity (${cap.slots} slots) against ${gib(capacityBytes)}`,
        unit: 'GiB',
        axisLabel: 'memory per chip',
        parts: ['weights', 'KV cache', 'activations'],
        bars: [
          {
            label: `${cap.slots} slots`,
            values: [cap.memory.weights / 2 ** 30, cap.memory.kv / 2 ** 30, cap.memory.activations / 2 ** 30],
          },
        ],
        limit: { value: capacityBytes / 2 ** 30, label: 'HBM' },
        width: 620,
      }),
    [cap, capacityBytes],
  );
  return (
    <>
      {!cap.feasible && (
        <div class="alert" role="alert" data-testid="slo-infeasible">
          <strong>No rate meets the SLOs:</strong> {cap.reasons.join('; ')}
        </div>
      )}
      <div class="stats">
        <Stat
          label="capacity (goodput)"
          value={`${fmt(cap.requestsPerS)} requests/s`}
          raw={cap.requestsPerS}
          testid="requests-per-s"
        />
        <Stat
          label="output tokens/s per chip"
          value={si(cap.tokensPerSPerChip)}
          raw={cap.tokensPerSPerChip}
          testid="tokens-per-s-per-chip"
        />
        {ttft !== undefined && (
          <Stat label={`${p} TTFT at capacity`} value={duration(ttft)} raw={ttft} testid="capacity-ttft" />
        )}
        {tpot !== undefined && (
          <Stat label={`${p} TPOT at capacity`} value={duration(tpot)} raw={tpot} testid="capacity-tpot" />
        )}
        {tbt !== undefined && (
          <Stat label={`${p} TBT at capacity`} value={duration(tbt)} raw={tbt} testid="capacity-tbt" />
        )}
        <Stat
          label="cost of a chip-hour (tpusim tco)"
          value={usd(cap.usdPerChipHour)}
          raw={cap.usdPerChipHour}
          testid="usd-per-chip-hour"
        />
        {cap.usdPerMillionTokens && (
          <Stat
            label="$ per million output tokens"
            value={usd(cap.usdPerMillionTokens.output)}
            raw={cap.usdPerMillionTokens.output}
            testid="usd-per-mtok"
          />
        )}
        {cap.usdPerMillionTokens && (
          <Stat
            label="$ per million input tokens"
            value={usd(cap.usdPerMillionTokens.input)}
            raw={cap.usdPerMillionTokens.input}
            testid="usd-per-mtok-input"
          />
        )}
      </div>
      <p class="note">
        {cap.slots} batch slots, prefill chunk {cap.chunkTokens} tokens, {cap.simulations} simulations of Poisson
        arrivals over {chips} chips. The chip-hour:{' '}
        {cap.price.source === 'market'
          ? 'market price'
          : `cost to build ` + `${cap.price.volume.toLocaleString('en-US')}`}{' '}
        {usd(cap.price.capexUsd)}, {fmt(cap.price.powerW)} W; each $/Mtok charges the whole chip-hour to that kind of
        token.
      </p>
      <Chart
        name="serving-memory-at-capacity"
        caption="Memory per chip at capacity"
        testid="capacity-memory-chart"
        svg={memorySvg}
        data={cap.memory}
      />
    </>
  );
}

function CurveView({ curve, cap }: { curve: Curve; cap: Capacity }): JSX.Element {
  const p = `p${cap.slo.percentile}`;
  const svgs = useMemo(() => {
    const xs = curve.map((c) => c.tokensPerS);
    const line = (y: number): Array<{ x: number; y: number }> => [
      { x: Math.min(...xs), y },
      { x: Math.max(...xs), y },
    ];
    const chart = (what: 'ttftS' | 'tpotS', name: string, slo: number): string =>
      scaleChartSvg({
        title: `${p} ${name} against output tokens/s, SLO ${duration(slo)}`,
        xLabel: 'output tokens/s',
        yLabel: `${p} ${name} (ms)`,
        series: [
          { label: `${p} ${name}`, points: curve.map((c) => ({ x: c.tokensPerS, y: c[what] * 1e3 })) },
          { label: `SLO ${duration(slo)}`, points: line(slo * 1e3) },
        ],
        marker: { x: cap.tokensPerS, label: 'capacity' },
        width: 620,
      });
    return { ttft: chart('ttftS', 'TTFT', cap.slo.ttftS), tpot: chart('tpotS', 'TPOT', cap.slo.tpotS) };
  }, [curve, cap]);
  return (
    <>
      <div class="grid">
        <Chart
          name="serving-latency-throughput-ttft"
          caption="Latency against throughput: time to first token, with the SLO"
          testid="curve-ttft"
          svg={svgs.ttft}
          data={curve}
        />
        <Chart
          name="serving-latency-throughput-tpot"
          caption="Latency against throughput: time per output token, with the SLO"
          testid="curve-tpot"
          svg={svgs.tpot}
          data={curve}
        />
      </div>
      <Table
        name="serving-latency-throughput"
        caption="Simulated request rates around the capacity"
        testid="curve-table"
        columns={['requests/s', 'output tokens/s', `${p} TTFT (ms)`, `${p} TPOT (ms)`, 'meets the SLOs', 'why not']}
        rows={curve.map((c) => [
          c.requestsPerS,
          c.tokensPerS,
          c.ttftS * 1e3,
          c.tpotS * 1e3,
          c.meets ? 'yes' : 'no',
          c.reasons.join('; '),
        ])}
      />
    </>
  );
}

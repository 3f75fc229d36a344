/**
 * Serving: a zoo transformer on N chips as `tpusim infer` sees it: time to first token and per output
 * token for a static batch, throughput and memory against the batch, the per-layer roofline of prefill
 * and of decode; the capacity under latency SLOs (`infer --slo-*`, simulated) with the latency-throughput
 * curve and the SLO drawn on it; and dollars per million tokens at that capacity beside the chip-hour.
 */
import type { JSX } from 'preact';
import { NumberField, Select, Status } from '../components/ui.js';
import { useRequest } from '../components/use-request.js';
import { usePageParams } from '../state.js';
import {
  DEFAULT_FORMAT,
  DEFAULTS,
  LIMITS,
  PERCENTILES,
  servingFields,
  servingProblems,
  servingRequests,
  techniqueSet,
} from './serving-form.js';
import { CapacityView, CurveView, InferView } from './serving-views.js';
import './serving.css';

export function ServingPage(): JSX.Element {
  const [params, set] = usePageParams('serving', DEFAULTS);
  const choices = useRequest('servingChoices', {});
  const c = choices.value;
  const fixed = params.workload === 'fixed';
  const fields = servingFields(params);
  const { inferProblem, sloProblem } = servingProblems(params, fields, c);
  const { args, capacityArgs } = servingRequests(params, fields, c !== undefined);
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

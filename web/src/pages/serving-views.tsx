/**
 * The Serving page's results: the static batch (latencies, throughput and memory against the batch, the
 * per-layer rooflines), the capacity under the SLOs, and the latency-throughput curve.
 */
import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import { rooflineSvg, scaleChartSvg, stackedBarsSvg } from '../../../src/web.js';
import type { Api } from '../api.js';
import { Chart, Stat, Table, fmt, si } from '../components/ui.js';

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

export function InferView({ r }: { r: Infer }): JSX.Element {
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

export function CapacityView({
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

export function CurveView({ curve, cap }: { curve: Curve; cap: Capacity }): JSX.Element {
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

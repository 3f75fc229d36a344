/**
 * The Cluster page's plan search, as `tpusim train` runs it when no whole plan is given: every plan for
 * the model, system, chips, sequence and batch above, the best by tokens/s, and the rejected ones
 * grouped by reason. It runs only when asked (a search takes the worker for a while, so it never sits
 * on the slider's path); results for older inputs say so. A plan from the list can be taken over.
 */
import type { JSX } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { stackedBarsSvg } from '../../../src/web.js';
import type { Api } from '../api.js';
import type { ClusterArgs } from '../api/cluster.js';
import { Chart, NumberField, Status, Table } from '../components/ui.js';
import { useRequest } from '../components/use-request.js';

type Search = ReturnType<Api['clusterSearch']>;
type Best = Search['best'][number];

/** The page's fields a chosen plan sets. */
export type PlanChoice = Readonly<
  Record<
    | 'chips'
    | 'tp'
    | 'pp'
    | 'dp'
    | 'cp'
    | 'ep'
    | 'zero'
    | 'microbatch'
    | 'interleave'
    | 'recompute'
    | 'batch'
    | 'overlap',
    string
  >
>;

const MAX_TOP = 1000;
const PARTS: ReadonlyArray<readonly [keyof Best['breakdown'], string]> = [
  ['computeS', 'compute'],
  ['recomputeS', 'recompute'],
  ['tpCommS', 'tp comm'],
  ['cpCommS', 'cp comm'],
  ['epCommS', 'ep all-to-all'],
  ['ppCommS', 'pp send/receive'],
  ['dpCommS', 'dp gradients'],
  ['bubbleS', 'bubble'],
  ['optimizerS', 'optimizer'],
  ['hostS', 'host-bound'],
];

const shortPlan = (b: Best): string =>
  `tp ${b.plan.tp} pp ${b.plan.pp} dp ${b.plan.dp} cp ${b.plan.cp}${b.plan.ep > 1 ? ` ep ${b.plan.ep}` : ''}`;

function choiceOf(b: Best): PlanChoice {
  const p = b.plan;
  return {
    chips: String(b.chipsUsed),
    tp: String(p.tp),
    pp: String(p.pp),
    dp: '',
    cp: String(p.cp),
    ep: String(p.ep),
    zero: String(p.zero),
    microbatch: String(p.microbatch),
    interleave: String(p.interleave),
    recompute: p.recompute,
    batch: String(p.globalBatch),
    overlap: '1',
  };
}

export function PlanSearch(props: {
  args: ClusterArgs | undefined;
  top: string;
  asked: boolean;
  onTop: (v: string) => void;
  onAsk: () => void;
  onApply: (c: PlanChoice) => void;
}): JSX.Element {
  const topValue = Number(props.top);
  const topError =
    Number.isInteger(topValue) && topValue >= 1 && topValue <= MAX_TOP
      ? undefined
      : `a whole number from 1 to ${MAX_TOP}, not ${props.top}`;
  const a = props.args;
  const wanted =
    a && !topError
      ? {
          model: a.model,
          system: a.system,
          ...(a.dtype ? { dtype: a.dtype } : {}),
          chips: a.chips,
          ...(a.seq !== undefined ? { seq: a.seq } : {}),
          ...(a.globalBatch !== undefined ? { globalBatch: a.globalBatch } : {}),
          top: topValue,
        }
      : undefined;
  const [sent, setSent] = useState(props.asked ? wanted : undefined);
  const result = useRequest('clusterSearch', sent);
  const stale = sent !== undefined && JSON.stringify(sent) !== JSON.stringify(wanted);
  const ask = (): void => {
    setSent(wanted);
    props.onAsk();
  };
  return (
    <section aria-label="plan search" data-testid="search-section">
      <h2>Best plans</h2>
      <div class="controls">
        <NumberField
          label="plans to list"
          name="top"
          value={props.top}
          min={1}
          max={MAX_TOP}
          onChange={props.onTop}
          error={topError}
        />
        <button type="button" class="primary" disabled={!wanted} onClick={ask}>
          {sent ? 'search again' : 'search best plans'}
        </button>
        <p class="note">
          Every plan tpusim train searches for the model, system, chips, sequence and global batch above (tp in powers
          of two, pp, cp, ep, ZeRO 0 to 3, microbatches of 1 to 8, recomputation, interleaving), ranked by tokens/s. The
          plan fields above are not fixed.
        </p>
      </div>
      {sent && (
        <div data-testid="search-status">
          <Status state={result.state} error={result.error} ms={result.ms} />
        </div>
      )}
      {stale && result.value && (
        <p class="note" role="status" data-testid="search-stale">
          These plans are for {result.value.inputs.chips.toLocaleString('en-US')} chips of {result.value.inputs.system},
          before the inputs changed: search again.
        </p>
      )}
      {sent && result.value && result.state !== 'error' && <SearchView s={result.value} onApply={props.onApply} />}
    </section>
  );
}

function SearchView({ s, onApply }: { s: Search; onApply: (c: PlanChoice) => void }): JSX.Element {
  const i = s.inputs;
  const svg = useMemo(() => {
    const [scale, unit] = (s.best[0]?.stepTimeS ?? 0) >= 1 ? [1, 's'] : [1e3, 'ms'];
    return stackedBarsSvg({
      title: `${i.model} on ${i.chips.toLocaleString('en-US')} chips of ${i.system}: step time of the best plans`,
      unit,
      axisLabel: 'time per step',
      parts: PARTS.map(([, label]) => label),
      bars: s.best.map((b, n) => ({
        label: `#${n + 1} ${shortPlan(b)}`,
        values: PARTS.map(([k]) => b.breakdown[k] * scale),
      })),
    });
  }, [s]);
  return (
    <>
      <p class="note" data-testid="search-summary">
        Searched {s.evaluated.toLocaleString('en-US')} plans for {i.model} on {i.chips.toLocaleString('en-US')} chips of{' '}
        {i.system} ({i.dtype}, sequence {i.seq}, global batch up to {i.globalBatch}): {s.valid.toLocaleString('en-US')}{' '}
        valid
        {s.valid > 0 ? `, the best ${s.best.length} by tokens/s:` : '.'}
      </p>
      {s.best.length > 0 && (
        <>
          <Table
            name={`${i.model}-${i.chips}-best-plans`}
            caption={`Best ${s.best.length} plans`}
            testid="search-table"
            columns={[
              '#',
              'tp',
              'pp',
              'dp',
              'cp',
              'ep',
              'ZeRO',
              'microbatch',
              'recompute',
              'interleave',
              'global batch',
              'chips used',
              'step (ms)',
              'tokens/s',
              'MFU %',
              'HFU %',
              'GiB/chip',
            ]}
            rows={s.best.map((b, n) => [
              n + 1,
              b.plan.tp,
              b.plan.pp,
              b.plan.dp,
              b.plan.cp,
              b.plan.ep,
              b.plan.zero,
              b.plan.microbatch,
              b.plan.recompute,
              b.plan.interleave,
              b.plan.globalBatch,
              b.chipsUsed,
              b.stepTimeS * 1e3,
              b.tokensPerS,
              100 * b.mfu,
              100 * b.hfu,
              b.memoryPerChipBytes / 2 ** 30,
            ])}
          />
          <div class="cluster-use" role="group" aria-label="use a plan from the list">
            <span class="note">Use plan:</span>
            {s.best.map((b, n) => (
              <button
                key={n}
                type="button"
                aria-label={
                  `use plan ${n + 1}: ${shortPlan(b)}, ZeRO-${b.plan.zero}, microbatch ` +
                  `${b.plan.microbatch}, recompute ${b.plan.recompute}`
                }
                onClick={() => onApply(choiceOf(b))}
              >
                #{n + 1}
              </button>
            ))}
          </div>
          <Chart
            name={`${i.model}-${i.chips}-best-plans`}
            caption="Step time of the best plans, by part"
            testid="search-chart"
            svg={svg}
            data={s.best}
          />
        </>
      )}
      {s.rejected.length > 0 && (
        <Table
          name={`${i.model}-${i.chips}-rejected-plans`}
          caption={`Rejected: ${s.rejected.reduce((n, g) => n + g.count, 0).toLocaleString('en-US')} plans, by reason`}
          testid="rejected-table"
          columns={['reason', 'plans', 'for example']}
          rows={s.rejected.map((g) => [g.reason, g.count, g.message])}
        />
      )}
    </>
  );
}

/**
 * Explore: a design-space sweep run in the browser (the library's explore API in the worker, chunk by
 * chunk with a progress bar): the Pareto scatter of the first two objectives (feasible, infeasible and
 * front points; hover shows the design), parallel coordinates of knobs and objectives, the tornado of
 * the first objective around the knee, and "open this design" into the Chip page (the design's chip
 * goes through sessionStorage, the Chip page's `design` parameter names it).
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import serve70b from '../../../examples/explore/serve-70b.yaml?raw';
import type { ExploreResult } from '../api/explore.js';
import { Status, Table, fmt, si } from '../components/ui.js';
import { call } from '../rpc.js';
import './explore.css';

/** Points per worker request: small enough for a smooth progress bar, large enough to cost little. */
const CHUNK = 16;
const W = 640;
const H = 380;
const PAD = 56;

type Run = {
  state: 'idle' | 'busy' | 'ready' | 'error';
  done: number;
  count: number;
  error?: string;
  ms?: number;
  result?: ExploreResult;
};

const label = (row: ExploreResult['rows'][number]): string =>
  [
    `#${row.index}${row.feasible ? '' : ' (infeasible)'}`,
    ...Object.entries(row.knobs).map(([k, v]) => `${k} = ${show(v)}`),
    ...Object.entries(row.objectives).map(([k, v]) => `${k} = ${fmt(v)}`),
    ...row.reasons,
  ].join('\n');

const show = (v: string | number): string => (typeof v === 'number' ? (Math.abs(v) >= 1e6 ? si(v) : fmt(v)) : v);

function scale(values: readonly number[], from: number, to: number): (v: number) => number {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return (v) => (hi === lo ? (from + to) / 2 : from + ((v - lo) / (hi - lo)) * (to - from));
}

function ParetoScatter(props: { result: ExploreResult }): JSX.Element {
  const { rows, objectives } = props.result;
  const [x, y] = [objectives[0]!.name, objectives[1]?.name ?? objectives[0]!.name];
  const front = new Set(props.result.front);
  // Front points (the knee last) drawn over the others.
  const rank = (i: number): number => (i === props.result.knee ? 2 : front.has(i) ? 1 : 0);
  const plotted = rows
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.objectives[x] !== undefined && r.objectives[y] !== undefined)
    .sort((a, b) => rank(a.i) - rank(b.i) || a.i - b.i);
  const sx = scale(
    plotted.map((p) => p.r.objectives[x]!),
    PAD,
    W - 16,
  );
  const sy = scale(
    plotted.map((p) => p.r.objectives[y]!),
    H - PAD,
    16,
  );
  const kind = (i: number, feasible: boolean): string =>
    i === props.result.knee ? 'knee' : front.has(i) ? 'front' : feasible ? 'feasible' : 'infeasible';
  return (
    <figure class="chart" data-testid="pareto-scatter">
      <figcaption>
        Pareto scatter: {x} ({objectives[0]!.direction}) against {y} (
        {objectives[1]?.direction ?? objectives[0]!.direction}); hover a point for its design
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Pareto scatter of ${x} against ${y}`}>
        <line x1={PAD} y1={H - PAD} x2={W - 16} y2={H - PAD} class="axis" />
        <line x1={PAD} y1={16} x2={PAD} y2={H - PAD} class="axis" />
        <text x={(W + PAD) / 2} y={H - 16} text-anchor="middle">
          {x}
        </text>
        <text x={14} y={H / 2} transform={`rotate(-90 14 ${H / 2})`} text-anchor="middle">
          {y}
        </text>
        {plotted.map(({ r, i }) => (
          <circle
            key={i}
            cx={sx(r.objectives[x]!)}
            cy={sy(r.objectives[y]!)}
            r={front.has(i) ? 5 : 3.5}
            class={`pt ${kind(i, r.feasible)}`}
            data-kind={kind(i, r.feasible)}
          >
            <title>{label(r)}</title>
          </circle>
        ))}
      </svg>
      <p class="note">
        <span class="key infeasible" /> infeasible <span class="key feasible" /> feasible <span class="key front" />{' '}
        Pareto front <span class="key knee" /> knee
      </p>
    </figure>
  );
}

function ParallelCoordinates(props: { result: ExploreResult }): JSX.Element {
  const { rows, knobs, objectives } = props.result;
  const axes = [
    ...knobs.map((k) => ({ name: k, of: (r: ExploreResult['rows'][number]) => r.knobs[k] })),
    ...objectives.map((o) => ({ name: o.name, of: (r: ExploreResult['rows'][number]) => r.objectives[o.name] })),
  ];
  const step = (W - 2 * PAD) / Math.max(1, axes.length - 1);
  const scales = axes.map((a) => {
    const seen = [...new Set(rows.map(a.of).filter((v) => v !== undefined))];
    const numeric = seen.every((v) => typeof v === 'number');
    const positions = numeric ? (seen as number[]) : seen.map((_, i) => i);
    const s = scale(positions, H - PAD, 24);
    return (v: string | number | undefined): number | undefined =>
      v === undefined ? undefined : s(numeric ? (v as number) : seen.indexOf(v));
  });
  const front = new Set(props.result.front);
  const order = rows.map((_, i) => i).sort((a, b) => Number(front.has(a)) - Number(front.has(b)));
  return (
    <figure class="chart" data-testid="parallel-coordinates">
      <figcaption>Parallel coordinates: every design across its knobs and objectives (front designs on top)</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="parallel coordinates of knobs and objectives">
        {order.map((i) => {
          const r = rows[i]!;
          const points = axes.flatMap((a, j) => {
            const yv = scales[j]!(a.of(r));
            return yv === undefined ? [] : [`${PAD + j * step},${yv}`];
          });
          return (
            <polyline
              key={i}
              points={points.join(' ')}
              class={`line ${front.has(i) ? 'front' : r.feasible ? 'feasible' : 'infeasible'}`}
            >
              <title>{label(r)}</title>
            </polyline>
          );
        })}
        {axes.map((a, j) => (
          <g key={a.name}>
            <line x1={PAD + j * step} y1={24} x2={PAD + j * step} y2={H - PAD} class="axis" />
            <text x={PAD + j * step} y={H - PAD + (j % 2 === 0 ? 16 : 32)} text-anchor="middle">
              {a.name}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

function Tornado(props: { tornado: NonNullable<ExploreResult['tornado']>; centre: number | undefined }): JSX.Element {
  const { bars, objective } = props.tornado;
  const values = bars.flatMap((b) => [b.lowObjective, b.highObjective].filter((v): v is number => v !== null));
  const centre = props.centre ?? values[0] ?? 0;
  const sx = scale([...values, centre], 230, W - 20);
  const rowH = 26;
  const height = bars.length * rowH + 30;
  return (
    <figure class="chart tornado" data-testid="tornado">
      <figcaption>
        Tornado of {objective} around the knee ({fmt(centre)}): each knob alone to its lowest and highest value
      </figcaption>
      <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-label={`tornado of ${objective} around the knee`}>
        <line x1={sx(centre)} y1={8} x2={sx(centre)} y2={height - 8} class="axis" />
        {bars.map((b, i) => {
          const yv = 14 + i * rowH;
          const ends = [b.lowObjective, b.highObjective].filter((v): v is number => v !== null);
          const lo = Math.min(centre, ...ends);
          const hi = Math.max(centre, ...ends);
          return (
            <g key={b.knob}>
              <text x={222} y={yv + 13} text-anchor="end">
                {b.knob} ({show(b.low)} to {show(b.high)})
              </text>
              <rect x={sx(lo)} y={yv} width={Math.max(1, sx(hi) - sx(lo))} height={rowH - 8} class="bar">
                <title>
                  {`${b.knob}: ${show(b.low)} -> ` +
                    `${b.lowObjective === null ? 'no value' : fmt(b.lowObjective)}` +
                    `${b.lowFeasible ? '' : ' (infeasible)'}; ${show(b.high)} -> ` +
                    `${b.highObjective === null ? 'no value' : fmt(b.highObjective)}` +
                    `${b.highFeasible ? '' : ' (infeasible)'}`}
                </title>
              </rect>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** Puts a design's chip where the Chip page finds it, and goes there. */
function openDesign(chip: string, index: number): void {
  const key = `explore-${index}`;
  sessionStorage.setItem(`tpusim-design:${key}`, chip);
  location.hash = `#/chip?design=${key}`;
}

export function ExplorePage(): JSX.Element {
  const [text, setText] = useState(serve70b);
  const [run, setRun] = useState<Run>({ state: 'idle', done: 0, count: 0 });
  const ticket = useRef(0);
  const start = async (spec: string): Promise<void> => {
    const mine = ++ticket.current;
    const started = performance.now();
    try {
      setRun({ state: 'busy', done: 0, count: 0 });
      const s = await call('exploreStart', { text: spec });
      for (let done = 0; done < s.count; ) {
        done = await call('exploreChunk', { text: spec, start: done, end: Math.min(s.count, done + CHUNK) });
        if (mine !== ticket.current) return;
        setRun({ state: 'busy', done, count: s.count });
      }
      const result = await call('exploreResult', { text: spec });
      if (mine === ticket.current)
        setRun({ state: 'ready', done: s.count, count: s.count, result, ms: performance.now() - started });
    } catch (error) {
      if (mine === ticket.current) setRun({ state: 'error', done: 0, count: 0, error: (error as Error).message });
    }
  };
  useEffect(() => {
    void start(serve70b);
  }, []);
  const r = run.result;
  const objectiveCols = r ? r.objectives.map((o) => `${o.name} (${o.direction})`) : [];
  return (
    <section aria-label="explore" class="explore">
      <p class="note">
        A design-space sweep (YAML or JSON, as `tpusim explore SPEC` reads; docs/explore.md) run in your browser. Larger
        sweeps: `tpusim explore` on worker threads into SQLite.
      </p>
      <textarea
        aria-label="sweep spec (YAML)"
        value={text}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        spellcheck={false}
      />
      <div class="controls">
        <button type="button" onClick={() => void start(text)} disabled={run.state === 'busy'}>
          Run sweep
        </button>
        {run.state === 'busy' && (
          <label>
            {run.done} of {run.count || '?'} designs
            <progress data-testid="explore-progress" value={run.done} max={run.count || 1} />
          </label>
        )}
      </div>
      {run.state === 'error' ? (
        <div class="alert" role="alert" data-testid="sweep-issues">
          <pre>{run.error}</pre>
        </div>
      ) : (
        <Status state={run.state} ms={run.ms} />
      )}
      {r && (
        <>
          <p data-testid="explore-summary" data-front={r.front.length} data-feasible={r.feasible} data-count={r.count}>
            {r.count} designs, {r.feasible} feasible, {r.front.length} on the Pareto front (sweep {r.hash})
          </p>
          <div class="grid">
            {r.objectives.length > 0 && <ParetoScatter result={r} />}
            <ParallelCoordinates result={r} />
          </div>
          {r.tornado && (
            <Tornado
              tornado={r.tornado}
              centre={r.knee === undefined ? undefined : r.rows[r.knee]!.objectives[r.tornado.objective]}
            />
          )}
          <h2>Pareto front</h2>
          <Table
            name={`explore-${r.hash}-front`}
            caption="Designs on the Pareto front"
            testid="front-table"
            columns={['#', ...r.knobs, ...objectiveCols]}
            rows={r.frontDesigns.map((d) => [
              d.row.index,
              ...r.knobs.map((k) => d.row.knobs[k] ?? ''),
              ...r.objectives.map((o) => d.row.objectives[o.name] ?? ''),
            ])}
          />
          <ul class="open-designs" data-testid="open-designs">
            {r.frontDesigns.map((d) => (
              <li key={d.row.index}>
                <button type="button" onClick={() => openDesign(d.chip, d.row.index)}>
                  Open design #{d.row.index}
                  {r.knee !== undefined && r.rows[r.knee]!.index === d.row.index ? ' (knee)' : ''} in the Chip page
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/**
 * Systolic array: the register-level engine on a small array, cycle by cycle. Operands skew in at the
 * edges, partial sums flow down, and the phase (fill, steady, drain) of each cycle is marked on a
 * timeline; a scrubber and play/pause move through the recorded cycles, and hovering or focusing a
 * cell shows its registers. The output is checked against the reference GEMM.
 */
import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Dataflow } from '../../../src/web.js';
import { DATAFLOW_ROLES, MAX_ARRAY_SIDE, MAX_GEMM_DIM, systolicIssues, type SystolicRun } from '../api/systolic.js';
import { save, svgToPng } from '../components/download.js';
import { Notice, NumberField, Select, Slider, Stat, Status, Table, fmt } from '../components/ui.js';
import { useRequest } from '../components/use-request.js';
import { usePageParams } from '../state.js';
import './systolic.css';

const DEFAULTS = {
  rows: '8',
  cols: '8',
  m: '16',
  n: '8',
  k: '8',
  dataflow: 'ws',
  seed: '1',
  cycle: '0',
  colour: 'token',
};
const SPEEDS = ['1', '2', '5', '10', '25'];
const COLOURINGS = ['token', 'held value'];
const PHASES = [
  { id: 'fill', colour: '#fde3c0' },
  { id: 'steady', colour: '#cdebd3' },
  { id: 'drain', colour: '#e2d9f3' },
] as const;
type Phase = (typeof PHASES)[number]['id'];
const IDLE = '#f1f2f4';

interface CellValues {
  readonly token: number;
  readonly fromLeft: number;
  readonly fromTop: number;
  readonly held: number;
}

function cellAt(run: SystolicRun, t: number, i: number, j: number): CellValues {
  const x = t * run.array.rows * run.array.cols + i * run.array.cols + j;
  return { token: run.tokens[x]!, fromLeft: run.fromLeft[x]!, fromTop: run.fromTop[x]!, held: run.held[x]! };
}

function phaseAt(run: SystolicRun, t: number): Phase {
  return t < run.phases.fillEnd ? 'fill' : t < run.phases.drainStart ? 'steady' : 'drain';
}

const show = (v: number): string => (Number.isNaN(v) ? '–' : String(v));
/** Same token, same colour: a row of A (ws) can be followed as it moves through the array. */
const tokenColour = (token: number): string => (token < 0 ? IDLE : `hsl(${(token * 137.508) % 360} 70% 80%)`);
/** Held values on a diverging scale: blue below zero, red above. */
function valueColour(v: number, max: number): string {
  if (Number.isNaN(v) || v === 0 || max === 0) return IDLE;
  const a = Math.min(1, Math.abs(v) / max);
  return v > 0 ? `hsl(4 75% ${95 - 35 * a}%)` : `hsl(215 75% ${95 - 35 * a}%)`;
}

/** In-cell text: exact up to five digits, then in thousands (the details panel has every digit). */
const short = (v: number): string =>
  Number.isNaN(v) ? '–' : Math.abs(v) < 1e5 ? String(v) : `${Math.round(v / 1000)}k`;

/** The array at one cycle as SVG, with the operands waiting at the left/top and sums that left at the bottom. */
function ArrayPicture(props: {
  run: SystolicRun;
  t: number;
  selected: [number, number];
  colour: string;
  onSelect: (i: number, j: number, focus: boolean) => void;
  svgRef: { current: SVGSVGElement | null };
}): JSX.Element {
  const { run, t, selected } = props;
  const { rows, cols } = run.array;
  const { roles } = run;
  // Lanes as deep as the skew (row i's first value waits i + 1 cycles), within reason.
  const depth = Math.max(2, Math.min(Math.max(rows, cols), 10));
  const topDepth = roles.top ? depth : 0;
  const bottomDepth = roles.bottom ? Math.min(depth, 4) : 0;
  const s = Math.max(
    12,
    Math.min(72, Math.floor(Math.min(900 / (cols + depth), 720 / (rows + topDepth + bottomDepth)))),
  );
  const gap = 20;
  const x0 = 8 + depth * s + gap;
  const y0 = 30 + topDepth * s + gap;
  const yBottom = y0 + rows * s + gap;
  const width = Math.max(440, x0 + cols * s + 8);
  const height = y0 + rows * s + (bottomDepth ? gap + bottomDepth * s : 0) + 8;
  const font = Math.max(8, Math.round(s / 6.2));
  // Over every recorded cycle (up to 600,000 values): once per run, not per cycle shown or cell hovered.
  const maxHeld = useMemo(() => run.held.reduce((a, v) => (Number.isNaN(v) ? a : Math.max(a, Math.abs(v))), 0), [run]);
  const fill = (c: CellValues): string =>
    props.colour === 'held value' ? valueColour(c.held, maxHeld) : tokenColour(c.token);
  const valid = (u: number): boolean => u >= 0 && u < run.frames;
  const lane = (
    key: string,
    x: number,
    y: number,
    w: number,
    h: number,
    name: string,
    lx: number,
    ly: number,
    anchor: string,
  ): JSX.Element => (
    <g key={key}>
      <rect x={x} y={y} width={w} height={h} fill="#fafbfc" stroke="#d6d9de" stroke-dasharray="4 3" />
      <text x={lx} y={ly} font-size={11} fill="#555" text-anchor={anchor}>
        {name}
      </text>
    </g>
  );
  const lanes = [lane('left', 8, y0, depth * s, rows * s, roles.left.name, 8, y0 - 6, 'start')];
  if (roles.top)
    lanes.push(
      lane('top', x0, 30, cols * s, topDepth * s, roles.top.name, x0 - gap - 4, 30 + (topDepth * s) / 2, 'end'),
    );
  if (roles.bottom)
    lanes.push(
      lane('bottom', x0, yBottom, cols * s, bottomDepth * s, roles.bottom.name, x0 - gap - 4, yBottom + 12, 'end'),
    );
  const queue: JSX.Element[] = [];
  const box = (key: string, x: number, y: number, token: number, value: number): void => {
    queue.push(
      <g key={key}>
        <rect
          x={x + 2}
          y={y + 2}
          width={s - 4}
          height={s - 4}
          rx={3}
          fill={tokenColour(token)}
          stroke="#999"
          stroke-dasharray="3 2"
        />
        {s >= 28 && (
          <text x={x + s / 2} y={y + s / 2 + font / 3} text-anchor="middle" font-size={font}>
            {short(value)}
          </text>
        )}
      </g>,
    );
  };
  for (let d = 1; d <= depth; d++) {
    for (let i = 0; i < rows && valid(t + d); i++) {
      const c = cellAt(run, t + d, i, 0);
      if (c.token >= 0 && !Number.isNaN(c.fromLeft))
        box(`l${d}-${i}`, x0 - gap - d * s, y0 + i * s, c.token, c.fromLeft);
    }
    for (let j = 0; j < cols && d <= topDepth && valid(t + d); j++) {
      const c = cellAt(run, t + d, 0, j);
      if (c.token >= 0 && !Number.isNaN(c.fromTop)) box(`t${d}-${j}`, x0 + j * s, y0 - gap - d * s, c.token, c.fromTop);
    }
    for (let j = 0; j < cols && d <= bottomDepth && valid(t - d); j++) {
      const c = cellAt(run, t - d, rows - 1, j);
      if (c.token >= 0 && !Number.isNaN(c.fromTop))
        box(`b${d}-${j}`, x0 + j * s, yBottom + (d - 1) * s, c.token, c.fromTop);
    }
  }
  const index = Math.min(10, Math.max(7, s / 2.2));
  const indices: JSX.Element[] = [];
  for (let i = 0; i < rows && s >= 14; i++)
    indices.push(
      <text key={`r${i}`} x={x0 - 5} y={y0 + i * s + s / 2 + index / 3} font-size={index} fill="#777" text-anchor="end">
        {i}
      </text>,
    );
  for (let j = 0; j < cols && s >= 14; j++)
    indices.push(
      <text key={`c${j}`} x={x0 + j * s + s / 2} y={y0 - 6} font-size={index} fill="#777" text-anchor="middle">
        {j}
      </text>,
    );
  const cells: JSX.Element[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const c = cellAt(run, t, i, j);
      const x = x0 + j * s;
      const y = y0 + i * s;
      const label =
        `row ${i}, column ${j}: ${c.token < 0 ? 'idle' : `token ${c.token}`}; ${roles.fromLeft} ` +
        `${show(c.fromLeft)}; ${roles.fromTop} ${show(c.fromTop)}; ${roles.held} ${show(c.held)}`;
      cells.push(
        <g key={`${i}-${j}`}>
          <rect
            data-cell={`${i}-${j}`}
            x={x}
            y={y}
            width={s}
            height={s}
            fill={fill(c)}
            stroke="#fff"
            tabIndex={i === selected[0] && j === selected[1] ? 0 : -1}
            role="img"
            aria-label={label}
            onMouseEnter={() => props.onSelect(i, j, false)}
            onFocus={() => props.onSelect(i, j, false)}
          />
          {s >= 56 && (
            <text x={x + 5} y={y + 5} font-size={font} pointer-events="none">
              <tspan x={x + 5} dy={font}>
                → {short(c.fromLeft)}
              </tspan>
              <tspan x={x + 5} dy={font * 1.3}>
                ↓ {short(c.fromTop)}
              </tspan>
              <tspan x={x + 5} dy={font * 1.3} font-weight="600">
                ■ {short(c.held)}
              </tspan>
            </text>
          )}
          {s >= 22 && s < 56 && c.token >= 0 && (
            <text x={x + s / 2} y={y + s / 2 + font / 3} text-anchor="middle" font-size={font} pointer-events="none">
              {c.token}
            </text>
          )}
        </g>,
      );
    }
  }
  const onKey = (e: KeyboardEvent): void => {
    const step: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    };
    const move = step[e.key];
    if (!move) return;
    e.preventDefault();
    props.onSelect(
      Math.max(0, Math.min(rows - 1, selected[0] + move[0])),
      Math.max(0, Math.min(cols - 1, selected[1] + move[1])),
      true,
    );
  };
  const title =
    `${run.array.dataflow} ${rows}x${cols} array, GEMM ${run.shape.m}x${run.shape.n}x${run.shape.k}: ` +
    `cycle ${t} of ${run.stats.totalCycles} (${phaseAt(run, t)})`;
  return (
    <svg
      ref={props.svgRef}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      font-family="system-ui, sans-serif"
      fill="#1a1a1a"
      role="group"
      aria-label={`${rows} by ${cols} array of cells; arrow keys move between cells`}
      onKeyDown={onKey}
    >
      <rect width={width} height={height} fill="#fff" />
      <text x={8} y={18} font-size={13} font-weight="600">
        {title}
      </text>
      {lanes}
      {indices}
      {queue}
      {cells}
      <rect
        x={x0 + selected[1] * s}
        y={y0 + selected[0] * s}
        width={s}
        height={s}
        fill="none"
        stroke="#f5a623"
        stroke-width={3}
        pointer-events="none"
      />
    </svg>
  );
}

/** The busy-cell bars of the timeline as one SVG path: the peak of each of at most `W` buckets of cycles. */
function occupancyBars(run: SystolicRun, W: number, H: number): string {
  const cells = run.array.rows * run.array.cols;
  const x = (u: number): number => (Math.min(u, run.frames) / run.frames) * W;
  const buckets = Math.min(W, run.frames);
  let bars = '';
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * run.frames) / buckets);
    const to = Math.max(from + 1, Math.floor(((b + 1) * run.frames) / buckets));
    const busy = run.occupancy.subarray(from, to).reduce((a, v) => Math.max(a, v), 0);
    const h = (busy / cells) * (H - 4);
    if (h > 0)
      bars +=
        `M${x(from).toFixed(1)} ${H}h${(x(to) - x(from)).toFixed(1)}v${(-h).toFixed(1)}h` +
        `${(x(from) - x(to)).toFixed(1)}z`;
  }
  return bars;
}

/** Busy cells per cycle over the fill, steady and drain bands; a click moves to that cycle. */
function Timeline(props: { run: SystolicRun; t: number; onSeek: (t: number) => void }): JSX.Element {
  const { run, t } = props;
  const W = 900;
  const H = 48;
  const x = (u: number): number => (Math.min(u, run.frames) / run.frames) * W;
  const bars = useMemo(() => occupancyBars(run, W, H), [run]);
  const bands: Array<[Phase, number, number]> = [
    ['fill', 0, run.phases.fillEnd],
    ['steady', run.phases.fillEnd, run.phases.drainStart],
    ['drain', run.phases.drainStart, run.stats.totalCycles],
  ];
  const seek = (e: MouseEvent): void => {
    const box = (e.currentTarget as SVGSVGElement).getBoundingClientRect();
    props.onSeek(Math.max(0, Math.min(run.frames - 1, Math.floor(((e.clientX - box.left) / box.width) * run.frames))));
  };
  return (
    <svg class="timeline" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" aria-hidden="true" onClick={seek}>
      {bands.map(
        ([phase, a, b]) =>
          b > a && (
            <rect
              key={phase}
              x={x(a)}
              width={x(b) - x(a)}
              height={H}
              fill={PHASES.find((p) => p.id === phase)!.colour}
            />
          ),
      )}
      <path d={bars} fill="#4a6fa5" />
      <rect x={x(t)} width={Math.max(2, W / run.frames)} height={H} fill="#f5a623" />
    </svg>
  );
}

function snapshotJson(run: SystolicRun): string {
  const cells = run.array.rows * run.array.cols;
  const frame = (t: number): object => {
    const part = (a: Float64Array | Int32Array): number[] => Array.from(a.subarray(t * cells, (t + 1) * cells));
    return {
      cycle: t,
      phase: phaseAt(run, t),
      tokens: part(run.tokens),
      fromLeft: part(run.fromLeft),
      fromTop: part(run.fromTop),
      held: part(run.held),
    };
  };
  const { array, shape, seed, stats, roles, phases, check } = run;
  const operands = { a: Array.from(run.operands.a), b: Array.from(run.operands.b) };
  const body = {
    array,
    shape,
    seed,
    stats,
    roles,
    phases,
    check,
    operands,
    output: Array.from(run.output),
    note: 'cells row-major; null where a register is idle',
    frames: Array.from({ length: run.frames }, (_, t) => frame(t)),
  };
  return JSON.stringify(body, null, 1);
}

export function SystolicPage(): JSX.Element {
  const [params, set] = usePageParams('systolic', DEFAULTS);
  const issues = systolicIssues(params);
  const issueOf = (path: string): string | undefined => issues.find((i) => i.path === path)?.message;
  const args =
    issues.length > 0
      ? undefined
      : {
          rows: Number(params.rows),
          cols: Number(params.cols),
          m: Number(params.m),
          n: Number(params.n),
          k: Number(params.k),
          dataflow: params.dataflow as Dataflow,
          seed: Number(params.seed),
        };
  const request = useRequest('systolicRun', args);
  const run = issues.length > 0 ? undefined : request.value;
  const last = run ? run.frames - 1 : 0;
  const t = Math.max(0, Math.min(last, Math.floor(Number(params.cycle)) || 0));
  const cycleWanted = Number(params.cycle);
  // Values from the address that cannot be used as given: said, with what is used instead.
  const notices = [
    run && !(Number.isInteger(cycleWanted) && cycleWanted >= 0 && cycleWanted <= last)
      ? `cycle '${params.cycle}' is not a cycle from 0 to ${last}; showing cycle ${t}`
      : undefined,
    COLOURINGS.includes(params.colour)
      ? undefined
      : `colour '${params.colour}' is not one of ${COLOURINGS.join(', ')}; colouring by held value`,
  ].filter((n): n is string => n !== undefined);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState('5');
  const [selected, setSelected] = useState<[number, number]>([0, 0]);
  const svgRef = useRef<SVGSVGElement | null>(null);
  useEffect(() => {
    if (!playing || !run) return;
    if (t >= last) return setPlaying(false);
    const id = setTimeout(() => set('cycle', String(t + 1)), 1000 / Number(speed));
    return () => clearTimeout(id);
  }, [playing, t, run, speed]);
  const rows = run?.array.rows ?? 1;
  const cols = run?.array.cols ?? 1;
  const sel: [number, number] = [Math.min(selected[0], rows - 1), Math.min(selected[1], cols - 1)];
  const onSelect = (i: number, j: number, focus: boolean): void => {
    setSelected([i, j]);
    if (focus) svgRef.current?.querySelector<SVGRectElement>(`[data-cell="${i}-${j}"]`)?.focus();
  };
  const togglePlay = (): void => {
    if (!playing && t >= last) set('cycle', '0');
    setPlaying(!playing);
  };
  const name = run
    ? `systolic-${run.array.dataflow}-${rows}x${cols}-gemm-${run.shape.m}x${run.shape.n}x${run.shape.k}`
    : 'systolic';
  const svgText = (): string => new XMLSerializer().serializeToString(svgRef.current!);
  const cell = run ? cellAt(run, t, sel[0], sel[1]) : undefined;
  const roles = DATAFLOW_ROLES[run?.array.dataflow ?? 'ws'];
  const numeric = (v: number): number | undefined => (Number.isNaN(v) ? undefined : v);
  return (
    <section aria-label="systolic array" class="systolic">
      <div class="controls">
        <NumberField
          label={`array rows (1-${MAX_ARRAY_SIDE})`}
          name="rows"
          value={params.rows}
          min={1}
          max={MAX_ARRAY_SIDE}
          onChange={(v) => set('rows', v)}
          error={issueOf('rows')}
        />
        <NumberField
          label={`array columns (1-${MAX_ARRAY_SIDE})`}
          name="cols"
          value={params.cols}
          min={1}
          max={MAX_ARRAY_SIDE}
          onChange={(v) => set('cols', v)}
          error={issueOf('cols')}
        />
        <NumberField
          label={`M (1-${MAX_GEMM_DIM})`}
          name="m"
          value={params.m}
          min={1}
          max={MAX_GEMM_DIM}
          onChange={(v) => set('m', v)}
          error={issueOf('m')}
        />
        <NumberField
          label={`N (1-${MAX_GEMM_DIM})`}
          name="n"
          value={params.n}
          min={1}
          max={MAX_GEMM_DIM}
          onChange={(v) => set('n', v)}
          error={issueOf('n')}
        />
        <NumberField
          label={`K (1-${MAX_GEMM_DIM})`}
          name="k"
          value={params.k}
          min={1}
          max={MAX_GEMM_DIM}
          onChange={(v) => set('k', v)}
          error={issueOf('k')}
        />
        <Select
          label="dataflow"
          name="dataflow"
          value={params.dataflow}
          options={['ws', 'os', 'is']}
          onChange={(v) => set('dataflow', v)}
        />
        <NumberField
          label="seed (operands)"
          name="seed"
          value={params.seed}
          min={1}
          onChange={(v) => set('seed', v)}
          error={issueOf('seed')}
        />
        <Select
          label="colour cells by"
          name="colour"
          value={params.colour}
          options={COLOURINGS}
          onChange={(v) => set('colour', v)}
        />
      </div>
      {notices.map((n) => (
        <Notice key={n} testid="param-notice">
          {n}
        </Notice>
      ))}
      {issues.length > 0 ? (
        <p class="error" data-testid="input-issues">
          Fix the inputs above to run: {issues.map((i) => i.message).join('; ')}.
        </p>
      ) : (
        <Status state={request.state} error={request.error} ms={request.ms} />
      )}
      {run && cell && (
        <>
          <p class="note">
            C[{run.shape.m}x{run.shape.n}] = A[{run.shape.m}x{run.shape.k}] x B[{run.shape.k}x{run.shape.n}] on a {rows}{' '}
            x {cols} int8 array, {run.array.dataflow}, seeded random operands; every cell simulated every cycle by the
            register-level engine.
          </p>
          <p
            class={`check ${run.check.identical ? 'ok' : 'bad'}`}
            data-testid="check"
            data-value={run.check.identical ? 1 : 0}
          >
            {run.check.identical
              ? `✓ output matches the reference GEMM: all ${run.check.outputs} outputs bit-identical`
              : `✗ output differs from the reference GEMM at output ${run.check.firstDifference?.index}: ` +
                `${run.check.firstDifference?.actual} vs ${run.check.firstDifference?.expected}`}
          </p>
          <div class="stats">
            <Stat label="cycles" value={fmt(run.stats.totalCycles)} raw={run.stats.totalCycles} testid="cycles" />
            <Stat
              label="MAC utilization (whole run)"
              value={`${fmt(100 * run.stats.macUtilization, 3)} %`}
              raw={run.stats.macUtilization}
              testid="utilization"
            />
            <Stat
              label="mapping efficiency"
              value={`${fmt(100 * run.stats.mappingEfficiency, 3)} %`}
              raw={run.stats.mappingEfficiency}
            />
            <Stat
              label="folds (row x column)"
              value={`${run.stats.folds} (${run.stats.rowFolds} x ${run.stats.colFolds})`}
              raw={run.stats.folds}
              testid="folds"
            />
            <Stat
              label="unhidden fill + drain"
              value={`${run.stats.fillDrainCycles} cycles`}
              raw={run.stats.fillDrainCycles}
            />
          </div>
          <div class="player">
            <button type="button" onClick={togglePlay} aria-pressed={playing}>
              {playing ? 'Pause' : 'Play'}
            </button>
            <button type="button" onClick={() => set('cycle', String(Math.max(0, t - 1)))} aria-label="previous cycle">
              ◀
            </button>
            <button type="button" onClick={() => set('cycle', String(Math.min(last, t + 1)))} aria-label="next cycle">
              ▶
            </button>
            <Slider
              label="cycle"
              name="cycle"
              value={t}
              min={0}
              max={last}
              onInput={(v) => set('cycle', String(v))}
              format={(v) => `${v} of ${run.stats.totalCycles}`}
            />
            <Select label="speed (cycles/s)" name="speed" value={speed} options={SPEEDS} onChange={setSpeed} />
            <Stat label="phase" value={phaseAt(run, t)} testid="phase" />
            <Stat
              label="busy cells"
              value={`${run.occupancy[t]} of ${rows * cols}`}
              raw={run.occupancy[t]}
              testid="busy"
            />
          </div>
          <Timeline run={run} t={t} onSeek={(u) => set('cycle', String(u))} />
          <p class="note legend">
            {PHASES.map((p) => (
              <span key={p.id}>
                <i style={{ background: p.colour }} /> {p.id}
              </span>
            ))}
            <span>
              <i style={{ background: '#4a6fa5' }} /> busy cells
            </span>
            Drain: the last {run.stats.fillDrainCycles} cycles, after the last input entered (the engine's unhidden fill
            and drain). Fill: the cycles before the array first has its peak of busy cells. Steady: between.
          </p>
          {run.frames < run.stats.totalCycles && (
            <p class="note" data-testid="truncated">
              Recorded the first {run.frames} of {run.stats.totalCycles} cycles (the animation keeps at most 600,000
              cell values); the figures above cover the whole run.
            </p>
          )}
          <div class="systolic-view">
            <figure class="chart" data-testid="array" data-dataflow={run.array.dataflow}>
              <figcaption>
                Cycle {t}
                <span class="downloads">
                  <button type="button" onClick={() => save(`${name}-cycle-${t}.svg`, 'image/svg+xml', svgText())}>
                    SVG
                  </button>
                  <button type="button" onClick={() => svgToPng(svgText(), `${name}-cycle-${t}.png`)}>
                    PNG
                  </button>
                  <button
                    type="button"
                    onClick={() => save(`${name}-snapshots.json`, 'application/json', snapshotJson(run))}
                  >
                    JSON (all cycles)
                  </button>
                </span>
              </figcaption>
              <div class="svg">
                <ArrayPicture
                  run={run}
                  t={t}
                  selected={sel}
                  colour={params.colour}
                  onSelect={onSelect}
                  svgRef={svgRef}
                />
              </div>
              <p class="note">
                {roles.left.name} {roles.left.about}, the next at the array's edge.
                {roles.top ? ` ${roles.top.name} ${roles.top.about}.` : ''}
                {roles.bottom ? ` ${roles.bottom.name} ${roles.bottom.about}.` : ''} Colour:{' '}
                {params.colour === 'token'
                  ? `the token (${roles.token}); grey cells are idle`
                  : 'the held value, blue below zero and red above'}
                . In large cells, → {roles.fromLeft}, ↓ {roles.fromTop}, ■ {roles.held}.
              </p>
            </figure>
            <aside class="cell-details" data-testid="cell-details" aria-live="polite">
              <h2>
                Cell ({sel[0]}, {sel[1]}) at cycle {t}
              </h2>
              <p class="note">Hover over a cell, or Tab into the array and move with the arrow keys.</p>
              <Stat
                label={`token (${roles.token})`}
                value={cell.token < 0 ? 'idle' : String(cell.token)}
                raw={cell.token}
                testid="cell-token"
              />
              <Stat
                label={`from the left: ${roles.fromLeft}`}
                value={show(cell.fromLeft)}
                raw={numeric(cell.fromLeft)}
                testid="cell-left"
              />
              <Stat
                label={`from the top: ${roles.fromTop}`}
                value={show(cell.fromTop)}
                raw={numeric(cell.fromTop)}
                testid="cell-top"
              />
              <Stat label={`held: ${roles.held}`} value={show(cell.held)} raw={numeric(cell.held)} testid="cell-held" />
            </aside>
          </div>
          <details>
            <summary>This cycle as a table</summary>
            <Table
              name={`${name}-cycle-${t}`}
              caption={`Every cell at cycle ${t}`}
              columns={[
                'row',
                'column',
                'token',
                `from the left (${roles.fromLeft})`,
                `from the top (${roles.fromTop})`,
                `held (${roles.held})`,
              ]}
              rows={Array.from({ length: rows * cols }, (_, x) => {
                const c = cellAt(run, t, Math.floor(x / cols), x % cols);
                return [
                  String(Math.floor(x / cols)),
                  String(x % cols),
                  c.token < 0 ? 'idle' : String(c.token),
                  show(c.fromLeft),
                  show(c.fromTop),
                  show(c.held),
                ];
              })}
              limit={256}
            />
          </details>
        </>
      )}
    </section>
  );
}

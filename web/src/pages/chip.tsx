/**
 * Chip: pick a preset or edit its spec (validated as you type, every problem with its path), the
 * derived peaks and ridge points, and the area and cost of the chip as charts.
 */
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { chipCostBarsSvg } from '../../../src/web.js';
import { BreakdownCharts } from '../components/power-charts.js';
import { Chart, NumberField, Select, Stat, Status, Table, fmt, si } from '../components/ui.js';
import { useRequest } from '../components/use-request.js';
import { call } from '../rpc.js';
import { usePageParams } from '../state.js';

/** As the Economics page and `tpusim cost --volume`. */
const MAX_VOLUME = 1e12;

export function ChipPage(): JSX.Element {
  const [params, set] = usePageParams('chip', { chip: 'tpu-v4', volume: '100000', design: '' });
  const names = useRequest('chipNames', {});
  const [text, setText] = useState<string | undefined>(undefined);
  const [editing, setEditing] = useState(false);
  const [issues, setIssues] = useState<Array<{ path: string; message: string }>>([]);
  useEffect(() => {
    setEditing(false);
    setIssues([]);
    // A design the Explore page opened: its chip JSON, kept in sessionStorage under the `design` parameter.
    const design = params.design ? sessionStorage.getItem(`tpusim-design:${params.design}`) : null;
    if (design !== null) onEdit(design);
    else call('chipSpec', { preset: params.chip }).then(setText, () => setText(undefined));
  }, [params.chip, params.design]);
  const volume = Number(params.volume);
  const volumeError =
    Number.isInteger(volume) && volume >= 1 && volume <= MAX_VOLUME
      ? undefined
      : `volume must be a whole number of chips from 1 to ${si(MAX_VOLUME)}, got '${params.volume}'`;
  const useEdited = editing && text !== undefined && issues.length === 0;
  const summary = useRequest(
    'chipSummary',
    useEdited ? { text: text!, volume } : { preset: params.chip, volume },
    volumeError,
  );
  const onEdit = (value: string): void => {
    setText(value);
    setEditing(true);
    call('validateSpec', { text: value }).then(setIssues);
  };
  const s = summary.value;
  // Not on every keystroke in the spec editor: only when a new summary arrives.
  const charts = useMemo(() => s && { cost: chipCostBarsSvg(s.cost) }, [s]);
  return (
    <section aria-label="chip">
      <div class="controls">
        <Select
          label="chip preset"
          name="chip"
          value={params.chip}
          options={names.value ?? [params.chip]}
          onChange={(v) => {
            set('design', '');
            set('chip', v);
          }}
        />
        <NumberField
          label="volume (chips, for NRE)"
          name="volume"
          value={params.volume}
          min={1}
          onChange={(v) => set('volume', v)}
          error={volumeError}
        />
      </div>
      <Status state={summary.state} error={summary.error} ms={summary.ms} />
      {s && charts && (
        <>
          <h2>
            {s.name}
            {useEdited ? ' (edited)' : ''}
          </h2>
          <p class="note">{s.description}</p>
          <div class="stats">
            <Stat label="clock" value={si(s.clockHz, 'Hz')} raw={s.clockHz} testid="clock" />
            {s.peaks.map((p) => (
              <Stat
                key={p.format}
                label={`peak ${p.format}`}
                value={si(p.opsPerS, 'OPS')}
                raw={p.opsPerS}
                testid={`peak-${p.format}`}
              />
            ))}
            <Stat
              label={`ridge point (${s.peaks[0]?.format})`}
              value={`${fmt(s.peaks[0]?.ridgeOpsPerByte ?? 0)} ops/B`}
              raw={s.peaks[0]?.ridgeOpsPerByte}
              testid="ridge"
            />
            <Stat
              label={`${s.memory.kind} memory`}
              value={`${si(s.memory.capacityBytes, 'B')}, ${si(s.memory.bandwidthBytesPerS, 'B/s')}`}
            />
            <Stat
              label="die area (model)"
              value={`${fmt(s.area.totalMm2)} mm²${s.area.dies > 1 ? ` in ${s.area.dies} dies` : ''}`}
              raw={s.area.totalMm2}
              testid="area"
            />
            {s.publishedDieMm2 !== undefined && <Stat label="published die" value={`${s.publishedDieMm2} mm²`} />}
            <Stat
              label={`cost per chip at ${fmt(s.cost.volume)}`}
              value={`$${fmt(s.cost.costPerChipUsd)}`}
              raw={s.cost.costPerChipUsd}
              testid="cost"
            />
            <Stat label="power at peak activity" value={`${fmt(s.power.peakW)} W`} raw={s.power.peakW} testid="power" />
            <Stat
              label="board power, dense GEMMs (model)"
              value={
                `${fmt(s.powerModel.denseGemm.power.boardW)} W at ${fmt(s.powerModel.denseGemm.clockHz / 1e6)} ` + `MHz`
              }
              raw={s.powerModel.denseGemm.power.boardW}
              testid="power-gemm"
            />
          </div>
          <p class="note">
            {s.estimates} of the {s.citations} numbers in this chip's description are estimates (see `tpusim chip show{' '}
            {s.name}`).
          </p>
          <div class="grid">
            <BreakdownCharts name={s.name} area={s.area} power={s.powerModel} />
            <Chart
              name={`${s.name}-cost`}
              caption="Cost per chip (USD)"
              testid="cost-chart"
              svg={charts.cost}
              data={s.cost}
            />
          </div>
          <Table
            name={`${s.name}-peaks`}
            caption="Peaks by format"
            columns={['format', 'peak ops/s', 'ridge point (ops/byte)']}
            rows={s.peaks.map((p) => [p.format, p.opsPerS, p.ridgeOpsPerByte])}
          />
        </>
      )}
      <h2>Spec</h2>
      <p class="note">Edit the JSON to try a variant; it is validated as you type and used once it is valid.</p>
      <textarea
        aria-label="chip spec (JSON)"
        value={text ?? ''}
        onInput={(e) => onEdit((e.target as HTMLTextAreaElement).value)}
        spellcheck={false}
      />
      {issues.length > 0 && (
        <ul class="issues" role="alert" data-testid="spec-issues">
          {issues.map((i, k) => (
            <li key={k}>{i.message}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

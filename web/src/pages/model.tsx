/**
 * Model: a zoo model, an uploaded .onnx file or a pasted Hugging Face config.json on a chip, as
 * `tpusim estimate` sees it: totals, every layer with what bounds it, a timeline and a roofline of the
 * layers, energy by part; and the same model on other chips side by side (`tpusim compare`).
 */
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  compareSvg,
  estimateEnergySvg,
  estimateRooflineSvg,
  estimateTimelineSvg,
  rooflinePoints,
  timedLayers,
} from '../../../src/web.js';
import type { Api, ApiName } from '../api.js';
import type { ModelArgs, ModelRef } from '../api/model.js';
import { save } from '../components/download.js';
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
import { useRequest, type RequestState } from '../components/use-request.js';
import { call } from '../rpc.js';
import { usePageParams } from '../state.js';
import './model.css';

const DEFAULTS = { source: 'zoo', model: 'resnet50', chip: 'tpu-v4', batch: '1', seq: '', dtype: '', compare: '' };
const SOURCES = [
  { id: 'zoo', label: 'zoo model' },
  { id: 'onnx', label: 'ONNX file' },
  { id: 'config', label: 'Hugging Face config.json' },
] as const;
/** Batch sizes the slider steps through: doubling, with the 1.5x steps between. */
const BATCHES = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024];
/** Layers the page's table lists (the downloads have all). */
const TABLE_ROWS = 100;
/** As `tpusim estimate --seq`. */
const MAX_SEQ = 1 << 24;
/** Sequence length of a pasted config when none is given (loadModel's default). */
const CONFIG_SEQ = 128;

type Estimate = ReturnType<Api['modelEstimate']>;
type Comparison = ReturnType<Api['modelCompare']>;

/**
 * A request sent one at a time: inputs that change while one is answered wait, and only the latest is
 * sent next, so a dragged slider never queues stale estimates in the worker.
 */
function useLatestRequest<N extends ApiName>(
  name: N,
  args: Parameters<Api[N]>[0] | undefined,
  problem?: string,
): RequestState<ReturnType<Api[N]>> {
  const [sent, setSent] = useState(args);
  const result = useRequest(name, sent, problem);
  const key = JSON.stringify(args);
  useEffect(() => {
    if ((sent === undefined || result.state !== 'busy') && key !== JSON.stringify(sent)) setSent(args);
  }, [key, result.state]);
  return result;
}

/** Seconds in the unit that reads best. */
function duration(s: number): string {
  if (s >= 1) return `${fmt(s)} s`;
  if (s >= 1e-3) return `${fmt(s * 1e3)} ms`;
  return `${fmt(s * 1e6)} us`;
}

function wholeNumber(text: string, max: number): number | undefined {
  const v = Number(text);
  return Number.isInteger(v) && v >= 1 && v <= max ? v : undefined;
}

export function ModelPage(): JSX.Element {
  const [params, set] = usePageParams('model', DEFAULTS);
  const choices = useRequest('modelChoices', {});
  const [config, setConfig] = useState('');
  const [upload, setUpload] = useState<{ upload: number; file: string; bytes: number } | undefined>(undefined);
  const [uploadError, setUploadError] = useState<string | undefined>(undefined);
  const models = choices.value?.models ?? [];
  const chips = choices.value?.chips ?? [];
  const entry = models.find((m) => m.name === params.model);
  const formats = chips.find((c) => c.name === params.chip)?.formats ?? [];
  const source = SOURCES.find((s) => s.id === params.source)?.id ?? 'zoo';
  const usesSeq = source === 'config' || (source === 'zoo' && entry?.family === 'transformer');
  const defaultSeq = source === 'config' ? CONFIG_SEQ : (entry?.seq ?? CONFIG_SEQ);
  const seq = params.seq === '' ? undefined : wholeNumber(params.seq, MAX_SEQ);
  const seqError =
    usesSeq && params.seq !== '' && seq === undefined
      ? `sequence length must be a whole number from 1 to ${MAX_SEQ}, got '${params.seq}'`
      : undefined;
  const maxBatch = BATCHES[BATCHES.length - 1]!;
  const batchValue = wholeNumber(params.batch, maxBatch);
  const batchError =
    batchValue === undefined ? `batch must be a whole number from 1 to ${maxBatch}, got '${params.batch}'` : undefined;
  const batch = batchValue ?? 1;
  const problem = batchError ?? seqError;
  const ref: ModelRef | undefined =
    source === 'zoo'
      ? { kind: 'zoo', name: params.model }
      : source === 'onnx'
        ? upload && { kind: 'onnx', upload: upload.upload }
        : config.trim()
          ? { kind: 'huggingface', text: config }
          : undefined;
  const args: ModelArgs | undefined =
    ref && !problem ? { model: ref, batch, ...(usesSeq && seq !== undefined ? { seq } : {}) } : undefined;
  const dtype = formats.includes(params.dtype) ? params.dtype : formats[0];
  // A format from the address that this chip lacks: said, with the one used instead.
  const dtypeNotice =
    params.dtype !== '' && formats.length > 0 && !formats.includes(params.dtype)
      ? `format '${params.dtype}' is not one of ${params.chip}'s formats (${formats.join(', ')}); using ${dtype}`
      : undefined;
  const estimate = useLatestRequest(
    'modelEstimate',
    args && { ...args, chip: params.chip, ...(dtype ? { dtype } : {}) },
    problem,
  );
  const compareNames = params.compare.split(',').filter((c) => c);
  const comparison = useLatestRequest(
    'modelCompare',
    args && compareNames.length > 0 ? { ...args, chips: compareNames } : undefined,
    compareNames.length > 0 ? problem : undefined,
  );

  const onFile = (file: File | undefined): void => {
    setUploadError(undefined);
    if (!file) return;
    file.arrayBuffer().then(
      (buffer) => call('modelUpload', { file: file.name, bytes: new Uint8Array(buffer) }).then(setUpload),
      (error: Error) => setUploadError(`${file.name} cannot be read: ${error.message}`),
    );
  };
  const toggleChip = (name: string, on: boolean): void =>
    set(
      'compare',
      chips
        .map((c) => c.name)
        .filter((c) => (c === name ? on : compareNames.includes(c)))
        .join(','),
    );
  const sliderIndex = BATCHES.reduce((best, b, i) => (b <= batch ? i : best), 0);

  return (
    <section aria-label="model">
      <div class="controls">
        <fieldset class="model-sources">
          <legend>model from</legend>
          {SOURCES.map((s) => (
            <label key={s.id}>
              <input
                type="radio"
                name="model source"
                value={s.id}
                checked={source === s.id}
                onChange={() => set('source', s.id)}
              />
              {s.label}
            </label>
          ))}
        </fieldset>
        {source === 'zoo' && (
          <Select
            label="zoo model"
            name="model"
            value={params.model}
            options={models.length > 0 ? models.map((m) => m.name) : [params.model]}
            onChange={(v) => set('model', v)}
          />
        )}
        {source === 'onnx' && (
          <label class="field">
            <span>.onnx file</span>
            <input
              type="file"
              accept=".onnx"
              aria-label=".onnx file"
              onChange={(e) => onFile((e.target as HTMLInputElement).files?.[0])}
            />
          </label>
        )}
        <Select
          label="chip"
          name="chip"
          value={params.chip}
          options={chips.length > 0 ? chips.map((c) => c.name) : [params.chip]}
          onChange={(v) => set('chip', v)}
        />
        <Select label="format" name="dtype" value={dtype ?? ''} options={formats} onChange={(v) => set('dtype', v)} />
        <Slider
          label="batch"
          name="batch"
          value={sliderIndex}
          min={0}
          max={BATCHES.length - 1}
          onInput={(i) => set('batch', String(BATCHES[i]))}
          format={() => (batchError ? `${params.batch} (not usable)` : String(batch))}
        />
        {usesSeq && (
          <NumberField
            label="sequence length"
            name="seq"
            value={params.seq || String(defaultSeq)}
            min={1}
            max={MAX_SEQ}
            onChange={(v) => set('seq', v)}
            error={seqError}
          />
        )}
      </div>
      {source === 'zoo' && entry && <p class="note">{entry.description}</p>}
      {source === 'onnx' && (
        <p class="note">
          {upload
            ? `${upload.file} (${si(upload.bytes, 'B')}), read in this browser`
            : 'Choose an .onnx file; it is read here and never leaves this machine.'}
        </p>
      )}
      {uploadError && (
        <p class="error" role="alert">
          {uploadError}
        </p>
      )}
      {source === 'config' && (
        <ConfigEditor text={config} example={choices.value?.exampleConfig ?? ''} onChange={setConfig} />
      )}
      {dtypeNotice && <Notice testid="dtype-notice">{dtypeNotice}</Notice>}
      {(args || problem) && (
        <div data-testid="estimate-status">
          <Status state={estimate.state} error={estimate.error} ms={estimate.ms} />
        </div>
      )}
      {args && estimate.value && estimate.state !== 'error' && <EstimateView e={estimate.value} />}
      <Compare
        chips={chips.map((c) => c.name)}
        selected={compareNames}
        onToggle={toggleChip}
        result={(args || problem) && compareNames.length > 0 ? comparison : undefined}
      />
    </section>
  );
}

function ConfigEditor(props: { text: string; example: string; onChange: (text: string) => void }): JSX.Element {
  return (
    <div class="model-config">
      <p class="note">
        Paste a Hugging Face config.json (llama, mistral, qwen2, mixtral, gpt2, bert, ...); the model is built from it
        as you type.{' '}
        <button type="button" onClick={() => props.onChange(props.example)}>
          use an example (llama3-8b)
        </button>
      </p>
      <textarea
        aria-label="config.json contents"
        value={props.text}
        placeholder='{ "model_type": "llama", "hidden_size": 4096, ... }'
        spellcheck={false}
        onInput={(e) => props.onChange((e.target as HTMLTextAreaElement).value)}
      />
    </div>
  );
}

function EstimateView({ e }: { e: Estimate }): JSX.Element {
  const timed = useMemo(() => timedLayers(e), [e]);
  const charts = useMemo(
    () => ({
      timeline: estimateTimelineSvg(e),
      roofline: estimateRooflineSvg(e, e.memory),
      energy: estimateEnergySvg(e),
      points: rooflinePoints(e),
      layers: timedLayers(e).map((l) => ({ layer: l.name, timeS: l.timeS, bound: l.bound })),
    }),
    [e],
  );
  const share = (bound: string): number =>
    timed.filter((l) => l.bound === bound).reduce((s, l) => s + l.timeS, 0) / (e.totalTimeS || 1);
  return (
    <>
      <h2>
        {e.model} on {e.chip} ({e.dtype}, batch {e.batch}
        {e.cores > 1 ? `, spread over ${e.cores} cores` : ''})
      </h2>
      {!e.feasible && <DoesNotFit reasons={e.reasons} />}
      <div class="stats">
        <Stat
          label="time per inference"
          value={duration(e.totalTimeS)}
          raw={e.totalTimeS}
          testid="total-time"
          validation={{
            text: `its kernels ${e.validation.text}; whole forward passes are not validated on their own`,
            inRegime: e.validation.inRegime,
          }}
        />
        <Stat
          label="inferences per second"
          value={si(e.batch / e.totalTimeS)}
          raw={e.batch / e.totalTimeS}
          testid="per-second"
        />
        <Stat
          label={`achieved of ${si(e.peakOpsPerS, 'OPS')} peak`}
          value={si(e.achievedOpsPerS, 'OPS')}
          raw={e.achievedOpsPerS}
          testid="achieved"
        />
        <Stat label="utilization" value={`${fmt(e.utilization * 100, 3)} %`} raw={e.utilization} testid="utilization" />
        <Stat label="energy per inference" value={`${fmt(e.energyJ * 1e3)} mJ`} raw={e.energyJ} testid="energy" />
        <Stat label="average power" value={`${fmt(e.averagePowerW)} W`} raw={e.averagePowerW} testid="power" />
        <Stat
          label="fits in memory"
          value={e.feasible ? `yes (weights ${si(e.weightBytes, 'B')})` : 'no'}
          raw={e.feasible ? 1 : 0}
          testid="fits"
        />
        <Stat label="layers" value={`${e.layers.length}`} raw={e.layers.length} testid="layers" />
        <Stat
          label="critical path if layers overlapped"
          value={duration(e.criticalPathS)}
          raw={e.criticalPathS}
          testid="critical-path"
        />
      </div>
      <p class="note">
        Time by bound:{' '}
        {(['compute', 'memory', 'vector', 'latency'] as const).map((b) => `${b} ${fmt(share(b) * 100, 3)}%`).join(', ')}
        . Inputs and outputs over the host link take {duration(e.ioTimeS)} more (not in the total).{' '}
        <button
          type="button"
          onClick={() => save(`${e.model}-${e.chip}-estimate.json`, 'application/json', JSON.stringify(e, null, 2))}
        >
          estimate JSON
        </button>
      </p>
      {e.warnings.length > 0 && (
        <ul class="note model-warnings">
          {e.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <Chart
        name={`${e.model}-${e.chip}-timeline`}
        caption="Layers in order, coloured by what bounds them"
        testid="timeline"
        svg={charts.timeline}
        data={charts.layers}
      />
      <div class="grid">
        <Chart
          name={`${e.model}-${e.chip}-roofline`}
          caption="Roofline by layer"
          testid="roofline"
          svg={charts.roofline}
          data={charts.points}
        />
        <Chart
          name={`${e.model}-${e.chip}-energy`}
          caption="Energy by part"
          testid="energy-chart"
          svg={charts.energy}
          data={e.energy}
        />
      </div>
      <Table
        name={`${e.model}-${e.chip}-layers`}
        caption={`Layers (${timed.length} take time)`}
        testid="layer-table"
        limit={TABLE_ROWS}
        columns={['layer', 'op', 'output', 'FLOPs', 'off-chip bytes', 'time (us)', 'util %', 'bound', 'energy (uJ)']}
        rows={timed.map((l) => [
          l.name,
          l.kind,
          l.shape.join('x'),
          l.flops,
          l.offChipBytes,
          l.timeS * 1e6,
          l.utilization * 100,
          l.bound,
          l.energyJ * 1e6,
        ])}
      />
    </>
  );
}

function Compare(props: {
  chips: readonly string[];
  selected: readonly string[];
  onToggle: (chip: string, on: boolean) => void;
  result: RequestState<Comparison> | undefined;
}): JSX.Element {
  const r = props.result;
  const rows = r?.value?.chips ?? [];
  return (
    <>
      <h2>Compare chips side by side</h2>
      <fieldset class="model-chips">
        <legend>chips (each in its first format, as tpusim compare)</legend>
        {props.chips.map((c) => (
          <Check
            key={c}
            label={c}
            name={`compare ${c}`}
            checked={props.selected.includes(c)}
            onChange={(on) => props.onToggle(c, on)}
          />
        ))}
      </fieldset>
      {r && (
        <div data-testid="compare-status">
          <Status state={r.state} error={r.error} ms={r.ms} />
        </div>
      )}
      {r?.value && r.state !== 'error' && (
        <div class="grid">
          <Table
            name={`${r.value.model}-compare`}
            caption={`${r.value.model} at batch ${rows[0]?.batch ?? 1}`}
            testid="compare-table"
            columns={[
              'chip',
              'format',
              'time (us)',
              'per second',
              'achieved ops/s',
              'util %',
              'energy (mJ)',
              'power (W)',
              'per joule',
              'fits',
            ]}
            rows={rows.map((c) => [
              c.chip,
              c.dtype,
              c.totalTimeS * 1e6,
              c.batch / c.totalTimeS,
              c.achievedOpsPerS,
              c.utilization * 100,
              c.energyJ * 1e3,
              c.averagePowerW,
              c.batch / c.energyJ,
              c.feasible ? 'yes' : 'no',
            ])}
          />
          <Chart
            name={`${r.value.model}-compare`}
            caption="Time per inference by chip"
            testid="compare-chart"
            svg={compareSvg(r.value.model, rows)}
            data={r.value}
          />
        </div>
      )}
      {rows
        .filter((c) => !c.feasible)
        .map((c) => (
          <p key={c.chip} class="note">
            {c.chip} does not fit: {c.reasons.join('; ')}
          </p>
        ))}
    </>
  );
}

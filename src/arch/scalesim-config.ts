/**
 * SCALE-Sim v2 `.cfg` files (INI): the array size, dataflow and SRAM sizes of one systolic array.
 * Keys take `:` or `=`; unknown keys are kept out of the result but do not fail (SCALE-Sim ignores
 * some, e.g. MemoryBanks). See ../shared/SCALE-SIM.md for the format.
 */
import { issue, type Issue, type Result } from '../core/errors.js';
import { DATAFLOWS, type Dataflow } from './chip-spec.js';
import { MAX_ARRAY_DIM } from './validate.js';

export interface ScaleSimConfig {
  readonly runName: string;
  readonly rows: number;
  readonly cols: number;
  readonly dataflow: Dataflow;
  readonly ifmapSramKb: number;
  readonly filterSramKb: number;
  readonly ofmapSramKb: number;
  /** Words per cycle of the DRAM interface; only used when `interfaceBandwidth` is `USER`. */
  readonly bandwidthWordsPerCycle: number;
  readonly interfaceBandwidth: 'CALC' | 'USER';
}

type Key = 'run_name' | 'arrayheight' | 'arraywidth' | 'ifmapsramszkb' | 'filtersramszkb' | 'ofmapsramszkb' | 'dataflow' | 'bandwidth' | 'interfacebandwidth';
const REQUIRED: readonly Key[] = ['arrayheight', 'arraywidth', 'dataflow'];

export function parseScaleSimConfig(text: string, fileName = 'config.cfg'): Result<ScaleSimConfig> {
  const issues: Issue[] = [];
  const values = new Map<string, { value: string; line: number }>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (line === '' || /^\[.*\]$/.test(line)) return;
    const match = /^([^:=]+)[:=](.*)$/.exec(line);
    if (!match) {
      issues.push(issue('syntax', `${fileName}:${index + 1}`, `expected 'key: value' or 'key = value', got '${line}'`));
      return;
    }
    values.set(match[1]!.trim().toLowerCase(), { value: match[2]!.trim(), line: index + 1 });
  });
  for (const key of REQUIRED) if (!values.has(key)) issues.push(issue('missing', fileName, `missing key '${key}'`));

  const integer = (key: Key, fallback: number, min: number, max: number): number => {
    const entry = values.get(key);
    if (!entry) return fallback;
    const n = Number(entry.value);
    if (entry.value === '' || !Number.isInteger(n) || n < min || n > max) {
      issues.push(issue('bad_value', `${fileName}:${entry.line}`, `${key} must be an integer from ${min} to ${max}, got '${entry.value}'`));
      return fallback;
    }
    return n;
  };
  const rows = integer('arrayheight', 1, 1, MAX_ARRAY_DIM);
  const cols = integer('arraywidth', 1, 1, MAX_ARRAY_DIM);
  const ifmapSramKb = integer('ifmapsramszkb', 0, 0, 2 ** 30);
  const filterSramKb = integer('filtersramszkb', 0, 0, 2 ** 30);
  const ofmapSramKb = integer('ofmapsramszkb', 0, 0, 2 ** 30);
  const bandwidthWordsPerCycle = integer('bandwidth', 0, 0, 2 ** 30);
  const dataflowEntry = values.get('dataflow');
  const dataflow = dataflowEntry?.value.toLowerCase() ?? 'ws';
  if (dataflowEntry && !(DATAFLOWS as readonly string[]).includes(dataflow)) {
    issues.push(issue('bad_value', `${fileName}:${dataflowEntry.line}`, `Dataflow must be one of ${DATAFLOWS.join(', ')}, got '${dataflowEntry.value}'`));
  }
  const modeEntry = values.get('interfacebandwidth');
  const mode = modeEntry?.value.toUpperCase() ?? 'CALC';
  if (mode !== 'CALC' && mode !== 'USER') {
    issues.push(issue('bad_value', `${fileName}:${modeEntry!.line}`, `InterfaceBandwidth must be CALC or USER, got '${modeEntry!.value}'`));
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: {
      runName: values.get('run_name')?.value ?? fileName.replace(/^.*[\\/]/, '').replace(/\.cfg$/, ''),
      rows,
      cols,
      dataflow: dataflow as Dataflow,
      ifmapSramKb,
      filterSramKb,
      ofmapSramKb,
      bandwidthWordsPerCycle,
      interfaceBandwidth: mode as 'CALC' | 'USER',
    },
  };
}

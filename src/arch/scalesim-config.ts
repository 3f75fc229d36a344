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
  /** Every value of a `Bandwidth: a,b,c` list; SCALE-Sim v2 uses the first for all three operands. */
  readonly bandwidthsWordsPerCycle: readonly number[];
  /** Base addresses of the three operands (SCALE-Sim's IfmapOffset, FilterOffset, OfmapOffset). */
  readonly offsets: { readonly ifmap: number; readonly filter: number; readonly ofmap: number };
  readonly interfaceBandwidth: 'CALC' | 'USER';
  /** SCALE-Sim v3's [sparsity] section, when SparsitySupport is true (see sim/sparsity). */
  readonly sparsity?: ScaleSimSparsity;
  /** SCALE-Sim v3's [layout] section, when the config has one (see sim/layout). */
  readonly layout?: ScaleSimLayout;
  /** Keys and sections read but not modelled (v3's Ramulator, multi-core...), one line each. */
  readonly warnings: readonly string[];
}

export const SPARSE_REPRESENTATIONS = ['csr', 'csc', 'ellpack_block'] as const;
export type SparseRepresentation = (typeof SPARSE_REPRESENTATIONS)[number];

/** SCALE-Sim v3's [sparsity] section (README_Sparsity.md); OptimizedMapping is its row-wise N:M mode. */
export interface ScaleSimSparsity {
  readonly representation: SparseRepresentation;
  readonly optimizedMapping: boolean;
  /** M of row-wise N:M (BlockSize); v3 reads it only with OptimizedMapping. */
  readonly blockSize: number;
  /** RandomNumberGeneratorSeed (v3's default 40): numpy's legacy seed for row-wise N per column. */
  readonly seed: number;
}

/** One read operand's SRAM in SCALE-Sim v3's [layout] section. */
export interface ScaleSimOperandBanks {
  /** IfmapCustomLayout / FilterCustomLayout: whether the layout CSV's tiling (and the bank model) applies. */
  readonly customLayout: boolean;
  /** SRAMBankBandwidth: words per SRAM line over all banks; v3 also uses it as the operand's USER DRAM bandwidth. */
  readonly bandwidthWordsPerCycle: number;
  readonly banks: number;
  /** SRAMBankPort: lines one bank serves per cycle. */
  readonly ports: number;
}

export interface ScaleSimLayout {
  readonly ifmap: ScaleSimOperandBanks;
  readonly filter: ScaleSimOperandBanks;
}

/** The largest bank count or port count accepted (v3 has no limit; far above any SRAM built). */
export const MAX_SRAM_BANKS = 4096;
const LAYOUT_KEYS = ['customlayout', 'srambankbandwidth', 'srambanknum', 'srambankport'] as const;

const SPARSITY_KEYS = new Set([
  'sparsitysupport',
  'sparserep',
  'optimizedmapping',
  'blocksize',
  'randomnumbergeneratorseed',
]);

/** Sections and keys SCALE-Sim v2 reads; MemoryBanks and TopologyCsvLoc are read and ignored by v2 as well. */
const V2_SECTIONS = new Set(['general', 'architecture_presets', 'run_presets', 'network_presets']);
const IGNORED_LIKE_V2 = new Set(['memorybanks', 'topologycsvloc']);

const KEYS = [
  'run_name',
  'arrayheight',
  'arraywidth',
  'ifmapsramszkb',
  'filtersramszkb',
  'ofmapsramszkb',
  'dataflow',
  'bandwidth',
  'interfacebandwidth',
  'ifmapoffset',
  'filteroffset',
  'ofmapoffset',
] as const;
type Key = (typeof KEYS)[number];
const REQUIRED: readonly Key[] = ['arrayheight', 'arraywidth', 'dataflow'];

export function parseScaleSimConfig(text: string, fileName = 'config.cfg'): Result<ScaleSimConfig> {
  const issues: Issue[] = [];
  const values = new Map<string, { value: string; line: number }>();
  const sparsityValues = new Map<string, { value: string; line: number }>();
  const layoutValues = new Map<string, { value: string; line: number }>();
  let layoutSection = false;
  const warnings: string[] = [];
  let section = '';
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (line === '') return;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      if (section.toLowerCase() === 'layout') layoutSection = true;
      if (
        !V2_SECTIONS.has(section.toLowerCase()) &&
        section.toLowerCase() !== 'sparsity' &&
        section.toLowerCase() !== 'layout'
      )
        warnings.push(
          `${fileName}:${index + 1}: section [${section}] is not modelled (SCALE-Sim v2 has no such section); ` +
            `its keys are ignored`,
        );
      return;
    }
    const match = /^([^:=]+)[:=](.*)$/.exec(line);
    if (!match) {
      issues.push(issue('syntax', `${fileName}:${index + 1}`, `expected 'key: value' or 'key = value', got '${line}'`));
      return;
    }
    const key = match[1]!.trim();
    const known = (KEYS as readonly string[]).includes(key.toLowerCase());
    if (V2_SECTIONS.has(section.toLowerCase()) && !known && !IGNORED_LIKE_V2.has(key.toLowerCase()))
      warnings.push(`${fileName}:${index + 1}: key '${key}' is not modelled; ignored`);
    if (section.toLowerCase() === 'sparsity') {
      if (!SPARSITY_KEYS.has(key.toLowerCase()))
        warnings.push(
          `${fileName}:${index + 1}: key '${key}' in [sparsity] is not a SCALE-Sim v3 sparsity key; ignored`,
        );
      sparsityValues.set(key.toLowerCase(), { value: match[2]!.trim(), line: index + 1 });
      return;
    }
    if (section.toLowerCase() === 'layout') {
      if (
        !/^(ifmap|filter)/i.test(key) ||
        !(LAYOUT_KEYS as readonly string[]).includes(key.toLowerCase().replace(/^(ifmap|filter)/, ''))
      ) {
        warnings.push(`${fileName}:${index + 1}: key '${key}' in [layout] is not a SCALE-Sim v3 layout key; ignored`);
      }
      layoutValues.set(key.toLowerCase(), { value: match[2]!.trim(), line: index + 1 });
      return;
    }
    if (!V2_SECTIONS.has(section.toLowerCase()) && section !== '') return;
    values.set(key.toLowerCase(), { value: match[2]!.trim(), line: index + 1 });
  });
  for (const key of REQUIRED) if (!values.has(key)) issues.push(issue('missing', fileName, `missing key '${key}'`));

  const integer = (key: Key, fallback: number, min: number, max: number): number => {
    const entry = values.get(key);
    if (!entry) return fallback;
    const n = Number(entry.value);
    if (entry.value === '' || !Number.isInteger(n) || n < min || n > max) {
      issues.push(
        issue(
          'bad_value',
          `${fileName}:${entry.line}`,
          `${key} must be an integer from ${min} to ${max}, got '${entry.value}'`,
        ),
      );
      return fallback;
    }
    return n;
  };
  const rows = integer('arrayheight', 1, 1, MAX_ARRAY_DIM);
  const cols = integer('arraywidth', 1, 1, MAX_ARRAY_DIM);
  const ifmapSramKb = integer('ifmapsramszkb', 0, 0, 2 ** 30);
  const filterSramKb = integer('filtersramszkb', 0, 0, 2 ** 30);
  const ofmapSramKb = integer('ofmapsramszkb', 0, 0, 2 ** 30);
  const bandwidthsWordsPerCycle = bandwidthList(values.get('bandwidth'), fileName, issues);
  const offsets = {
    ifmap: integer('ifmapoffset', 0, 0, 2 ** 30),
    filter: integer('filteroffset', 10_000_000, 0, 2 ** 30),
    ofmap: integer('ofmapoffset', 20_000_000, 0, 2 ** 30),
  };
  const dataflowEntry = values.get('dataflow');
  const dataflow = dataflowEntry?.value.toLowerCase() ?? 'ws';
  if (dataflowEntry && !(DATAFLOWS as readonly string[]).includes(dataflow)) {
    issues.push(
      issue(
        'bad_value',
        `${fileName}:${dataflowEntry.line}`,
        `Dataflow must be one of ${DATAFLOWS.join(', ')}, got '${dataflowEntry.value}'`,
      ),
    );
  }
  const modeEntry = values.get('interfacebandwidth');
  const mode = modeEntry?.value.toUpperCase() ?? 'CALC';
  if (mode !== 'CALC' && mode !== 'USER') {
    issues.push(
      issue(
        'bad_value',
        `${fileName}:${modeEntry!.line}`,
        `InterfaceBandwidth must be CALC or USER, got '${modeEntry!.value}'`,
      ),
    );
  }
  if (mode === 'USER' && !(bandwidthsWordsPerCycle[0]! > 0))
    issues.push(issue('missing', fileName, 'InterfaceBandwidth USER needs Bandwidth of at least 1 word per cycle'));
  const sparsity = parseSparsity(sparsityValues, rows, fileName, issues);
  const layout = layoutSection ? parseLayout(layoutValues, fileName, issues) : undefined;
  if (layout && mode === 'CALC' && (layout.ifmap.customLayout || layout.filter.customLayout)) {
    warnings.push(
      `${fileName}: [layout] custom layouts have no effect with InterfaceBandwidth CALC (SCALE-Sim v3 models ` +
        `SRAM banks in USER mode only)`,
    );
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
      bandwidthWordsPerCycle: bandwidthsWordsPerCycle[0] ?? 0,
      bandwidthsWordsPerCycle,
      offsets,
      interfaceBandwidth: mode as 'CALC' | 'USER',
      ...(sparsity ? { sparsity } : {}),
      ...(layout ? { layout } : {}),
      warnings,
    },
  };
}

/** `Bandwidth: 10` or `Bandwidth: 10,10,10` (one per operand): positive integers, words per cycle. */
function bandwidthList(
  entry: { value: string; line: number } | undefined,
  fileName: string,
  issues: Issue[],
): number[] {
  if (!entry) return [];
  const values = entry.value.split(',').map((v) => v.trim());
  const numbers = values.map(Number);
  if (values.some((v, i) => v === '' || !Number.isInteger(numbers[i]) || numbers[i]! < 0 || numbers[i]! > 2 ** 30)) {
    issues.push(
      issue(
        'bad_value',
        `${fileName}:${entry.line}`,
        `bandwidth must be integers from 0 to ${2 ** 30} separated by commas, got '${entry.value}'`,
      ),
    );
    return [];
  }
  return numbers;
}

/**
 * [sparsity]: off unless SparsitySupport is true. BlockSize must be even-splittable the way v3 packs
 * two blocks into the array's rows: at most ArrayHeight (v3 asserts it), at least 2 (randint(1, B/2 + 1)
 * needs B >= 2) and dividing 2 x ArrayHeight (otherwise v3's skew fails with a numpy shape error).
 */
function parseSparsity(
  values: Map<string, { value: string; line: number }>,
  rows: number,
  fileName: string,
  issues: Issue[],
): ScaleSimSparsity | undefined {
  const flag = (key: string): boolean | undefined => {
    const entry = values.get(key);
    if (!entry) return undefined;
    const text = entry.value.toLowerCase();
    if (text !== 'true' && text !== 'false')
      issues.push(
        issue('bad_value', `${fileName}:${entry.line}`, `${key} must be true or false, got '${entry.value}'`),
      );
    return text === 'true';
  };
  if (!flag('sparsitysupport')) return undefined;
  const repEntry = values.get('sparserep');
  const representation = (repEntry?.value ?? '') as SparseRepresentation;
  if (!(SPARSE_REPRESENTATIONS as readonly string[]).includes(representation)) {
    issues.push(
      issue(
        repEntry ? 'bad_value' : 'missing',
        repEntry ? `${fileName}:${repEntry.line}` : fileName,
        `SparseRep must be one of ${SPARSE_REPRESENTATIONS.join(', ')}, got '${repEntry?.value ?? ''}'`,
      ),
    );
  }
  const optimizedMapping = flag('optimizedmapping') ?? false;
  const integer = (key: string, fallback: number, min: number, max: number): number => {
    const entry = values.get(key);
    if (!entry) return fallback;
    const n = Number(entry.value);
    if (entry.value === '' || !Number.isInteger(n) || n < min || n > max) {
      issues.push(
        issue(
          'bad_value',
          `${fileName}:${entry.line}`,
          `${key} must be an integer from ${min} to ${max}, got '${entry.value}'`,
        ),
      );
      return fallback;
    }
    return n;
  };
  const blockSize = optimizedMapping ? integer('blocksize', 4, 2, rows) : 4;
  if (optimizedMapping && (2 * rows) % blockSize !== 0) {
    const entry = values.get('blocksize');
    issues.push(
      issue(
        'bad_value',
        entry ? `${fileName}:${entry.line}` : fileName,
        `blocksize ${blockSize} must divide 2 x ArrayHeight (${2 * rows}): SCALE-Sim v3 packs two blocks per ` +
          `${rows} rows`,
      ),
    );
  }
  const seed = integer('randomnumbergeneratorseed', 40, 0, 0xffffffff);
  return { representation, optimizedMapping, blockSize, seed };
}

/**
 * [layout]: v3 reads all eight keys once the section is there (configparser fails on a missing one).
 * The banks must split the bank bandwidth evenly (v3 asserts it in read_buffer.set_params).
 */
function parseLayout(
  values: Map<string, { value: string; line: number }>,
  fileName: string,
  issues: Issue[],
): ScaleSimLayout {
  const operand = (prefix: 'ifmap' | 'filter'): ScaleSimOperandBanks => {
    const get = (key: string): { value: string; line: number } | undefined => {
      const entry = values.get(`${prefix}${key}`);
      if (!entry)
        issues.push(
          issue('missing', fileName, `[layout] needs ${prefix === 'ifmap' ? 'Ifmap' : 'Filter'}${LAYOUT_NAMES[key]}`),
        );
      return entry;
    };
    const integer = (key: string, max: number): number => {
      const entry = get(key);
      if (!entry) return 1;
      const n = Number(entry.value);
      if (entry.value === '' || !Number.isInteger(n) || n < 1 || n > max) {
        issues.push(
          issue(
            'bad_value',
            `${fileName}:${entry.line}`,
            `${prefix}${key} must be an integer from 1 to ${max}, got '${entry.value}'`,
          ),
        );
        return 1;
      }
      return n;
    };
    const customEntry = get('customlayout');
    const custom = customEntry?.value.toLowerCase();
    if (customEntry && custom !== 'true' && custom !== 'false')
      issues.push(
        issue(
          'bad_value',
          `${fileName}:${customEntry.line}`,
          `${prefix}customlayout must be true or false, got '${customEntry.value}'`,
        ),
      );
    const bandwidthWordsPerCycle = integer('srambankbandwidth', 2 ** 20);
    const banks = integer('srambanknum', MAX_SRAM_BANKS);
    const ports = integer('srambankport', MAX_SRAM_BANKS);
    if (bandwidthWordsPerCycle % banks !== 0) {
      const entry = values.get(`${prefix}srambanknum`);
      issues.push(
        issue(
          'bad_value',
          entry ? `${fileName}:${entry.line}` : fileName,
          `${prefix}srambanknum ${banks} must divide ${prefix}srambankbandwidth ${bandwidthWordsPerCycle}: each ` +
            `bank serves an equal share of a line`,
        ),
      );
    }
    return { customLayout: custom === 'true', bandwidthWordsPerCycle, banks, ports };
  };
  return { ifmap: operand('ifmap'), filter: operand('filter') };
}

const LAYOUT_NAMES: Record<string, string> = {
  customlayout: 'CustomLayout',
  srambankbandwidth: 'SRAMBankBandwidth',
  srambanknum: 'SRAMBankNum',
  srambankport: 'SRAMBankPort',
};

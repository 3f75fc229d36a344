import {
  foldGrid,
  formatComputeReport,
  formatIssues,
  formatTable,
  parseScaleSimConfig,
  parseScaleSimTopology,
  runScaleSim,
  TpusimError,
  trimNumber,
  type ScaleSimConfig,
  type ScaleSimOptions,
  type ScaleSimRun,
  type TopologyForm,
  type TopologyLayer,
} from '../../index.js';
import { choice, outputPaths, parseCommandArgs, stringOption, UsageError } from '../args.js';
import { printJson, type Command } from '../command.js';
import { readTextFile, writeFilesAtomically, type Io } from '../io.js';
import { checkWork, LIMIT_HELP, LIMIT_OPTIONS, readLimits, UNIT_COSTS, type WorkEstimate } from '../limits.js';
import { createProgress } from '../progress.js';
import { join } from 'node:path';

export const scalesimCommand: Command = {
  name: 'scalesim',
  summary: 'run a SCALE-Sim v2 config and topology; reproduces its compute cycles',
  usage: `tpusim scalesim -c CFG -t CSV [-i conv|gemm] [-o DIR] [--timing scalesim|native]
                [--float-sum modern|legacy] [--max-memory SIZE] [--max-time TIME] [--json]

  Reads a SCALE-Sim v2 .cfg (array size, dataflow) and topology CSV (conv layers, or GEMMs with
  -i gemm) and times every layer. With the default --timing scalesim the total cycles equal
  SCALE-Sim's (CALC bandwidth mode); --timing native uses tpusim's own micro-architecture.
  -o DIR writes DIR/COMPUTE_REPORT.csv with SCALE-Sim's columns. Its utilization digits follow
  SCALE-Sim run under Python >= 3.12 (--float-sum modern, default) or <= 3.11 (legacy), whose float
  sum differs in the last digits. Every fold of every layer is listed while it is timed, so a run
  whose folds would need more memory or time than the limits is refused before it starts:
  ${LIMIT_HELP}`,
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('scalesim', argv, {
      config: { type: 'string', short: 'c' },
      topology: { type: 'string', short: 't' },
      input: { type: 'string', short: 'i' },
      output: { type: 'string', short: 'o' },
      timing: { type: 'string' },
      'float-sum': { type: 'string' },
      json: { type: 'boolean' },
      ...LIMIT_OPTIONS,
    });
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`scalesim takes its files as -c CFG -t CSV, got '${positionals[0]}'`);
    const configPath = stringOption(values, 'config');
    const topologyPath = stringOption(values, 'topology');
    if (!configPath || !topologyPath) throw new UsageError('scalesim needs -c CFG and -t CSV; see tpusim scalesim --help');
    const { output: outDir } = outputPaths(values, ['output'], ['output']);
    const form = choice<TopologyForm>('-i', stringOption(values, 'input') ?? 'conv', ['conv', 'gemm']);
    const timing = choice('--timing', stringOption(values, 'timing') ?? 'scalesim', ['scalesim', 'native'] as const);
    const config = parseScaleSimConfig(readTextFile(configPath, 'config'), configPath);
    if (!config.ok) throw new TpusimError('bad_config', `${configPath} is not a valid SCALE-Sim config:\n${formatIssues(config.issues)}`);
    const layers = parseScaleSimTopology(readTextFile(topologyPath, 'topology'), form, topologyPath);
    if (!layers.ok) throw new TpusimError('bad_topology', `${topologyPath} is not a valid ${form} topology:\n${formatIssues(layers.issues)}`);
    const floatSum = choice('--float-sum', stringOption(values, 'float-sum') ?? 'modern', ['modern', 'legacy'] as const);
    const folds = layerFolds(config.value, layers.value);
    checkWork(scaleSimWork(folds, layers.value), readLimits(values));
    const run = runLayers(config.value, layers.value, folds, { timing, floatSum }, io);
    if (outDir) writeFilesAtomically([{ path: join(outDir, 'COMPUTE_REPORT.csv'), content: formatComputeReport(run), option: '-o' }]);
    if (values['json']) {
      printJson(io, 'scalesim', {
        config: run.config,
        timing,
        totalCycles: run.totalCycles,
        layers: run.layers.map((l) => ({ layerId: l.layerId, name: l.name, m: l.m, n: l.n, k: l.k, scaleSim: l.scaleSim, ...l.stats })),
      });
      return 0;
    }
    const { rows, cols, dataflow, runName } = run.config;
    io.out(`${runName}: ${rows}x${cols} ${dataflow}, ${run.layers.length} layers, ${timing === 'scalesim' ? "SCALE-Sim's cycle convention" : "tpusim's native timing"}`);
    io.out(
      formatTable(
        ['id', 'layer', 'M', 'N', 'K', 'folds', 'total cycles', 'overall util %', 'mapping eff %', 'compute util %'],
        run.layers.map((l) => [
          l.layerId,
          l.name,
          l.m,
          l.n,
          l.k,
          l.stats.folds,
          l.stats.totalCycles,
          Number(trimNumber(100 * l.stats.macUtilization, 4)),
          Number(trimNumber(100 * l.scaleSim.mappingEfficiency, 4)),
          Number(trimNumber(100 * l.scaleSim.computeUtilization, 4)),
        ]),
      ),
    );
    io.out(`total: ${run.totalCycles.toLocaleString('en-US')} cycles${outDir ? `; wrote ${join(outDir, 'COMPUTE_REPORT.csv')}` : ''}`);
    return 0;
  },
};

/** Folds of each layer on the config's array: what the run lists one by one (see UNIT_COSTS). */
function layerFolds(config: ScaleSimConfig, layers: readonly TopologyLayer[]): number[] {
  return layers.map((l) => {
    const grid = foldGrid({ m: l.m, n: l.n, k: l.k }, config.rows, config.cols, config.dataflow);
    return grid.rowFolds * grid.colFolds;
  });
}

export function scaleSimWork(folds: readonly number[], layers: readonly TopologyLayer[]): WorkEstimate {
  const most = folds.reduce((best, f, i) => (f > folds[best]! ? i : best), 0);
  const total = folds.reduce((a, b) => a + b, 0);
  const biggest = layers[most];
  return {
    what: `${total.toExponential(2)} folds${biggest ? `; layer '${biggest.name}' (line ${biggest.line}, M ${biggest.m} x N ${biggest.n} x K ${biggest.k}) has ${folds[most]!.toExponential(2)}` : ''}`,
    bytes: Math.max(...folds, 0) * UNIT_COSTS.scalesimFold.bytes,
    seconds: total * UNIT_COSTS.scalesimFold.seconds,
  };
}

/** runScaleSim layer by layer, with progress counted in folds. */
function runLayers(config: ScaleSimConfig, layers: readonly TopologyLayer[], folds: readonly number[], options: ScaleSimOptions, io: Io): ScaleSimRun {
  const total = folds.reduce((a, b) => a + b, 0);
  const progress = createProgress(io, 'scalesim', total);
  let done = 0;
  const results = layers.map((layer, layerId) => {
    const result = { ...runScaleSim(config, [layer], options).layers[0]!, layerId };
    done += folds[layerId]!;
    progress.update(done);
    return result;
  });
  progress.finish();
  return { config, timing: options.timing ?? 'scalesim', layers: results, totalCycles: results.reduce((sum, r) => sum + r.stats.totalCycles, 0) };
}

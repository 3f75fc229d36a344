/** `tpusim run MODEL`: compile, run, and a per-layer account of where the cycles went. */
import { join } from 'node:path';
import {
  chromeTrace,
  encodeNpy,
  formatTable,
  runCompiledModel,
  trimNumber,
  type ChipSpec,
  type LayerStats,
} from '../../index.js';
import { outputPaths, stringOption, UsageError, type ParsedArgs } from '../args.js';
import { printJson } from '../command.js';
import { compileModel, compileSummary } from '../compile-arg.js';
import { writeFilesAtomically, type Io, type OutputFile } from '../io.js';
import { readModelInputs } from '../model-arg.js';
import { readCheckedModel } from '../model-compile-arg.js';
import { runSummary } from '../run-summary.js';

function layerTable(
  layers: readonly LayerStats[],
  kinds: ReadonlyMap<string, { kind: string; shape: readonly number[] }>,
): string {
  return formatTable(
    [
      'layer',
      'op',
      'output',
      'instr',
      'start',
      'cycles',
      'MXU cycles',
      'MACs',
      'util %',
      'vector cycles',
      'bytes moved',
    ],
    layers.map((l) => {
      const info = kinds.get(l.layer);
      return [
        l.layer,
        info?.kind ?? (l.layer.startsWith('input.') ? 'input' : l.layer.startsWith('output.') ? 'output' : l.layer),
        info ? info.shape.join('x') : '',
        l.instructions,
        l.startCycle,
        l.endCycle - l.startCycle,
        l.matrixCycles,
        l.macs,
        trimNumber(l.utilization * 100, 3),
        l.vectorCycles,
        l.bytesMoved,
      ];
    }),
  );
}

export function runModel(model: string, chip: ChipSpec, values: ParsedArgs['values'], io: Io): number {
  const graph = readCheckedModel(model, chip, values, true, io);
  const inputSpecs = (values['input'] as string[] | undefined) ?? [];
  const timingOnly = values['timing-only'] === true || inputSpecs.length === 0;
  const inputs = inputSpecs.length > 0 ? readModelInputs(graph, inputSpecs) : undefined;
  const { output: outDir, trace: tracePath } = outputPaths(values, ['output', 'trace'], ['output']);
  if (timingOnly && outDir)
    throw new UsageError('a timing-only run (no --input) computes no values, so --output has nothing to write');
  const compiled = compileModel(graph, chip, values, inputs);
  const engine = (stringOption(values, 'engine') ?? 'fold') as 'fold' | 'reference' | 'register';
  const modelRun = runCompiledModel(compiled, chip, {
    ...(timingOnly || !inputs ? {} : { inputs }),
    engine,
    trace: tracePath !== undefined,
  });
  const { run, outputs } = modelRun;
  let layers = modelRun.layers;
  const files: OutputFile[] = [];
  if (outDir) {
    for (const [name, data] of outputs) {
      const shape = graph.tensors[name]!.shape;
      files.push({
        path: join(outDir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.npy`),
        content: encodeNpy({ dtype: 'float32', shape, data: Float32Array.from(data) }),
        option: '--output',
      });
    }
  }
  if (tracePath)
    files.push({
      path: tracePath,
      content: JSON.stringify(chromeTrace(run.trace, chip.clockHz, `${compiled.model} on ${chip.name}`)),
      option: '--trace',
    });
  writeFilesAtomically(files);
  const kinds = new Map(compiled.layers.map((l) => [l.name, { kind: l.kind, shape: l.shape }]));
  // Model order: inputs, the layers as the model lists them, outputs.
  const rank = (name: string): number =>
    name.startsWith('input.') || name === 'constants'
      ? -1
      : name.startsWith('output.')
        ? compiled.layers.length
        : compiled.layers.findIndex((l) => l.name === name);
  layers = [...layers].sort((a, b) => rank(a.layer) - rank(b.layer));
  if (values['json']) {
    printJson(io, 'run-model', {
      model: compiled.model,
      chip: chip.name,
      dtype: compiled.dtype,
      timingOnly,
      totalCycles: run.totalCycles,
      seconds: run.seconds,
      achievedOpsPerS: run.achievedOpsPerS,
      layers: layers.map((l) => ({ ...l, kind: kinds.get(l.layer)?.kind ?? null })),
      counters: run.counters,
      ...(run.registerCheck ? { registerCheck: run.registerCheck } : {}),
      outputs: [...outputs.keys()].map((name) => ({
        name,
        shape: graph.tensors[name]!.shape,
        ...(outDir
          ? { file: files.find((f) => f.path.endsWith(`${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.npy`))?.path }
          : {}),
      })),
    });
    return 0;
  }
  io.out(compileSummary(compiled, chip));
  io.out('');
  io.out(layerTable(layers, kinds));
  io.out(
    `(cycles: from the first to the last of a layer's instructions, which overlap its neighbours'; util = MACs / ` +
      `(cycles x the chip's peak MACs per cycle))`,
  );
  io.out('');
  io.out(runSummary(run, chip.clockHz, compiled.model));
  if (timingOnly) io.out(inputSpecs.length === 0 ? 'timing only (give --input to compute values)' : 'timing only');
  for (const f of files) io.out(`wrote ${f.path}`);
  return 0;
}

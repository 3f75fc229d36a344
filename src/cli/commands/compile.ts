import { basename, dirname, join } from 'node:path';
import { disassemble, encodeNpy, npyFromValues, type CompiledModel, type Program } from '../../index.js';
import { outputPaths, parseCommandArgs, UsageError } from '../args.js';
import { resolveChip } from '../chip-arg.js';
import { printJson, type Command } from '../command.js';
import { COMPILE_HELP, compileModel, compileSummary } from '../compile-arg.js';
import { writeFilesAtomically, type Io, type OutputFile } from '../io.js';
import { MODEL_HELP } from '../model-arg.js';
import { LIMIT_HELP } from '../limits.js';
import { MODEL_COMPILE_OPTIONS, readCheckedModel, requiredChipName } from '../model-compile-arg.js';

/** The program as assembly plus one .npy per initialized buffer (weights, biases, scales), named by `.init` lines. */
export function programFiles(compiled: CompiledModel, path: string): OutputFile[] {
  const dataDir = `${basename(path)}.data`;
  const files: OutputFile[] = [];
  const init: Array<{ buffer: string; file: string }> = [];
  for (const [name, values] of compiled.init) {
    const buffer = compiled.program.buffers.find((b) => b.name === name)!;
    const file = `${dataDir}/${name}.npy`;
    files.push({
      path: join(dirname(path), file),
      content: encodeNpy(npyFromValues(values, buffer.dtype!, buffer.shape!)),
      option: '-o',
    });
    init.push({ buffer: name, file });
  }
  const program: Program = { ...compiled.program, ...(init.length > 0 ? { init } : {}) };
  return [{ path, content: disassemble(program), option: '-o' }, ...files];
}

export const compileCommand: Command = {
  name: 'compile',
  summary: 'compile a model to a program for a chip',
  usage: `tpusim compile MODEL --chip NAME|FILE [-o prog.s] [--dtype int8|bf16] [--calibrate x.npy ...]
               [--batch B] [--seq S] [--per-tensor] [--max-memory SIZE] [--max-time TIME] [--json]

  Lowers a model onto the chip through the compiler's passes (simplify, fuse, quantize, lower, tile,
  schedule, allocate, emit; docs/compiler.md) and prints what came out. With -o, writes the program as
  assembly and its weights as .npy files in prog.s.data/ (named by the program's .init lines), which
  tpusim run prog.s loads; the model's inputs and outputs are host buffers in the layout and format the
  summary gives (tpusim run MODEL does that conversion itself).
  ${MODEL_HELP}
  ${COMPILE_HELP}
  A compile whose instructions or calibration values would need more memory or time than the limits
  is refused before it starts:
  ${LIMIT_HELP}`,
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('compile', argv, {
      chip: { type: 'string' },
      output: { type: 'string', short: 'o' },
      json: { type: 'boolean' },
      ...MODEL_COMPILE_OPTIONS,
    });
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('compile needs one MODEL; see tpusim compile --help');
    const chipName = requiredChipName(values, 'compile');
    const { output: out } = outputPaths(values, ['output']);
    const chip = resolveChip(chipName);
    const graph = readCheckedModel(positionals[0]!, chip, values, false, io);
    const compiled = compileModel(graph, chip, values);
    const files = out ? programFiles(compiled, out) : [];
    // The weights folder is rewritten as a whole: a recompile leaves no stale weights behind.
    writeFilesAtomically(files, out ? [{ path: `${out}.data`, holds: '.npy' }] : []);
    if (values['json']) {
      printJson(io, 'compile', {
        model: compiled.model,
        chip: compiled.chip,
        dtype: compiled.dtype,
        layers: compiled.layers,
        instructions: compiled.program.instructions.length,
        memory: compiled.memory,
        inputs: compiled.inputs.map(({ gather, ...b }) => ({
          ...b,
          ...(gather ? { gather: { table: gather.table, indices: gather.indices } } : {}),
        })),
        outputs: compiled.outputs,
        calibrated: compiled.plan.calibrated,
        ...(out ? { files: files.map((f) => f.path) } : {}),
      });
      return 0;
    }
    io.out(compileSummary(compiled, chip));
    if (out)
      io.out(
        files.length > 1
          ? `wrote ${out} and ${files.length - 1} weight file${files.length === 2 ? '' : 's'} in ${out}.data/`
          : `wrote ${out} (the model has no weight values: the program is for timing)`,
      );
    return 0;
  },
};

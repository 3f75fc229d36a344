import { formatSI, formatTable, MODEL_ZOO, parameterCount, summarizeGraph, trimNumber } from '../../index.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { printJson, type Command } from '../command.js';
import type { Io } from '../io.js';
import { MODEL_HELP, MODEL_OPTIONS, readModel } from '../model-arg.js';

export const modelsCommand: Command = {
  name: 'models',
  summary: 'list the model zoo, or describe one model',
  usage: `tpusim models [MODEL] [--batch B] [--seq S] [--json]

  Without MODEL: the zoo, each model with its parameter count and where it is published. With MODEL:
  its parameters, MACs and FLOPs by op type.
  ${MODEL_HELP}`,
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('models', argv, { json: { type: 'boolean' }, ...MODEL_OPTIONS });
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length > 1) throw new UsageError('models takes at most one MODEL; see tpusim models --help');
    if (positionals.length === 0) {
      const rows = MODEL_ZOO.map((m) => {
        const graph = m.build(m.defaults);
        return {
          name: m.name,
          family: m.family,
          parameters: parameterCount(graph),
          published: m.publishedParameters,
          batch: m.defaults.batch,
          seq: m.defaults.seq,
          description: m.description,
          citation: m.citation,
        };
      });
      if (values['json']) {
        printJson(io, 'models', { models: rows });
        return 0;
      }
      io.out(
        formatTable(
          ['model', 'family', 'parameters', 'published', 'description'],
          rows.map((r) => [r.name, r.family, formatSI(r.parameters, ''), formatSI(r.published, ''), r.description]),
        ),
      );
      io.out('\nsources:');
      for (const r of rows) io.out(`  ${r.name}: ${r.citation}`);
      return 0;
    }
    const graph = readModel(positionals[0]!, values, { weights: 'shapes' });
    const summary = summarizeGraph(graph);
    if (values['json']) {
      printJson(io, 'model', {
        name: graph.name,
        inputs: graph.inputs.map((t) => ({ name: t, shape: graph.tensors[t]!.shape, dtype: graph.tensors[t]!.dtype })),
        outputs: graph.outputs,
        ...summary,
      });
      return 0;
    }
    io.out(
      `${graph.name}: ${summary.parameters.toLocaleString('en-US')} parameters, ${formatSI(summary.macs, 'MAC')} ` +
        `(${formatSI(summary.flops, 'FLOP')}), ${summary.nodes} nodes`,
    );
    io.out(
      `inputs: ` +
        graph.inputs.map((t) => `${t} ${graph.tensors[t]!.shape.join('x')} ` + `${graph.tensors[t]!.dtype}`).join('; '),
    );
    io.out(
      formatTable(
        ['op', 'count', 'FLOPs', 'share %'],
        Object.entries(summary.byOp)
          .sort((a, b) => b[1].flops - a[1].flops)
          .map(([op, e]) => [
            op,
            e.count,
            formatSI(e.flops, ''),
            trimNumber((100 * e.flops) / (summary.flops || 1), 3),
          ]),
      ),
    );
    return 0;
  },
};

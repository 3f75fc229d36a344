/**
 * Where models come from: a zoo name, an ONNX file, a Hugging Face config.json or a SCALE-Sim topology,
 * all turned into a `Graph`. Callers read the files (the library does no I/O) and say what they hold.
 */
import { formatIssues, TpusimError, type Result } from '../core/errors.js';
import { importHfConfig } from '../graph/hf/index.js';
import type { ExternalDataReader } from '../graph/onnx/external-data.js';
import { importOnnx } from '../graph/onnx/import.js';
import { topologyToGraph } from '../graph/scalesim-graph.js';
import { parseScaleSimTopology, type TopologyForm } from '../graph/scalesim-topology.js';
import type { Graph } from '../graph/types.js';
import { buildZooModel } from '../graph/zoo/index.js';

export type ModelSource =
  | { readonly kind: 'zoo'; readonly name: string }
  | {
      readonly kind: 'onnx';
      readonly file: string;
      readonly bytes: Uint8Array;
      readonly readExternalData?: ExternalDataReader;
    }
  | { readonly kind: 'huggingface'; readonly file: string; readonly text: string }
  | { readonly kind: 'topology'; readonly file: string; readonly text: string; readonly form: TopologyForm };

export interface ModelOptions {
  /** Batch size (zoo, Hugging Face; the batch of ONNX inputs whose first dimension is symbolic). */
  readonly batch?: number;
  /** Sequence length (transformers). */
  readonly seq?: number;
  /**
   * 'shapes' when only timing is asked: weights an ONNX file keeps in external data are not read (their
   * dims and types suffice). 'values' (the default) reads them, as compiling and running need.
   */
  readonly weights?: 'values' | 'shapes';
}

function unwrap(result: Result<Graph>, what: string): Graph {
  if (result.ok) return result.value;
  throw new TpusimError('bad_model', `${what} cannot be read:\n${formatIssues(result.issues)}`, {
    issues: result.issues,
  });
}

/** The file's kind from its name: .onnx, .json (a Hugging Face config), .csv (a SCALE-Sim topology). */
export function modelKindOf(nameOrPath: string): ModelSource['kind'] {
  if (/\.onnx$/i.test(nameOrPath)) return 'onnx';
  if (/\.json$/i.test(nameOrPath)) return 'huggingface';
  if (/\.csv$/i.test(nameOrPath)) return 'topology';
  return 'zoo';
}

export function loadModel(source: ModelSource, options: ModelOptions = {}): Graph {
  switch (source.kind) {
    case 'zoo':
      return buildZooModel(source.name, {
        ...(options.batch !== undefined ? { batch: options.batch } : {}),
        ...(options.seq !== undefined ? { seq: options.seq } : {}),
      });
    case 'onnx': {
      const { batch, seq, weights } = options;
      const reader = source.readExternalData;
      const onnxOptions = {
        fileName: source.file,
        ...(batch ? { batch } : {}),
        ...(seq ? { seq } : {}),
        ...(weights ? { weights } : {}),
        ...(reader ? { readExternalData: reader } : {}),
      };
      return unwrap(importOnnx(source.bytes, onnxOptions), source.file);
    }
    case 'huggingface': {
      let config: unknown;
      try {
        config = JSON.parse(source.text);
      } catch (error) {
        throw new TpusimError('bad_model', `${source.file} is not valid JSON: ${(error as Error).message}`);
      }
      return unwrap(
        importHfConfig(config, { batch: options.batch ?? 1, seq: options.seq ?? 128, fileName: source.file }),
        source.file,
      );
    }
    case 'topology': {
      const layers = parseScaleSimTopology(source.text, source.form, source.file);
      if (!layers.ok)
        throw new TpusimError('bad_model', `${source.file} cannot be read:\n${formatIssues(layers.issues)}`, {
          issues: layers.issues,
        });
      return topologyToGraph(layers.value, source.file.replace(/^.*\//, '').replace(/\.csv$/i, ''));
    }
  }
}

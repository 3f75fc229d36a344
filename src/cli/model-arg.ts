/**
 * MODEL arguments: a zoo name, or a file (.onnx, a Hugging Face config .json, a SCALE-Sim topology
 * .csv); and model inputs from .npy files.
 */
import { readFileSync } from 'node:fs';
import {
  decodeNpy,
  formatIssues,
  loadModel,
  modelKindOf,
  nonFiniteProblem,
  TpusimError,
  unknownNameMessage,
  zooModelNames,
  type Graph,
} from '../index.js';
import { positiveInteger, stringOption, UsageError, type ParsedArgs } from './args.js';
import { fileExists, readTextFile } from './io.js';
import { externalDataReader } from './onnx-external-data.js';

/** --batch and --seq, shared by commands that take a MODEL. */
export const MODEL_OPTIONS = { batch: { type: 'string' }, seq: { type: 'string' } } as const;

export const MODEL_HELP = `MODEL is a zoo name (tpusim models), an .onnx file, a Hugging Face config.json or a SCALE-Sim
  topology .csv. --batch and --seq set the batch size and sequence length (zoo and config.json models;
  in an ONNX file they fill symbolic input dimensions: --batch the first, --seq the second).`;

/**
 * The model, with weights read unless `weights` is 'shapes' (commands that only time the model: weights an
 * ONNX file keeps in external data are then not read, and its side file need not be present).
 */
export function readModel(
  model: string,
  values: ParsedArgs['values'],
  { weights = 'values' }: { readonly weights?: 'values' | 'shapes' } = {},
): Graph {
  const batchText = stringOption(values, 'batch');
  const seqText = stringOption(values, 'seq');
  const options = {
    ...(batchText !== undefined ? { batch: positiveInteger('--batch', batchText, 1 << 20) } : {}),
    ...(seqText !== undefined ? { seq: positiveInteger('--seq', seqText, 1 << 24) } : {}),
    weights,
  };
  const kind = modelKindOf(model);
  if (kind === 'zoo') {
    if (!zooModelNames().includes(model)) {
      if (fileExists(model))
        throw new UsageError(
          `'${model}' is a file tpusim cannot read as a model: name it .onnx, .json (Hugging Face config) or ` +
            `.csv (SCALE-Sim topology)`,
        );
      throw new TpusimError(
        'unknown_model',
        `${unknownNameMessage('model', model, zooModelNames())}; or give an .onnx, config .json or topology .csv file`,
      );
    }
    return loadModel({ kind, name: model }, options);
  }
  if (kind === 'onnx') {
    readTextFile(model, 'model'); // existence and readability, with a friendly message
    return loadModel(
      { kind, file: model, bytes: new Uint8Array(readFileSync(model)), readExternalData: externalDataReader(model) },
      options,
    );
  }
  if (kind === 'huggingface') return loadModel({ kind, file: model, text: readTextFile(model, 'config') }, options);
  return loadModel(
    { kind, file: model, text: readTextFile(model, 'topology'), form: /gemm/i.test(model) ? 'gemm' : 'conv' },
    options,
  );
}

/**
 * --input FILE.npy (a model with one input) or NAME=FILE.npy, checked against the graph's inputs; values
 * as float64 in the graph's layout.
 */
export function readModelInputs(graph: Graph, specs: readonly string[]): Record<string, Float64Array> {
  const inputs: Record<string, Float64Array> = {};
  const problems: string[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const named = eq > 0 && !spec.slice(0, eq).includes('/');
    if (!named && graph.inputs.length !== 1)
      throw new UsageError(
        `the model has ${graph.inputs.length} inputs (${graph.inputs.join(', ')}); give each as --input NAME=FILE.npy`,
      );
    const name = named ? spec.slice(0, eq) : graph.inputs[0]!;
    const path = named ? spec.slice(eq + 1) : spec;
    const tensor = graph.tensors[name];
    if (!tensor || !graph.inputs.includes(name)) {
      problems.push(`${path}: the model has no input '${name}' (inputs: ${graph.inputs.join(', ')})`);
      continue;
    }
    readTextFile(path, 'input');
    const array = decodeNpy(new Uint8Array(readFileSync(path)), path);
    if (!array.ok) {
      problems.push(formatIssues(array.issues));
      continue;
    }
    const shape = array.value.shape;
    const same = shape.length === tensor.shape.length && shape.every((d, i) => d === tensor.shape[i]);
    if (!same) {
      problems.push(
        `${path}: input '${name}' has shape (${shape.join(', ')}); the model needs (${tensor.shape.join(', ')})`,
      );
      continue;
    }
    const nonFinite = nonFiniteProblem(name, array.value.data as ArrayLike<number>, shape);
    if (nonFinite) {
      problems.push(`${path}: ${nonFinite}`);
      continue;
    }
    inputs[name] = Float64Array.from(array.value.data as ArrayLike<number>);
  }
  if (problems.length > 0) throw new TpusimError('bad_input', `inputs do not fit the model:\n${problems.join('\n')}`);
  const missing = specs.length > 0 ? graph.inputs.filter((t) => !inputs[t]) : [];
  if (missing.length > 0)
    throw new UsageError(
      `no value for model input${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; give --input ` +
        `NAME=FILE.npy for each`,
    );
  return inputs;
}

/**
 * Hugging Face `config.json` -> Graph, for the decoder (and BERT encoder) transformers in families.ts.
 * Every problem with the config or the options comes back at once, as issues with paths.
 */
import { issue, unknownNameMessage, type Issue, type Result } from '../../core/errors.js';
import type { Graph, TensorDType } from '../types.js';
import { buildTransformer } from './build-transformer.js';
import { createReader, describeValue, isConfigObject, type ConfigReader } from './config-reader.js';
import { FAMILIES } from './families.js';
import type { TransformerSpec } from './architecture.js';

export interface HfImportOptions {
  readonly batch: number;
  readonly seq: number;
  /** Names the config in issue paths and the graph's source; `config.json` when left out. */
  readonly fileName?: string;
}

/** The supported `model_type` values. */
export const HF_MODEL_TYPES: readonly string[] = [...FAMILIES.keys()];

// torch_dtype names; a config without one is built in bf16, the usual training and serving type.
const DTYPES: Readonly<Record<string, TensorDType>> = { float32: 'fp32', bfloat16: 'bf16', float16: 'fp16' };

function optionIssues(options: HfImportOptions): Issue[] {
  return (['batch', 'seq'] as const)
    .filter((name) => !(Number.isInteger(options[name]) && options[name] >= 1))
    .map((name) => issue('bad_value', name, `${name} is ${describeValue(options[name])} (needs an integer >= 1)`));
}

function modelTypeIssue(type: unknown, fileName: string): Issue {
  const path = `${fileName}: model_type`;
  if (typeof type === 'string')
    return issue('unknown_name', path, unknownNameMessage('model_type', type, HF_MODEL_TYPES));
  const what = type === undefined ? 'is missing' : `is ${describeValue(type)}`;
  return issue(
    type === undefined ? 'missing' : 'invalid_type',
    path,
    `model_type ${what} (needs one of ${HF_MODEL_TYPES.join(', ')})`,
  );
}

/** transformers >= 4.56 writes `dtype`; earlier versions wrote `torch_dtype`. */
function readDtype(r: ConfigReader): TensorDType {
  return r.choice(r.has('dtype') ? 'dtype' : 'torch_dtype', DTYPES, 'bf16');
}

/** The transformer a config describes (what the cluster model reads), checked for a sequence length. */
export function readHfArchitecture(config: unknown, options: HfImportOptions): Result<TransformerSpec> {
  const fileName = options.fileName ?? 'config.json';
  const issues: Issue[] = [];
  if (!isConfigObject(config))
    return {
      ok: false,
      issues: [
        issue('invalid_type', fileName, `${fileName} is ${describeValue(config)}, not a JSON object`),
        ...optionIssues(options),
      ],
    };
  const type = config['model_type'];
  const family = typeof type === 'string' ? FAMILIES.get(type) : undefined;
  if (typeof type !== 'string' || !family)
    return { ok: false, issues: [modelTypeIssue(type, fileName), ...optionIssues(options)] };
  const r = createReader(config, type, fileName, options.seq, issues);
  const spec = { ...family(r), dtype: readDtype(r) };
  issues.push(...optionIssues(options));
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: spec };
}

export function importHfConfig(config: unknown, options: HfImportOptions): Result<Graph> {
  const spec = readHfArchitecture(config, options);
  if (!spec.ok) return spec;
  const fileName = options.fileName ?? 'config.json';
  return {
    ok: true,
    value: buildTransformer(spec.value.modelType, spec.value, options.batch, options.seq, {
      kind: 'huggingface',
      file: fileName,
    }),
  };
}

/** A model of the zoo: how to build it, and the published size it must match. */
import type { Graph } from '../types.js';

export interface ZooOptions {
  readonly batch: number;
  /** Sequence length, for transformers. */
  readonly seq: number;
}

export interface ZooEntry {
  readonly name: string;
  readonly description: string;
  readonly family: 'mlp' | 'cnn' | 'transformer';
  /** Where the architecture and its parameter count are published. */
  readonly citation: string;
  readonly publishedParameters: number;
  /** Allowed relative difference from the published count (0 when the published count is exact). */
  readonly parameterTolerance: number;
  readonly defaults: ZooOptions;
  build(options: ZooOptions): Graph;
  /** Transformers: their Hugging Face config.json (what the cluster model reads). */
  readonly config?: Readonly<Record<string, unknown>>;
}

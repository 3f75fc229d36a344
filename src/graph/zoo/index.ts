/** Every model of the zoo, by name. */
import { unknownNameMessage } from '../../core/errors.js';
import { GraphError } from '../errors.js';
import type { Graph } from '../types.js';
import { CNN_ZOO } from './cnn.js';
import { TRANSFORMER_ZOO } from './transformers.js';
import type { ZooEntry, ZooOptions } from './types.js';

export const MODEL_ZOO: readonly ZooEntry[] = [...CNN_ZOO, ...TRANSFORMER_ZOO];

export function zooModelNames(): string[] {
  return MODEL_ZOO.map((m) => m.name);
}

export function getZooEntry(name: string): ZooEntry | undefined {
  return MODEL_ZOO.find((m) => m.name === name);
}

/** Builds a zoo model with its defaults overridden by `options`; unknown names list the zoo. */
export function buildZooModel(name: string, options: Partial<ZooOptions> = {}): Graph {
  const entry = getZooEntry(name);
  if (!entry) throw new GraphError('unknown_model', unknownNameMessage('model', name, zooModelNames()));
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1))
      throw new GraphError('bad_option', `${key}=${value} must be a whole number of at least 1`);
  }
  return entry.build({
    ...entry.defaults,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  });
}

export type { ZooEntry, ZooOptions };

/**
 * `tpusim explore merge`: the union of shard databases of one sweep (`--shard i/N` runs), as one store.
 * Rows insert with INSERT OR IGNORE by index, so overlapping inputs merge to the same result.
 */
import { TpusimError } from '../../index.js';
import { fileExists } from '../io.js';
import { SweepStore } from './store.js';

export interface MergeSummary {
  readonly hash: string;
  readonly inputs: number;
  readonly rows: number;
  readonly count: number;
  readonly chunksDone: number;
  readonly chunks: number;
}

export function mergeStores(inputs: readonly string[], output: string): MergeSummary {
  if (fileExists(output)) throw new TpusimError('exists', `merge output '${output}' already exists; choose another -o`);
  const metas = inputs.map((path) => {
    if (!fileExists(path)) throw new TpusimError('bad_file', `sweep database '${path}' does not exist`);
    const store = SweepStore.open(path, true);
    store.close();
    return { path, meta: store.meta };
  });
  const first = metas[0]!;
  for (const { path, meta } of metas) {
    if (meta.hash !== first.meta.hash)
      throw new TpusimError(
        'mismatch',
        `cannot merge: '${path}' holds sweep ${meta.hash}, '${first.path}' holds sweep ${first.meta.hash}`,
      );
    if (meta.chunkSize !== first.meta.chunkSize)
      throw new TpusimError(
        'mismatch',
        `cannot merge: '${path}' has chunks of ${meta.chunkSize} points, '${first.path}' of ${first.meta.chunkSize}`,
      );
  }
  const store = SweepStore.create(output, first.meta);
  try {
    for (const { path } of metas) store.mergeFrom(path);
    return {
      hash: first.meta.hash,
      inputs: inputs.length,
      rows: store.rowCount(),
      count: first.meta.count,
      chunksDone: store.doneChunks().size,
      chunks: Math.ceil(first.meta.count / first.meta.chunkSize),
    };
  } finally {
    store.close();
  }
}

export { LegacyNumpyRandom } from './numpy-random.js';
export {
  sparseFilter,
  layerWiseWindow,
  packedNonzeros,
  type SparseFilter,
  type SparseFilterStorage,
  type SparsityRatio,
} from './sparse-filter.js';
export { sparseLayer, type SparseLayer } from './sparse-layer.js';

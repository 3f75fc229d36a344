export { HF_MODEL_TYPES, importHfConfig, readHfArchitecture, type HfImportOptions } from './import-config.js';
export type { TransformerSpec, AttentionSpec, MlpSpec, MoeSpec, MultiHeadSpec, LatentSpec } from './architecture.js';

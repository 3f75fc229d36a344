export { HF_MODEL_TYPES, importHfConfig, type HfImportOptions } from './import-config.js';

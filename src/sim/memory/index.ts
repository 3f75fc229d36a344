export {
  layerStreams,
  operandViews,
  STREAM_PLANS,
  type DemandSource,
  type AddressMatrix,
  type AddressOffsets,
  type ConvShape,
  type LayerStreams,
} from './operand-streams.js';
export {
  simulateLayerMemory,
  type AccessSpan,
  type LayerMemoryResult,
  type LayerTrace,
  type MemoryConfig,
} from './scratchpad.js';
export type { MemoryQuirks } from './read-buffer.js';

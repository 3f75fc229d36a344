export { parseLayoutCsv, MAX_INTRALINE_FACTOR, type LayerLayout, type OperandLayout } from './layout-csv.js';
export { ifmapLayoutOrder, filterLayoutOrder } from './layout-order.js';
export { pythonSetOrder } from './python-set.js';
export { BankReadBuffer, type BankConfig } from './bank-buffer.js';
export {
  simulateLayoutMemory,
  type LayoutMemoryConfig,
  type LayoutMemoryResult,
  type OperandBanks,
} from './layout-memory.js';

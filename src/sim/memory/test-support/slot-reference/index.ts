/**
 * The slot-by-slot reference for SCALE-Sim v2's memory model: the implementation that was checked
 * byte for byte against SCALE-Sim's reports, kept unchanged so the faster computed model in
 * src/sim/memory can be tested against it on random configurations. Test-only (not built).
 */
export { layerStreams as referenceLayerStreams } from './operand-streams.js';
export { simulateLayerMemory as referenceSimulateLayerMemory } from './scratchpad.js';

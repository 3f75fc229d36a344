import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { coreAt } from '../arch/derive.js';
import { activateCycles, fillCycles, poolCycles, vectorCycles } from '../arch/timing.js';
import {
  EXECUTION_UNITS,
  INSTRUCTION_EFFECTS,
  OPS,
  consumesWeightTile,
  isBarrier,
  isTransfer,
  issueCycles,
  pushesWeightTile,
  stopsProgram,
  textMnemonic,
  usesWeightFifo,
} from './ops.js';
import { VECTOR_SEMANTICS } from './semantics.js';
import type { Instruction, MemorySpace, Opcode } from './types.js';

const opcodes = Object.keys(OPS) as Opcode[];

describe('instruction registry: every opcode declares its behaviour', () => {
  it.each(opcodes)('%s names its unit and effect', (opcode) => {
    const spec = OPS[opcode];
    expect(spec.opcode).toBe(opcode);
    expect(EXECUTION_UNITS).toContain(spec.unit);
    expect(INSTRUCTION_EFFECTS).toContain(spec.effect);
    // Vector-unit work has cycles there; nothing else does.
    expect(typeof spec.vectorUnitCycles === 'function').toBe(spec.unit === 'vector');
    // Front-end instructions complete as they issue and change no state; every other unit changes some.
    expect(spec.effect === 'none').toBe(spec.unit === 'front-end');
    if (spec.issueRule !== undefined) expect(spec.unit).toBe('front-end');
  });

  it('gives every effect but "none" to exactly one opcode, and uses every unit and effect', () => {
    const effects = opcodes.map((o) => OPS[o].effect).filter((e) => e !== 'none');
    expect(new Set(effects).size).toBe(effects.length);
    expect(new Set(opcodes.map((o) => OPS[o].effect))).toEqual(new Set(INSTRUCTION_EFFECTS));
    expect(new Set(opcodes.map((o) => OPS[o].unit))).toEqual(new Set(EXECUTION_UNITS));
  });

  it("issues sync as a barrier, stops at halt, and holds the front end for a nop's cycles", () => {
    expect(opcodes.filter((o) => OPS[o].issueRule === 'barrier')).toEqual(['sync']);
    expect(opcodes.filter((o) => OPS[o].issueRule === 'stop')).toEqual(['halt']);
    expect(issueCycles({ op: 'nop', cycles: 7 })).toBe(7);
    expect(issueCycles({ op: 'sync' })).toBe(1);
    expect(issueCycles({ op: 'halt' })).toBe(1);
  });

  it('counts the bytes DMAs and weight reads move, and none for other instructions', () => {
    const ctx = { dtype: 'bf16' } as const;
    const dma: Instruction = {
      op: 'dma',
      dst: { space: 'ub', address: 0 },
      src: { space: 'dram', address: 0 },
      bytes: 96,
      rows: 3,
      srcStrideBytes: 0,
      dstStrideBytes: 0,
      core: 0,
    };
    const read: Instruction = {
      op: 'read_weights',
      src: { space: 'dram', address: 0 },
      rows: 8,
      cols: 5,
      strideBytes: 0,
      transpose: false,
      core: 0,
      mxu: 0,
    };
    expect(OPS.dma.movedBytes?.(dma, ctx)).toBe(288);
    expect(OPS.read_weights.movedBytes?.(read, ctx)).toBe(80);
    expect(opcodes.filter((o) => OPS[o].movedBytes !== undefined).sort()).toEqual(['dma', 'read_weights']);
  });

  it('times vector-unit work on the shared formulas of arch/timing', () => {
    const core = coreAt(getChipPreset('tpu-v4'), 0)!;
    const vector: Instruction = {
      op: 'vector',
      vop: 'exp',
      dst: { space: 'ub', address: 0 },
      src: { space: 'ub', address: 0 },
      rows: 3,
      cols: 40,
      dtype: 'fp32',
      outFormat: 'fp32',
      broadcast: false,
      imm: 0,
      srcScale: 1,
      src2Scale: 1,
      outScale: 1,
      core: 0,
    };
    expect(OPS.vector.vectorUnitCycles!(core, vector)).toBe(
      vectorCycles(core, 120, VECTOR_SEMANTICS.exp.opsPerElement),
    );
    const fill: Instruction = {
      op: 'fill',
      dst: { space: 'ub', address: 0 },
      rows: 4,
      cols: 9,
      value: 1,
      dtype: 'fp32',
      rowStrideBytes: 0,
      core: 0,
    };
    expect(OPS.fill.vectorUnitCycles!(core, fill)).toBe(fillCycles(core, 4, 9));
    const pool: Instruction = {
      op: 'pool',
      dst: { space: 'ub', address: 0 },
      src: { space: 'ub', address: 0 },
      kind: 'max',
      channels: 2,
      height: 4,
      width: 4,
      kernelHeight: 2,
      kernelWidth: 2,
      stride: 2,
      dtype: 'int8',
      rowStrideBytes: 0,
      core: 0,
    };
    expect(OPS.pool.vectorUnitCycles!(core, pool)).toBe(poolCycles(core, 2 * 2 * 2, 4));
    const activate = {
      op: 'activate',
      dst: { space: 'ub', address: 0 },
      accRow: 0,
      rows: 5,
      cols: 7,
      fn: 'relu',
      scale: 1,
      outScale: 1,
      outFormat: 'int8',
      rowStrideBytes: 0,
      groupRows: 0,
      groupStrideBytes: 0,
      pool: 'none',
      poolHeight: 0,
      poolWidth: 0,
      poolStride: 0,
      poolInputWidth: 0,
      core: 0,
    } as const;
    expect(OPS.activate.vectorUnitCycles!(core, activate)).toBe(Math.max(activateCycles(core, 5, 7), 5));
  });
});

describe('weight FIFO parts, stop and barrier rules, and text mnemonics come from the registry', () => {
  const dmaBetween = (dst: MemorySpace, src: MemorySpace): Instruction => ({
    op: 'dma',
    dst: { space: dst, address: 0 },
    src: { space: src, address: 0 },
    bytes: 4,
    rows: 1,
    srcStrideBytes: 0,
    dstStrideBytes: 0,
    core: 0,
  });
  const read: Instruction = {
    op: 'read_weights',
    src: { space: 'dram', address: 0 },
    rows: 8,
    cols: 5,
    strideBytes: 0,
    transpose: false,
    core: 0,
    mxu: 0,
  };

  it('gives weight-fetch work the push part and matrix-array work the consume part (the guards narrow by them)', () => {
    // The type guards are sound only while these are the only opcodes with each part.
    expect(opcodes.filter((o) => OPS[o].weightFifo === 'push')).toEqual(['read_weights']);
    expect(opcodes.filter((o) => OPS[o].weightFifo === 'consume')).toEqual(['matmul']);
    expect(opcodes.filter((o) => OPS[o].unit === 'dma')).toEqual(['dma']);
    for (const o of opcodes)
      expect(OPS[o].weightFifo !== undefined).toBe(['weight-fetch', 'matrix'].includes(OPS[o].unit));
    expect(pushesWeightTile(read)).toBe(true);
    expect(consumesWeightTile(read)).toBe(false);
    expect(usesWeightFifo(read)).toBe(true);
    expect(usesWeightFifo({ op: 'sync' })).toBe(false);
    expect(isTransfer(dmaBetween('ub', 'host'))).toBe(true);
    expect(isTransfer(read)).toBe(false);
  });

  it('stops at halt only and treats sync only as a barrier', () => {
    expect(opcodes.filter((o) => OPS[o].issueRule !== undefined).sort()).toEqual(['halt', 'sync']);
    expect(stopsProgram({ op: 'halt' })).toBe(true);
    expect(stopsProgram({ op: 'sync' })).toBe(false);
    expect(isBarrier({ op: 'sync' })).toBe(true);
    expect(isBarrier({ op: 'nop', cycles: 1 })).toBe(false);
  });

  it('writes DMAs between host and unified buffer as read_host / write_host, everything else by mnemonic', () => {
    expect(textMnemonic(dmaBetween('ub', 'host'))).toBe('read_host');
    expect(textMnemonic(dmaBetween('host', 'ub'))).toBe('write_host');
    expect(textMnemonic(dmaBetween('dram', 'host'))).toBe('dma');
    expect(textMnemonic(dmaBetween('ub', 'dram'))).toBe('dma');
    expect(textMnemonic(read)).toBe('read_weights');
    expect(textMnemonic({ op: 'halt' })).toBe('halt');
    expect(opcodes.filter((o) => OPS[o].textMnemonic !== undefined)).toEqual(['dma']);
  });
});

describe('nothing outside the registry switches on an opcode name', () => {
  const root = join(import.meta.dirname, '..');
  const files = [
    'sim/chip/timing.ts',
    'sim/chip/machine.ts',
    'sim/chip/state.ts',
    'sim/chip/run.ts',
    'sim/chip/dependencies.ts',
    'sim/chip/counters.ts',
    'run/compiled-model.ts',
    'isa/validate.ts',
    'isa/disassembler.ts',
    'compile/tile.ts',
    'compile/verify.ts',
  ];
  // `case 'dma':`, `op === 'halt'` or `'halt' === op` with any opcode.
  const names = opcodes.join('|');
  const pattern = new RegExp(`(case|\\.op\\s*[!=]==)\\s*'(${names})'|'(${names})'\\s*[!=]==\\s*[\\w.]*\\.op\\b`);
  it.each(files)('%s looks opcode behaviour up in OPS', (file) => {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    expect(lines.filter((line) => pattern.test(line))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { peakOpsPerS, ridgePointOpsPerByte, peakMacsPerCycle, summarizeChip } from './derive.js';
import { parseChip, loadChip, parseStructuredText } from './load.js';
import { CHIP_PRESETS, getChipPreset } from './presets/index.js';
import { validateChip } from './validate.js';

describe('presets', () => {
  it('tpu-v1 derives the published 92 TOPS peak and the ~1350 ops/weight-byte ridge', () => {
    const v1 = getChipPreset('tpu-v1');
    expect(peakMacsPerCycle(v1)).toBe(65536);
    expect(peakOpsPerS(v1, 'int8')).toBe(65536 * 2 * 700e6);
    expect(Math.round(peakOpsPerS(v1, 'int8') / 1e12)).toBe(92); // Jouppi 2017, Table 2
    // The paper's roofline counts one op per MAC on the intensity axis: 45.9 TMAC/s / 34 GB/s ~ 1350.
    expect(Math.round(ridgePointOpsPerByte(v1, 'int8') / 2 / 10) * 10).toBe(1350);
  });

  it('tpu-v4 derives the published 275 TFLOPS peak for bf16 and int8', () => {
    const v4 = getChipPreset('tpu-v4');
    expect(Math.round(peakOpsPerS(v4, 'bf16') / 1e12)).toBe(275); // Jouppi 2023, Table 4
    expect(Math.round(peakOpsPerS(v4, 'int8') / 1e12)).toBe(275);
    expect(ridgePointOpsPerByte(v4, 'bf16')).toBeCloseTo(229.4, 1);
    expect(summarizeChip(v4).matrixUnits).toBe(8);
  });

  it('h100-sxm derives 989.4 TFLOPS bf16 from 528 tensor cores of 16x32 at 1.83 GHz, and fp8 at twice that', () => {
    const h100 = getChipPreset('h100-sxm');
    expect(peakMacsPerCycle(h100, 'bf16')).toBe(132 * 4 * 512);
    expect(peakOpsPerS(h100, 'bf16') / 1e12).toBeCloseTo(989.4, 0);
    expect(peakOpsPerS(h100, 'fp8-e4m3')).toBe(2 * peakOpsPerS(h100, 'bf16'));
  });

  it('suggests the nearest preset name', () => {
    expect(() => getChipPreset('tpu-v3x')).toThrow(/did you mean 'tpu-v3'/);
  });
});

describe('validation', () => {
  it('reports every problem with its path, value and limit', () => {
    const bad = structuredClone(CHIP_PRESETS['tpu-v1']) as unknown as Record<string, any>;
    bad['clockHz'] = -5;
    // tpu-v1's sustained clock would also exceed the bad clock: one problem more than this test lists.
    delete bad['technology'].sustainedClockHz;
    bad['cores'][0].matrixUnits[0].rows = 5000;
    bad['cores'][0].matrixUnits[0].cols = 2.5;
    bad['cores'][0].matrixUnits[0].dataflows = ['wss'];
    bad['cores'][0].matrixUnits[0].row = 3;
    bad['cores'][0].matrixUnits[0].formats = [{ input: 'bf16', accumulator: 'int32' }];
    delete bad['offChipMemory'].bandwidthBytesPerS;
    const messages = validateChip(bad).map((i) => `${i.path}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'clockHz: -5 Hz must be greater than 0 Hz',
        'cores[0].matrixUnits[0].rows: 5000 exceeds the maximum 4096',
        'cores[0].matrixUnits[0].cols: 2.5 is not an integer',
        expect.stringMatching(/^cores\[0\]\.matrixUnits\[0\]\.dataflows\[0\]: .*did you mean 'ws'/),
        expect.stringMatching(/^cores\[0\]\.matrixUnits\[0\]\.row: unknown field 'row'; did you mean 'rows'/),
        'cores[0].matrixUnits[0].formats[0].accumulator: bf16 inputs accumulate in fp32, not int32',
        expect.stringMatching(/^offChipMemory\.bandwidthBytesPerS: is required/),
      ]),
    );
    expect(messages.length).toBe(7);
  });
});

describe('validation of GPU-style fields', () => {
  const withTensorCores = (): Record<string, any> =>
    structuredClone(CHIP_PRESETS['h100-sxm']) as unknown as Record<string, any>;
  const messages = (chip: unknown): string[] => validateChip(chip).map((i) => `${i.path}: ${i.message}`);

  it('checks format rates, unit kinds, register files and tile shapes', () => {
    const bad = withTensorCores();
    bad['cores'][0].matrixUnits[0].formats[2].rate = 0;
    bad['cores'][0].matrixUnits[0].formats[3].rate = 65;
    bad['cores'][0].matrixUnits[0].kind = 'tensorcore';
    bad['cores'][0].registerFileBytes = 1.5;
    bad['gpuTiling'] = { tileM: 0, tileN: 5000, tileK: 2.5, blocksPerSm: 65 };
    expect(messages(bad)).toEqual([
      expect.stringMatching(/^cores\[0\]\.matrixUnits\[0\]\.kind: .*did you mean 'tensor-core'/),
      'cores[0].matrixUnits[0].formats[2].rate: 0 must be greater than 0',
      'cores[0].matrixUnits[0].formats[3].rate: 65 exceeds the maximum 64',
      'cores[0].registerFileBytes: 1.5 is not an integer',
      'gpuTiling.tileM: 0 is below the minimum 1',
      'gpuTiling.tileN: 5000 exceeds the maximum 4096',
      'gpuTiling.tileK: 2.5 is not an integer',
      'gpuTiling.blocksPerSm: 65 exceeds the maximum 64',
    ]);
  });

  it('requires a GEMM tiling when matrix units are tensor cores, once, naming the unit', () => {
    const bad = withTensorCores();
    delete bad['gpuTiling'];
    expect(validateChip(bad)).toEqual([
      {
        code: 'missing_gpu_tiling',
        path: 'gpuTiling',
        message:
          "is required because cores[0].matrixUnits[0] is a 'tensor-core' unit: give tileM, tileN, tileK and " +
          'blocksPerSm',
      },
    ]);
  });

  it('holds sustained figures at or below the published ones', () => {
    const bad = withTensorCores();
    bad['offChipMemory'].sustainedBandwidthBytesPerS = 4e12;
    bad['technology'].sustainedClockHz = 2e9;
    expect(messages(bad)).toEqual([
      'offChipMemory.sustainedBandwidthBytesPerS: 4000000000000 exceeds offChipMemory.bandwidthBytesPerS ' +
        '(3350000000000): a sustained bandwidth is at most the published one',
      'technology.sustainedClockHz: 2000000000 exceeds clockHz (1830000000): a sustained clock is at most the ' +
        'clock of the published peaks',
    ]);
  });

  it('needs no tiling for systolic units, named or by default', () => {
    const v4 = structuredClone(CHIP_PRESETS['tpu-v4']) as unknown as Record<string, any>;
    expect(validateChip(v4)).toEqual([]);
    v4['cores'][0].matrixUnits[0].kind = 'systolic';
    expect(validateChip(v4)).toEqual([]);
  });
});

describe('loading', () => {
  it('reads YAML that extends a preset and drops the citations it overrides', () => {
    const chip = loadChip(
      'base: tpu-v4\nname: v4-big\nclockHz: 1.5e9\ncores:\n  - matrixUnits:\n      - rows: 256\n        cols: 256\n',
      'big.yaml',
    );
    expect(chip.name).toBe('v4-big');
    expect(chip.cores[0]!.matrixUnits[0]!.rows).toBe(256);
    expect(chip.cores[0]!.matrixUnits[0]!.count).toBe(4);
    expect(chip.cores[0]!.count).toBe(2);
    expect(chip.citations?.['clockHz']).toBeUndefined();
    expect(chip.citations?.['cores[0].matrixUnits[0].rows']).toBeUndefined();
    expect(chip.citations?.['offChipMemory.bandwidthBytesPerS']).toBeDefined();
    expect(peakOpsPerS(chip, 'bf16')).toBe(2 * 4 * 256 * 256 * 2 * 1.5e9);
  });

  it('round-trips a preset through JSON', () => {
    const v1 = getChipPreset('tpu-v1');
    expect(loadChip(JSON.stringify(v1), 'v1.json')).toEqual(v1);
  });

  it('names the line and column of a syntax error', () => {
    const result = parseChip('{"name": "x",\n  "clockHz": }', 'bad.json');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]!.path).toMatch(/^bad\.json:2:\d+$/);
  });

  it('refuses a deeply nested document with an issue instead of overflowing the stack (fuzz case)', () => {
    // Found by test/fuzz.test.ts: `chip show` on such a file was an internal error in leafPaths.
    const deep = `{"base": "tpu-v1", "cores": [${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}]}`;
    const result = parseChip(deep, 'deep.json');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]!.message).toMatch(/nested more than 64 levels deep/);
    expect(() => loadChip(deep, 'deep.json')).toThrow(/deep\.json is not a valid chip/);
    expect(parseChip(`base: tpu-v1\nname: ${'['.repeat(65)}1${']'.repeat(65)}`, 'deep.yaml').ok).toBe(false);
    expect(parseStructuredText(JSON.stringify(CHIP_PRESETS['h100-sxm']), 'h100.json').ok).toBe(true);
  });

  it('rejects an unknown base', () => {
    const result = parseChip('base: tpu-v9', 'x.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]!.message).toMatch(/unknown preset 'tpu-v9'/);
  });
});

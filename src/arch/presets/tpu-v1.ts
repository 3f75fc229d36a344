import { GIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { cite, sourcesFor } from './sources.js';

const CLOCK_HZ = 700e6;

/** Google's first TPU (2015): one 256x256 int8 weight-stationary matrix unit. */
export const TPU_V1: ChipSpec = {
  schemaVersion: 1,
  name: 'tpu-v1',
  description: 'Google TPU v1 (2015): PCIe inference coprocessor, one 256x256 int8 systolic MXU, 24 MiB unified buffer',
  clockHz: CLOCK_HZ,
  cores: [
    {
      count: 1,
      name: 'TPU',
      matrixUnits: [
        {
          count: 1,
          rows: 256,
          cols: 256,
          dataflows: ['ws'],
          formats: [
            { input: 'int8', accumulator: 'int32' },
            { input: 'uint8', accumulator: 'int32' },
          ],
          doubleBufferedWeights: true,
          weightFifoTiles: 4,
        },
      ],
      vectorUnit: { lanes: 256, opsPerLanePerCycle: 1 },
      unifiedBuffer: { sizeBytes: 24 * MIB, bandwidthBytesPerS: 2 * 256 * CLOCK_HZ },
      accumulators: { sizeBytes: 4 * MIB, bandwidthBytesPerS: 2 * 256 * 4 * CLOCK_HZ },
    },
  ],
  offChipMemory: { kind: 'DDR3', capacityBytes: 8 * GIB, bandwidthBytesPerS: 34e9, latencyNs: 30 },
  hostLink: { kind: 'PCIe Gen3 x16', bandwidthBytesPerS: 15.754e9, latencyNs: 1000 },
  technology: { processNm: 28, dieAreaMm2: 331, tdpW: 75, idleW: 28, sustainedClockHz: CLOCK_HZ },
  sources: sourcesFor(['jouppi2017', 'pcie3', 'jedecDdr3', 'tpusim']),
  citations: {
    clockHz: cite('jouppi2017', 'Table 2'),
    'cores[0].count': cite('jouppi2017', 'Section 2, Figure 1'),
    'cores[0].matrixUnits[0].count': cite('jouppi2017', 'Section 2'),
    'cores[0].matrixUnits[0].rows': cite('jouppi2017', 'Section 2: 256x256 MACs'),
    'cores[0].matrixUnits[0].cols': cite('jouppi2017', 'Section 2: 256x256 MACs'),
    'cores[0].matrixUnits[0].dataflows': cite(
      'jouppi2017',
      'Section 2, Figure 4: weights stationary, data flows in from the left',
    ),
    'cores[0].matrixUnits[0].formats': cite(
      'jouppi2017',
      'Section 2: 8-bit signed or unsigned integers, 32-bit accumulators',
    ),
    'cores[0].matrixUnits[0].doubleBufferedWeights': cite(
      'jouppi2017',
      'Section 2: one tile plus one for double buffering',
    ),
    'cores[0].matrixUnits[0].weightFifoTiles': cite('jouppi2017', 'Section 2: the weight FIFO is four tiles deep'),
    'cores[0].vectorUnit.lanes': cite(
      'jouppi2017',
      'Section 2: 256-byte-wide datapaths',
      'derived',
      'the activation unit reads 256 accumulators per cycle',
    ),
    'cores[0].vectorUnit.opsPerLanePerCycle': cite(
      'tpusim',
      '',
      'estimate',
      'one nonlinear function per value per cycle, pipelined',
    ),
    'cores[0].unifiedBuffer.sizeBytes': cite('jouppi2017', 'Section 2: 24 MiB Unified Buffer'),
    'cores[0].unifiedBuffer.bandwidthBytesPerS': cite(
      'jouppi2017',
      'Section 2: reads and writes 256 values per clock',
      'derived',
      '256 B read + 256 B write per cycle at 700 MHz',
    ),
    'cores[0].accumulators.sizeBytes': cite(
      'jouppi2017',
      'Section 2: 4 MiB of 32-bit accumulators (4096 x 256 x 32 bit)',
    ),
    'cores[0].accumulators.bandwidthBytesPerS': cite(
      'jouppi2017',
      'Section 2: one 256-element partial sum per clock',
      'derived',
      '256 x 4 B read + write per cycle',
    ),
    'offChipMemory.kind': cite('jouppi2017', 'Table 2'),
    'offChipMemory.capacityBytes': cite('jouppi2017', 'Table 2: 8 GiB weight memory'),
    'offChipMemory.bandwidthBytesPerS': cite('jouppi2017', 'Table 2: 34 GB/s'),
    'offChipMemory.latencyNs': cite('jedecDdr3', '', 'estimate', 'not published for the TPU'),
    'hostLink.kind': cite('jouppi2017', 'Section 2: PCIe Gen3 x16'),
    'hostLink.bandwidthBytesPerS': cite('pcie3', '', 'derived', '16 lanes x 8 GT/s x 128/130 / 8 bits, per direction'),
    'hostLink.latencyNs': cite('tpusim', '', 'estimate', 'typical PCIe round trip of about 1 us'),
    'technology.processNm': cite('jouppi2017', 'Table 2: 28 nm'),
    'technology.idleW': cite('jouppi2017', 'Table 2: 28 W idle (measured, per die)'),
    'technology.dieAreaMm2': cite(
      'jouppi2017',
      'Table 2 footnote',
      'derived',
      'an upper bound: <= half of the 662 mm^2 Haswell die',
    ),
    'technology.tdpW': cite('jouppi2017', 'Table 2: 75 W'),
    'technology.sustainedClockHz': cite(
      'jouppi2017',
      'Table 2: 40 W measured busy of a 75 W TDP, at the 700 MHz clock',
      'measured',
      'the paper measured its workloads at the published clock, well within the power limit; the power model ' +
        '(which puts back-to-back dense GEMMs at ~90 W board) does not cap it',
    ),
  },
};

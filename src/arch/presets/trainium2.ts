import { GIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { buildSystolicCore, citePcieX16, pcieX16 } from './builders.js';
import { cite, COMMON, sourcesFor } from './sources.js';

const CLOCK_HZ = 2.4e9;

/**
 * AWS Trainium2 (2024): eight NeuronCore-v3, each with one 128x128 systolic TensorEngine, SBUF and PSUM.
 * At the published 2.4 GHz the TensorEngines give 629 TFLOPS bf16, matching the per-core figure
 * (8 x 79 = 632) but not the chip-level 667, which the sources do not reconcile.
 */
export const TRAINIUM2: ChipSpec = {
  schemaVersion: 1,
  name: 'trainium2',
  description:
    'AWS Trainium2 (2024): 8 NeuronCore-v3 x one 128x128 systolic TensorEngine (bf16/fp16, fp8 at 2x), 96 GiB ' +
    'HBM3, NeuronLink-v3',
  clockHz: CLOCK_HZ,
  cores: [
    buildSystolicCore({
      name: 'NeuronCore-v3',
      count: 8,
      mxus: 1,
      mxuDim: 128,
      formats: [
        { input: 'bf16', accumulator: 'fp32' },
        { input: 'fp16', accumulator: 'fp32' },
        { input: 'fp8-e4m3', accumulator: 'fp32', rate: 2 },
        { input: 'fp8-e5m2', accumulator: 'fp32', rate: 2 },
      ],
      vectorUnit: { lanes: 128, opsPerLanePerCycle: 1 },
      unifiedBufferBytes: 28 * MIB,
      accumulatorBytes: 2 * MIB,
      clockHz: CLOCK_HZ,
    }),
  ],
  offChipMemory: { kind: 'HBM3', capacityBytes: 96 * GIB, bandwidthBytesPerS: 2900e9, latencyNs: 100 },
  hostLink: pcieX16(5),
  chipLinks: { kind: 'NeuronLink-v3', count: 4, bandwidthBytesPerSPerLink: 160e9 },
  sources: sourcesFor(['awsTrn2', 'awsNki', 'pcie5', 'jedecHbm2', 'tpusim']),
  citations: {
    clockHz: cite(
      'awsNki',
      'Trainium2 engine table: TensorE 2.4 GHz',
      'published',
      '8 x 128x128 x 2 x 2.4 GHz = 629 TFLOPS, near the per-core 8 x 79 = 632 but 6% below the chip-level 667',
    ),
    'cores[0].count': cite('awsTrn2', '8 NeuronCore-v3 per chip'),
    'cores[0].matrixUnits[0].kind': cite('awsNki', 'TensorE: systolic array'),
    'cores[0].matrixUnits[0].count': cite('awsNki', 'one TensorE per NeuronCore'),
    'cores[0].matrixUnits[0].rows': cite('awsNki', 'TensorE: 128x128 processing elements'),
    'cores[0].matrixUnits[0].cols': cite('awsNki', 'TensorE: 128x128 processing elements'),
    'cores[0].matrixUnits[0].dataflows': cite(
      'awsNki',
      "TensorE: a 'stationary' operand held in the array, a 'moving' operand streamed",
      'derived',
      'weight-stationary when the weights are the stationary operand',
    ),
    'cores[0].matrixUnits[0].formats': cite(
      'awsTrn2',
      'dense: 667 TFLOPS bf16/fp16, 1299 TFLOPS fp8',
      'published',
      'NeuronCore-v3: 79 bf16 / 158 fp8 TFLOPS per core',
    ),
    'cores[0].matrixUnits[0].formats[2].rate': cite(
      'awsNki',
      'fp8 presented as 256x128: 2 fp8 MACs per PE',
      'derived',
      '158 / 79 = 2 per NeuronCore-v3',
    ),
    'cores[0].matrixUnits[0].formats[3].rate': cite(
      'awsNki',
      'fp8 presented as 256x128: 2 fp8 MACs per PE',
      'derived',
      '158 / 79 = 2 per NeuronCore-v3',
    ),
    'cores[0].matrixUnits[0].doubleBufferedWeights': cite(
      'tpusim',
      '',
      'estimate',
      'not published; assumed that the next stationary tile loads while one computes',
    ),
    'cores[0].matrixUnits[0].weightFifoTiles': cite(
      'tpusim',
      '',
      'estimate',
      'not published; two stationary tiles staged',
    ),
    'cores[0].vectorUnit.lanes': cite('awsNki', 'VectorE processes the 128 SBUF partitions in parallel'),
    'cores[0].vectorUnit.opsPerLanePerCycle': cite(
      'tpusim',
      '',
      'estimate',
      'not published in the tpusim reference; VectorE runs below the TensorE clock, so one op per lane per ' +
        'TensorE cycle is a rough figure',
    ),
    'cores[0].unifiedBuffer.sizeBytes': cite('awsNki', 'SBUF 28 MiB per NeuronCore (224 MiB per chip)'),
    'cores[0].unifiedBuffer.bandwidthBytesPerS': COMMON.vmemBandwidth,
    'cores[0].accumulators.sizeBytes': cite('awsNki', 'PSUM 2 MiB per NeuronCore'),
    'cores[0].accumulators.bandwidthBytesPerS': COMMON.accumulatorBandwidth,
    'offChipMemory.kind': cite('awsTrn2', 'HBM3, 4 stacks'),
    'offChipMemory.capacityBytes': cite('awsTrn2', '96 GiB HBM per chip'),
    'offChipMemory.bandwidthBytesPerS': cite(
      'awsTrn2',
      '2.9 TB/s per chip',
      'published',
      'the NKI guide says about 3 TB/s',
    ),
    'offChipMemory.latencyNs': COMMON.hbmLatency,
    ...citePcieX16(5, cite('tpusim', '', 'estimate', 'not in the tpusim reference; PCIe Gen5 x16 assumed'), 'assumed'),
    'chipLinks.kind': cite('awsTrn2', 'NeuronLink-v3: 4x4 2D torus per 16-chip instance'),
    'chipLinks.count': cite(
      'awsTrn2',
      'a 2D torus gives each chip 4 neighbours',
      'estimate',
      "the UltraServer's extra ring between instances is not modelled",
    ),
    'chipLinks.bandwidthBytesPerSPerLink': cite(
      'awsTrn2',
      'NeuronLink-v3: 1.28 TB/s per chip',
      'estimate',
      'taken as both directions over the 4 assumed links: 1.28e12 / 4 / 2',
    ),
  },
};

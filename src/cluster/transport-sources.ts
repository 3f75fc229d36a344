/**
 * Sources of the network transport profiles (cluster/transports.ts): network plugins' source code and
 * release notes, cloud documentation, and the NCCL cost model they plug into. The references live in
 * core/sources/systems.ts; the scaling book and `tpusim` are shared with the chip presets.
 */
import { pickSources } from '../core/citations.js';

export const TRANSPORT_SOURCES = pickSources(
  'ncclTuning',
  'awsOfiPlatform',
  'awsOfiTuner',
  'awsOfiIssue76',
  'awsOfiPr516',
  'gcpTcpx',
  'gcpTcpxScripts',
  'gcpTcpxo',
  'gcpGpuNetwork',
  'scalingBook',
  'tpuMicrobenchmarks',
  'nccltests',
  'allReduceBench',
  'tpusim',
);

export { cite } from '../core/citations.js';

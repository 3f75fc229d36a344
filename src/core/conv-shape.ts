/**
 * A convolution's shape as SCALE-Sim states it (a topology row): the one type the topology reader
 * (graph/) and the memory system (sim/) share. A GEMM is a 1-wide filter over an M x K input.
 */
export interface ConvShape {
  readonly ifmapHeight: number;
  readonly ifmapWidth: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly channels: number;
  readonly filters: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
}

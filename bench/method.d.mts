// Types of bench/method.mjs for the tests that import it (test/bench-method.test.ts).
export type Clock = () => bigint;
export declare function seconds(fn: () => void, clock?: Clock): number;
export declare function median(xs: readonly number[]): number | undefined;
export declare function steadyRates(
  evaluate: (start: number, end: number) => unknown,
  options: { readonly warmup: number; readonly window: number; readonly rounds: number },
  clock?: Clock,
): number[];
export declare function threadsRate(window: number, threadSeconds: readonly number[]): number;
export declare function interleavedMedians(
  calls: ReadonlyArray<() => unknown>,
  options: { readonly warmPasses: number; readonly passes: number },
  clock?: Clock,
): number[];

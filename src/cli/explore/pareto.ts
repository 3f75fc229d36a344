/**
 * The Pareto front of a stream of rows with explore/'s paretoFront, in memory that holds only the front:
 * a row dominated by the current front is dropped at once; survivors gather in a small batch that is
 * merged with the front by paretoFront. Duplicates of a front point are all kept, as paretoFront does.
 */
import { dominates, paretoFront, toMinimised, type Direction } from '../../index.js';

const BATCH = 256;

export class StreamingFront<T> {
  private front: Array<{ values: number[]; item: T }> = [];
  private pending: Array<{ values: number[]; item: T }> = [];

  constructor(private readonly directions: readonly Direction[]) {}

  /** Offers a row's objectives; rows with a missing objective are not candidates. */
  offer(values: ReadonlyArray<number | null>, item: T): void {
    if (values.some((v) => v === null)) return;
    const minimised = toMinimised([values as number[]], this.directions)[0]!;
    if (this.front.some((p) => dominates(p.values, minimised))) return;
    this.pending.push({ values: minimised, item });
    if (this.pending.length >= BATCH) this.merge();
  }

  /** The front's items, in the order they were offered (index order for a stored sweep). */
  items(): T[] {
    this.merge();
    return this.front.map((p) => p.item);
  }

  private merge(): void {
    if (this.pending.length === 0) return;
    const all = [...this.front, ...this.pending];
    const minimise: Direction[] = this.directions.map(() => 'min');
    this.front = paretoFront(
      all.map((p) => p.values),
      minimise,
    ).map((i) => all[i]!);
    this.pending = [];
  }
}

/** What one accelerator costs its owner: the cost book's market price, else its cost to build at a volume. */
import type { ChipSpec } from '../arch/chip-spec.js';
import { chipCost, type ChipCost } from './chip-cost.js';
import type { CostBook, CostStatus } from './costbook.js';

/** Units built when a chip's price is its cost to build and no volume is given (`tpusim tco`'s default). */
export const DEFAULT_BUILD_VOLUME = 100_000;

/** What one accelerator costs its owner, and where the figure comes from. */
export interface OwnerPrice {
  readonly capexUsd: number;
  /**
   * market: the book's street price for a chip sold on the market; built: its cost to make at the volume, NRE included.
   */
  readonly source: 'market' | 'built';
  /** The market price's status in the cost book. */
  readonly status?: CostStatus;
  readonly built?: ChipCost;
}

/** The book's market price for a chip sold on the market, else (or with `build`) its cost to build at `volume`. */
export function ownerPrice(chip: ChipSpec, book: CostBook, volume = DEFAULT_BUILD_VOLUME, build = false): OwnerPrice {
  const market = book[`market.priceUsd.${chip.name}`];
  if (market && !build) return { capexUsd: market.value, source: 'market', status: market.status };
  const cost = chipCost(chip, book, { volume });
  return { capexUsd: cost.costPerChipUsd, source: 'built', built: cost };
}

import { describe, expect, expectTypeOf, it } from 'vitest';
import { parse } from '../core/schema.js';
import { costOverridesSchema, withOverrides, type CostOverrides } from './costbook.js';

describe('cost-book schema', () => {
  it('types a checked book, so merging reads its fields without casts', () => {
    const r = parse(costOverridesSchema('mine.yaml'), {
      'tco.pue': 1.3,
      'memory.hbmUsdPerGB': { value: 12, status: 'estimate', low: 10, high: 15 },
    });
    expect(r.ok).toBe(true);
    if (r.ok) expectTypeOf(r.value).toEqualTypeOf<CostOverrides>();
    const book = withOverrides(
      { 'memory.hbmUsdPerGB': { value: 12, status: 'estimate', low: 10, high: 15, unit: 7, note: 'n' } },
      'mine.yaml',
    );
    expect(book.ok && book.value['memory.hbmUsdPerGB']).toEqual({
      value: 12,
      unit: 'USD/GB',
      source: 'mine.yaml',
      status: 'estimate',
      note: 'n',
      low: 10,
      high: 15,
    });
  });

  it('reports every problem at once, each message naming its key', () => {
    const r = withOverrides({
      'tco.pu': 1.2,
      'tco.hostW': 'lots',
      'tco.pue': { value: 1.2, status: 'guess', low: 'x', high: 1.1 },
      'package.advancedYield': { value: 0.9, low: 0.95, high: 0.92 },
      'market.priceUsd.mychip': [1],
    });
    expect(r.ok ? [] : r.issues.map((i) => `${i.code} ${i.path} | ${i.message}`)).toEqual([
      "unknown_key tco.pu | tco.pu: not a cost-book key (did you mean 'tco.pue'?)",
      'invalid_value tco.hostW | tco.hostW: value must be a finite number, got "lots"',
      'invalid_value tco.pue.status | tco.pue.status: must be one of published, derived, measured, estimate, ' +
        'calibrated, user, got "guess"',
      'invalid_value tco.pue.low | tco.pue.low: must be a finite number, got "x"',
      'bad_range package.advancedYield | package.advancedYield: low 0.95 exceeds high 0.92',
      'invalid_value market.priceUsd.mychip | market.priceUsd.mychip: value must be a finite number, got [1]',
    ]);
    expect(withOverrides([1], 'mine.yaml')).toEqual({
      ok: false,
      issues: [
        { code: 'invalid_type', path: '', message: 'mine.yaml: expected a mapping of cost-book keys to values' },
      ],
    });
  });
});

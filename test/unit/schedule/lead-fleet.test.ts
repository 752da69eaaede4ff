import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BETWEEN,
  documentedPrior,
  fleetPrior,
  type LeadBook,
  PRIOR_WEIGHT,
  type RecordedStart,
} from '../../../src/schedule/lead.ts';

const documented = { medianMinutes: 15, p95Minutes: 28 };
const before = new Date('2027-03-26T04:00:00Z');
const k = PRIOR_WEIGHT;

/** Starts of the given minutes, accepted an hour apart, the last HOSTED `endsBefore` ms before `before`. */
const starts = (minutes: readonly number[], endsBefore = 3_600_000): RecordedStart[] =>
  minutes.map((m, index) => ({
    acceptedAt: new Date(before.getTime() - endsBefore - m * 60_000 - index * 3_600_000),
    minutes: m,
  }));

const bookOf = (byModel: Record<string, RecordedStart[]>): LeadBook => ({
  priors: { lookoutvision: documented },
  starts: byModel,
});

const mean = (xs: readonly number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;

describe('the fleet prior', () => {
  it('is the documented prior while the fleet has no settled start', () => {
    const prior = fleetPrior(bookOf({}), 'lookoutvision', ['a'], before, documented);
    expect(prior).toEqual(documentedPrior(documented));
    expect(prior.between).toBe(DEFAULT_BETWEEN);
    // One object per documented prior: the leads taken on it are remembered by that object.
    expect(documentedPrior(documented)).toBe(documentedPrior(documented));
  });

  it("moves the typical model to the models' own means, each counted once beside the documented median", () => {
    const book = bookOf({ a: starts([8, 8, 8, 8]), b: starts([12, 12]) });
    const prior = fleetPrior(book, 'lookoutvision', ['a', 'b'], before, documented);
    expect(prior.mu).toBeCloseTo((k * Math.log(15) + Math.log(8) + Math.log(12)) / (k + 2), 9);
    expect(prior.starts).toBe(6);
  });

  it('learns the spread of one model’s starts from every model’s starts around its own mean', () => {
    // Each model alternates between two durations a factor e² apart: log-residuals of ±1.
    const heavy = (x: number) => [x, x * Math.E ** 2, x, x * Math.E ** 2];
    const book = bookOf({ a: starts(heavy(5)), b: starts(heavy(20)) });
    const prior = fleetPrior(book, 'lookoutvision', ['a', 'b'], before, documented);
    const docWithin = documentedPrior(documented).within;
    // Σ (y − ȳ)² = 4 per model; 3 degrees of freedom each.
    expect(prior.within).toBeCloseTo((k * docWithin + 8) / (k + 6), 9);
    expect(prior.freedom).toBe(6);
    // The shape holds each residual scaled by √(n/(n−1)), not the models' different medians.
    const values = prior.shape.map((point) => point.value);
    expect(values).toHaveLength(8);
    expect(mean(values)).toBeCloseTo(0, 9);
    for (const value of values) expect(Math.abs(value)).toBeCloseTo(Math.sqrt(4 / 3), 9);
  });

  it('sees models that differ from each other as a wider spread between models, not within one', () => {
    const apart = bookOf({
      a: starts([4, 4, 4]),
      b: starts([10, 10, 10]),
      c: starts([25, 25, 25]),
      d: starts([60, 60, 60]),
    });
    const alike = bookOf({
      a: starts([15, 15, 15]),
      b: starts([16, 16, 16]),
      c: starts([14, 14, 14]),
      d: starts([15, 15, 15]),
    });
    const wide = fleetPrior(apart, 'lookoutvision', ['a', 'b', 'c', 'd'], before, documented);
    const narrow = fleetPrior(alike, 'lookoutvision', ['a', 'b', 'c', 'd'], before, documented);
    expect(wide.between).toBeGreaterThan(DEFAULT_BETWEEN);
    expect(narrow.between).toBeLessThan(DEFAULT_BETWEEN);
    expect(wide.within).toBeCloseTo(narrow.within, 9);
  });

  it('reads no start that was not HOSTED well before the lead could begin, nor other providers’ models', () => {
    const book = bookOf({ a: starts([8], 60_000), b: starts([8, 8, 8]) });
    expect(fleetPrior(book, 'lookoutvision', ['a'], before, documented)).toEqual(documentedPrior(documented));
  });

  it('keeps a large fleet’s shape to a bounded number of points that still weigh every start', () => {
    const byModel = Object.fromEntries(
      Array.from({ length: 40 }, (_, m) => [
        `m${m}`,
        starts(Array.from({ length: 20 }, (_, j) => 10 + ((m * 7 + j * 3) % 11))),
      ]),
    );
    const prior = fleetPrior(bookOf(byModel), 'lookoutvision', Object.keys(byModel), before, documented);
    expect(prior.shape.length).toBeLessThanOrEqual(256);
    expect(prior.shape.reduce((sum, point) => sum + point.weight, 0)).toBe(800);
    expect(prior.shape.reduce((sum, point) => sum + point.value * point.weight, 0)).toBeCloseTo(0, 6);
  });
});

describe('the fleet prior, remembered', () => {
  it('gives two records with the same count and mean of log-durations their own priors', () => {
    // 8·8·8·8 = 4·16·8·8: the same number of starts and the same sum of logarithms, other spreads.
    const even = fleetPrior(bookOf({ a: starts([8, 8, 8, 8]) }), 'lookoutvision', ['a'], before, documented);
    const spread = fleetPrior(
      bookOf({ a: starts([4, 16, 8, 8]) }),
      'lookoutvision',
      ['a'],
      before,
      documented,
    );
    expect(spread.within).toBeGreaterThan(even.within);
    expect(spread.shape).not.toEqual(even.shape);
  });
});

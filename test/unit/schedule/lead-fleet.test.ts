import { describe, expect, it } from 'vitest';
import {
  FLEET_PRIOR_STARTS,
  fleetPrior,
  type LeadBook,
  type RecordedStart,
} from '../../../src/schedule/lead.ts';

const documented = { medianMinutes: 15, p95Minutes: 28 };
const before = new Date('2027-03-26T04:00:00Z');

/** `count` starts of `minutes` each, accepted an hour apart, the last `endsBefore` ms before `before`. */
const starts = (count: number, minutes: number, endsBefore = 3_600_000): RecordedStart[] =>
  Array.from({ length: count }, (_, index) => ({
    acceptedAt: new Date(before.getTime() - endsBefore - minutes * 60_000 - index * 3_600_000),
    minutes,
  }));

const bookOf = (byModel: Record<string, RecordedStart[]>): LeadBook => ({
  priors: { lookoutvision: documented },
  starts: byModel,
});

describe('the fleet prior', () => {
  it('is the documented prior until the fleet has enough settled starts', () => {
    const book = bookOf({ a: starts(FLEET_PRIOR_STARTS - 1, 8) });
    expect(fleetPrior(book, 'lookoutvision', ['a'], before, documented)).toBe(documented);
  });

  it("takes the fleet's median, with the documented spread, once there are enough starts", () => {
    const book = bookOf({ a: starts(6, 8), b: starts(6, 12) });
    const prior = fleetPrior(book, 'lookoutvision', ['a', 'b'], before, documented);
    expect(prior.medianMinutes).toBeCloseTo(Math.sqrt(8 * 12), 6);
    expect(prior.p95Minutes / prior.medianMinutes).toBeCloseTo(28 / 15, 6);
  });

  it('reads no start that was not HOSTED well before the lead could begin, nor other providers’ models', () => {
    const unsettled = starts(FLEET_PRIOR_STARTS, 8, 60_000);
    const book = bookOf({ a: unsettled, b: starts(FLEET_PRIOR_STARTS, 8) });
    expect(fleetPrior(book, 'lookoutvision', ['a'], before, documented)).toBe(documented);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  autoLead,
  describeLead,
  documentedPrior,
  expectedMissedMinutes,
  fixedLead,
  fleetPrior,
  type LeadBook,
  PRIOR_WEIGHT,
  RECENT_START_DAYS,
  RECENT_STARTS,
  recentDurations,
} from '../../../src/schedule/lead.ts';

const DOCUMENTED = { medianMinutes: 15, p95Minutes: 28 };
const LOOKOUT_PRIOR = documentedPrior(DOCUMENTED);

const durations = fc.array(fc.double({ min: 0, max: 120, noNaN: true }), { maxLength: 40 });
const prior = fc
  .record({
    median: fc.double({ min: 1, max: 30, noNaN: true }),
    spread: fc.double({ min: 1.05, max: 4, noNaN: true }),
  })
  .map(({ median, spread }) => documentedPrior({ medianMinutes: median, p95Minutes: median * spread }));
const shiftMinutes = fc.integer({ min: 30, max: 2880 });
const coverage = fc.double({ min: 0.5, max: 0.9999, noNaN: true });
const maxLead = fc.integer({ min: 0, max: 1440 });

describe('the learned lead', () => {
  it('meets the coverage constraint on its estimate, and no shorter lead does', () => {
    fc.assert(
      fc.property(durations, prior, shiftMinutes, coverage, maxLead, (xs, p, s, c, max) => {
        // Prepare / Act
        const lead = autoLead({
          durations: xs,
          prior: p,
          shiftMinutes: s,
          coverageTarget: c,
          maxLeadMinutes: max,
        });
        // Assess
        const allowed = (1 - c) * s;
        expect(lead.minutes).toBeLessThanOrEqual(max);
        expect(Number.isInteger(lead.minutes)).toBe(true);
        if (lead.minutes < max)
          expect(expectedMissedMinutes(xs, p, lead.minutes)).toBeLessThanOrEqual(allowed);
        if (lead.minutes > 0) expect(expectedMissedMinutes(xs, p, lead.minutes - 1)).toBeGreaterThan(allowed);
      }),
    );
  });

  it('takes no longer a lead for a longer run', () => {
    fc.assert(
      fc.property(
        durations,
        prior,
        shiftMinutes,
        shiftMinutes,
        coverage,
        maxLead,
        (xs, p, s1, s2, c, max) => {
          const [short, long] = s1 <= s2 ? [s1, s2] : [s2, s1];
          const lead = (s: number) =>
            autoLead({ durations: xs, prior: p, shiftMinutes: s, coverageTarget: c, maxLeadMinutes: max })
              .minutes;
          expect(lead(long)).toBeLessThanOrEqual(lead(short));
        },
      ),
    );
  });

  it('takes no shorter a lead for a higher coverage target', () => {
    fc.assert(
      fc.property(durations, prior, shiftMinutes, coverage, coverage, maxLead, (xs, p, s, c1, c2, max) => {
        const [low, high] = c1 <= c2 ? [c1, c2] : [c2, c1];
        const lead = (c: number) =>
          autoLead({ durations: xs, prior: p, shiftMinutes: s, coverageTarget: c, maxLeadMinutes: max })
            .minutes;
        expect(lead(high)).toBeGreaterThanOrEqual(lead(low));
      }),
    );
  });

  it('passes a fixed lead through untouched', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1440 }), (minutes) => {
        expect(fixedLead(minutes)).toEqual({ minutes, source: 'fixed', samples: 0 });
      }),
    );
  });

  it('reads as the prior until the record weighs as much as the prior, then as learned', () => {
    const lead = (n: number) =>
      autoLead({
        durations: Array.from({ length: n }, () => 12),
        prior: LOOKOUT_PRIOR,
        shiftMinutes: 480,
        coverageTarget: 0.995,
        maxLeadMinutes: 60,
      });
    expect(lead(0)).toMatchObject({ source: 'prior', samples: 0 });
    expect(lead(PRIOR_WEIGHT - 1)).toMatchObject({ source: 'prior', samples: PRIOR_WEIGHT - 1 });
    expect(lead(PRIOR_WEIGHT)).toMatchObject({ source: 'learned', samples: PRIOR_WEIGHT });
    expect(describeLead(lead(14))).toMatch(/^\d+ min \(learned from 14 starts, q=0\.\d\d\)$/);
    expect(describeLead(lead(2))).toMatch(/^\d+ min \(prior, 2 starts on record\)$/);
  });

  it('with no record uses the prior: neither late nor far ahead of its median', () => {
    const lead = autoLead({
      durations: [],
      prior: LOOKOUT_PRIOR,
      shiftMinutes: 480,
      coverageTarget: 0.995,
      maxLeadMinutes: 60,
    });
    expect(lead.minutes).toBeGreaterThanOrEqual(15);
    expect(lead.minutes).toBeLessThanOrEqual(28);
  });

  it('stays at maxLeadMinutes when starts take longer than that', () => {
    const lead = autoLead({
      durations: Array.from({ length: 20 }, () => 90),
      prior: LOOKOUT_PRIOR,
      shiftMinutes: 480,
      coverageTarget: 0.995,
      maxLeadMinutes: 60,
    });
    expect(lead.minutes).toBe(60);
  });

  it('reads the last 30 starts of the last 90 days', () => {
    const at = new Date('2027-03-01T00:00:00Z');
    const day = 86_400_000;
    const starts = Array.from({ length: 50 }, (_, i) => ({
      acceptedAt: new Date(at.getTime() - (100 - i * 2) * day),
      minutes: i,
    }));
    const recent = recentDurations([...starts].reverse(), at);
    const inWindow = starts.filter((s) => s.acceptedAt.getTime() >= at.getTime() - RECENT_START_DAYS * day);
    expect(recent).toEqual(inWindow.slice(-RECENT_STARTS).map((s) => s.minutes));
    expect(recent).toHaveLength(RECENT_STARTS);
  });
});

// The targets the month benchmark checks, on synthetic draws from known distributions: over many
// records of 20 starts, the true expected missed minutes of the chosen lead stay within the
// allowance and its expected idle minutes stay near those of the lead that knows the distribution.

/** A small seeded generator, so the draws are the same on every run. */
const seeded = (seed: number) => {
  let state = seed >>> 0 || 1;
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  return {
    uniform: next,
    normal: () => Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()),
  };
};

interface Truth {
  readonly name: string;
  readonly draw: (random: ReturnType<typeof seeded>) => number;
  /** E[(X − L)+] exactly. */
  readonly missed: (lead: number) => number;
  readonly mean: number;
}

const Z95 = 1.6448536269514722;

/** The standard normal CDF, by Abramowitz and Stegun 7.1.26 (|error| < 1.5e-7). */
const normalCdf = (z: number): number => {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return 0.5 * (1 + (z >= 0 ? erf : -erf));
};

const logNormalTruth = (median: number, p95: number): Truth => {
  const mu = Math.log(median);
  const sigma = Math.log(p95 / median) / Z95;
  const mean = Math.exp(mu + (sigma * sigma) / 2);
  return {
    name: `lognormal:median=${median},p95=${p95}`,
    draw: (random) => median * Math.exp(sigma * random.normal()),
    missed: (lead) => {
      if (lead <= 0) return mean - lead;
      const d = (Math.log(lead) - mu) / sigma;
      return mean * (1 - normalCdf(d - sigma)) - lead * (1 - normalCdf(d));
    },
    mean,
  };
};

const uniformTruth = (a: number, b: number): Truth => ({
  name: `uniform:${a}-${b}`,
  draw: (random) => a + (b - a) * random.uniform(),
  missed: (lead) => (lead >= b ? 0 : lead <= a ? (a + b) / 2 - lead : (b - lead) ** 2 / (2 * (b - a))),
  mean: (a + b) / 2,
});

const before = new Date('2027-03-01T00:00:00Z');

/** The fleet prior of `records` (one per model, starts an hour apart, all settled well before `before`). */
const priorOfFleet = (records: readonly number[][]) => {
  const ids = records.map((_, index) => `m${index}`);
  const book: LeadBook = {
    priors: { lookoutvision: DOCUMENTED },
    starts: Object.fromEntries(
      records.map((record, index) => [
        ids[index],
        record.map((minutes, j) => ({
          acceptedAt: new Date(before.getTime() - (j + 2) * 3_600_000),
          minutes,
        })),
      ]),
    ),
  };
  return fleetPrior(book, 'lookoutvision', ids, before, DOCUMENTED);
};

describe('the learned lead on synthetic records of 20 starts', () => {
  // Alone, a model learns a heavy tail from its own 20 starts, which under-represent it: its
  // allowance may be exceeded by a few percent. In a fleet of ten the pooled starts show the tail.
  // Even the lead that knows a heavy tail pays 1.55 times the mean start on a short run.
  const cases = [
    { truth: logNormalTruth(15, 28), models: 1, slack: 1, idleRatio: 1.2 },
    { truth: uniformTruth(4, 16), models: 1, slack: 1, idleRatio: 1.2 },
    { truth: logNormalTruth(15, 45), models: 1, slack: 1.1, idleRatio: 1.75 },
    { truth: logNormalTruth(15, 28), models: 10, slack: 1, idleRatio: 1.2 },
    { truth: uniformTruth(4, 16), models: 10, slack: 1, idleRatio: 1.2 },
    { truth: logNormalTruth(15, 45), models: 10, slack: 1, idleRatio: 1.75 },
  ];
  for (const { truth, models, slack, idleRatio } of cases) {
    for (const shift of [480, 960]) {
      it(`${truth.name}, ${models} model(s), S=${shift}: expected missed within (1−c)·S, expected idle near the least`, () => {
        const c = 0.995;
        const allowed = (1 - c) * shift;
        const random = seeded(shift + truth.name.length + models);
        const trials = 300;
        let missed = 0;
        let paid = 0;
        for (let trial = 0; trial < trials; trial += 1) {
          const records = Array.from({ length: models }, () =>
            Array.from({ length: 20 }, () => truth.draw(random)),
          );
          const lead = autoLead({
            durations: records[0] ?? [],
            prior: priorOfFleet(records),
            shiftMinutes: shift,
            coverageTarget: c,
            maxLeadMinutes: 60,
          }).minutes;
          missed += truth.missed(lead);
          paid += lead;
        }
        // The lead that knows the distribution: the least lead meeting the allowance exactly.
        let oracle = 0;
        while (truth.missed(oracle) > allowed) oracle += 1;
        const meanMissed = missed / trials;
        const meanLead = paid / trials;
        expect(meanMissed).toBeLessThanOrEqual(allowed * slack);
        // Paid outside the shift: the lead itself, against an oracle that starts exactly X early.
        expect(meanLead / truth.mean).toBeLessThanOrEqual(idleRatio);
        expect(meanLead).toBeLessThanOrEqual(oracle + 3);
      });
    }
  }
});

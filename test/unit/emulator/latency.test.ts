import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLatencySpec } from '../../../src/emulator/latency-spec.ts';
import { drawLatency, keyedRandom, mulberry32, scaleLatency } from '../../../src/emulator/random.ts';
import { isSchedulerError } from '../../../src/errors.ts';

const minute = 60_000;

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
};

describe('latency specs', () => {
  it('reads the three forms in minutes', () => {
    // Act
    const specs = ['lognormal:median=15,p95=28', 'uniform:4-16', 'fixed:12', 'fixed:0.5'].map((text) =>
      parseLatencySpec(text, '--latency'),
    );

    // Assess
    expect(specs).toEqual([
      { kind: 'lognormal', medianMs: 15 * minute, p95Ms: 28 * minute },
      { kind: 'uniform', minMs: 4 * minute, maxMs: 16 * minute },
      { kind: 'fixed', ms: 12 * minute },
      { kind: 'fixed', ms: 30_000 },
    ]);
  });

  it.each([
    ['lognormal:median=15', 'is not a latency distribution'],
    ['normal:15', 'is not a latency distribution'],
    ['uniform:16-4', 'lower bound above its upper bound'],
    ['lognormal:median=20,p95=10', 'p95 at or above its median'],
    ['lognormal:median=0,p95=10', 'median above 0'],
    ['fixed:-3', 'is not a latency distribution'],
  ])('refuses %s with exit status 2, naming the flag', (text, why) => {
    // Act
    let caught: unknown;
    try {
      parseLatencySpec(text, '--latency');
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(isSchedulerError(caught, 'InvalidLatencySpec')).toBe(true);
    expect((caught as { exitStatus: number }).exitStatus).toBe(2);
    expect((caught as Error).message).toContain(`--latency: "${text}"`);
    expect((caught as Error).message).toContain(why);
  });
});

describe('latency draws', () => {
  it('draws a lognormal whose median and p95 are those of its spec', () => {
    // Prepare
    const spec = parseLatencySpec('lognormal:median=15,p95=28', '--latency');
    const random = mulberry32(7);

    // Act
    const draws = Array.from({ length: 20_000 }, () => drawLatency(spec, random));

    // Assess: within 3 % of the spec at this sample size.
    expect(quantile(draws, 0.5) / (15 * minute)).toBeCloseTo(1, 1);
    expect(Math.abs(quantile(draws, 0.95) / (28 * minute) - 1)).toBeLessThan(0.03);
  });

  it('draws a uniform between its bounds and a fixed latency exactly', () => {
    // Prepare
    const random = mulberry32(3);

    // Act
    const uniform = Array.from({ length: 1000 }, () =>
      drawLatency(parseLatencySpec('uniform:4-16', 'x'), random),
    );
    const fixed = drawLatency(parseLatencySpec('fixed:12', 'x'), random);

    // Assess
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(4 * minute);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(16 * minute);
    expect(fixed).toBe(12 * minute);
  });

  it('scales every duration of a distribution by a model factor', () => {
    // Act
    const scaled = [
      scaleLatency(parseLatencySpec('lognormal:median=10,p95=20', 'x'), 1.5),
      scaleLatency({ minMs: 2, maxMs: 4 }, 2),
      scaleLatency(7, 2),
    ];

    // Assess
    expect(scaled).toEqual([
      { kind: 'lognormal', medianMs: 15 * minute, p95Ms: 30 * minute },
      { kind: 'uniform', minMs: 4, maxMs: 8 },
      { kind: 'fixed', ms: 14 },
    ]);
  });

  it('gives a key the same numbers whatever was asked before it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.array(fc.tuple(fc.string(), fc.nat(100)), { minLength: 1, maxLength: 8 }),
        (seed, keys) => {
          // Act: every key once in order, then again in reverse order with other keys in between.
          const forward = keys.map(([model, k]) => keyedRandom(seed, model, k)());
          const backward = [...keys].reverse().map(([model, k]) => {
            keyedRandom(seed, 'other', model)();
            return keyedRandom(seed, model, k)();
          });

          // Assess
          expect(backward.reverse()).toEqual(forward);
        },
      ),
    );
  });

  it('keeps neighbouring keys apart', () => {
    // Act
    const firsts = new Set(Array.from({ length: 1000 }, (_, k) => keyedRandom(1, 'model-a', k)()));
    const parts = [keyedRandom(1, 'ab', 'c')(), keyedRandom(1, 'a', 'bc')(), keyedRandom(2, 'ab', 'c')()];

    // Assess
    expect(firsts.size).toBe(1000);
    expect(new Set(parts).size).toBe(3);
  });
});

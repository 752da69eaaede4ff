import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/emulator/clock.ts';
import { TokenBucket } from '../../../src/emulator/quota.ts';
import { drawLatency, mulberry32 } from '../../../src/emulator/random.ts';

describe('virtual clock', () => {
  it('advances and sets forward without waiting', () => {
    // Prepare
    const clock = new VirtualClock('2027-03-26T04:00:00Z');

    // Act
    clock.advance(7 * 24 * 60 * 60 * 1000);
    const afterAWeek = clock.now().toISOString();
    clock.set('2027-04-03T00:00:00Z');

    // Assess
    expect(afterAWeek).toBe('2027-04-02T04:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2027-04-03T00:00:00.000Z');
  });

  it('refuses to move backwards', () => {
    // Prepare
    const clock = new VirtualClock('2027-03-26T04:00:00Z');

    // Act
    const goBack = () => clock.set('2027-03-26T03:59:59Z');

    // Assess
    expect(goBack).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(clock.now().toISOString()).toBe('2027-03-26T04:00:00.000Z');
  });
});

describe('seeded randomness', () => {
  it('gives the same sequence for the same seed', () => {
    // Prepare
    const a = mulberry32(123);
    const b = mulberry32(123);

    // Act
    const first = Array.from({ length: 5 }, a);
    const second = Array.from({ length: 5 }, b);

    // Assess
    expect(first).toEqual(second);
    expect(new Set(first).size).toBe(5);
    expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
  });

  it('draws uniform latencies within their bounds and fixed ones exactly', () => {
    // Prepare
    const random = mulberry32(5);

    // Act
    const drawn = Array.from({ length: 100 }, () => drawLatency({ minMs: 1000, maxMs: 2000 }, random));

    // Assess
    expect(Math.min(...drawn)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...drawn)).toBeLessThanOrEqual(2000);
    expect(drawLatency(1234, random)).toBe(1234);
  });
});

describe('token bucket', () => {
  it('lets a second of quota through at once and refills continuously', () => {
    // Prepare
    let now = 0;
    const bucket = new TokenBucket(2, () => now);

    // Act
    const burst = [bucket.tryTake(), bucket.tryTake(), bucket.tryTake()];
    now += 500;
    const afterHalfASecond = [bucket.tryTake(), bucket.tryTake()];

    // Assess
    expect(burst).toEqual([true, true, false]);
    expect(afterHalfASecond).toEqual([true, false]);
  });

  it('never throttles an unlimited quota', () => {
    // Prepare
    const bucket = new TokenBucket(Number.POSITIVE_INFINITY, () => 0);

    // Act
    const answers = Array.from({ length: 1000 }, () => bucket.tryTake());

    // Assess
    expect(answers.every(Boolean)).toBe(true);
  });
});

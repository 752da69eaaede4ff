import { describe, expect, it } from 'vitest';
import { Pacer, type PacerClock } from '../../../src/platform/pacer.ts';

/** A clock that moves only when a caller sleeps, as the simulation's virtual clock does. */
const fakeClock = (startMs = 0): PacerClock & { readonly slept: number[] } => {
  let nowMs = startMs;
  const slept: number[] = [];
  return {
    slept,
    now: () => nowMs,
    sleep: async (ms) => {
      slept.push(ms);
      nowMs = Math.max(nowMs, nowMs + ms);
    },
  };
};

describe('the request pacer', () => {
  it('lets the first request of an API go at once and spaces the next ones 1/rate apart', async () => {
    // Prepare
    const clock = fakeClock(1_000);
    const pacer = new Pacer(clock, () => 5);
    const sentAt: number[] = [];

    // Act
    for (let i = 0; i < 4; i += 1) {
      await pacer.take('lookoutvision:StartModel');
      sentAt.push(clock.now());
    }

    // Assess
    expect(sentAt).toEqual([1_000, 1_200, 1_400, 1_600]);
  });

  it('keeps one queue per API, so a list call does not wait behind starts', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(clock, () => 5);
    await pacer.take('lookoutvision:StartModel');
    await pacer.take('lookoutvision:StartModel');
    const before = clock.now();
    await pacer.take('lookoutvision:ListModels');
    expect(clock.now()).toBe(before);
  });

  it('gives concurrent callers distinct slots in the order they asked', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(clock, (key) => (key.startsWith('rekognition') ? 2 : 5));
    const order: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map(async (name) => {
        const slot = pacer.reserve('rekognition:StartProjectVersion');
        order.push(`${name}@${slot}`);
      }),
    );
    expect(order).toEqual(['a@0', 'b@500', 'c@1000']);
  });

  it('does not wait when the previous request of the API lies a full interval back', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(clock, () => 5);
    await pacer.take('x');
    await clock.sleep(1_000);
    clock.slept.length = 0;
    await pacer.take('x');
    expect(clock.slept).toEqual([]);
  });

  it('says when the next request of an API may go without taking its slot', () => {
    const clock = fakeClock(100);
    const pacer = new Pacer(clock, () => 4);
    expect(pacer.next('x')).toBe(100);
    pacer.reserve('x');
    expect(pacer.next('x')).toBe(350);
    expect(pacer.next('x')).toBe(350);
  });

  it('takes the rates a pass sets per provider from then on', () => {
    const pacer = new Pacer(fakeClock(), () => 5);
    pacer.setProviderRates((provider) => (provider === 'rekognition' ? 1 : 10));
    pacer.reserve('rekognition:StartProjectVersion');
    pacer.reserve('lookoutvision:StartModel');
    expect(pacer.next('rekognition:StartProjectVersion')).toBe(1_000);
    expect(pacer.next('lookoutvision:StartModel')).toBe(100);
  });

  it('refuses a rate that is not positive', () => {
    const pacer = new Pacer(fakeClock(), () => 0);
    expect(() => pacer.reserve('x')).toThrow(RangeError);
  });
});

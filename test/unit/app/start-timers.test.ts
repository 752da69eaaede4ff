import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  continuationOverheadMs,
  type DueStart,
  delaySecondsUntil,
  plannedStartTimers,
  rateOfConfig,
  sendTimes,
  timerLeadInMs,
} from '../../../src/app/start-timers.ts';
import { parseShiftsText } from '../../../src/providers/config.ts';

const base = Date.parse('2027-03-26T04:00:00Z');

const dueStarts = fc.array(
  fc.record({
    model: fc.string({ minLength: 1, maxLength: 4 }),
    offsetMs: fc.integer({ min: 0, max: 20 * 60_000 }),
  }),
  { maxLength: 80 },
);

describe('the send-time schedule of a crowd of starts', () => {
  it('sends every start no later than its instant, 1/rate apart at least, earliest start first', () => {
    fc.assert(
      fc.property(dueStarts, fc.constantFrom(1, 2, 5, 10, 0.5), (raw, rate) => {
        const starts: DueStart[] = raw.map((start) => ({
          model: start.model,
          provider: 'lookoutvision',
          at: new Date(base + start.offsetMs),
        }));
        const sends = sendTimes(starts, rate);
        expect(sends).toHaveLength(starts.length);
        for (const [k, send] of sends.entries()) {
          expect(send.sendAt.getTime()).toBeLessThanOrEqual(send.at.getTime());
          const next = sends[k + 1];
          if (!next) continue;
          expect(next.at.getTime()).toBeGreaterThanOrEqual(send.at.getTime());
          expect(next.sendAt.getTime() - send.sendAt.getTime()).toBeGreaterThanOrEqual(1000 / rate - 1e-6);
        }
      }),
    );
  });

  it('sends no start earlier than the quota forces: each is at its instant or one interval before the next', () => {
    fc.assert(
      fc.property(dueStarts, (raw) => {
        const starts = raw.map((start) => ({
          model: start.model,
          provider: 'p',
          at: new Date(base + start.offsetMs),
        }));
        const sends = sendTimes(starts, 5);
        for (const [k, send] of sends.entries()) {
          const next = sends[k + 1];
          const atInstant = send.sendAt.getTime() === send.at.getTime();
          const pushed = next !== undefined && send.sendAt.getTime() === next.sendAt.getTime() - 200;
          expect(atInstant || pushed).toBe(true);
        }
      }),
    );
  });

  it('begins 1,000 starts due at one instant 199.8 s early at 5 per second, the last at the instant', () => {
    const at = new Date(base);
    const sends = sendTimes(
      Array.from({ length: 1000 }, (_, i) => ({
        model: `m${String(i).padStart(4, '0')}`,
        provider: 'p',
        at,
      })),
      5,
    );
    expect(sends[0]?.sendAt.getTime()).toBe(base - 199_800);
    expect(sends.at(-1)?.sendAt.getTime()).toBe(base);
  });
});

/** `count` models sharing one schedule whose shift starts at 06:00 Berlin (05:00Z in March), lead 20. */
const fleet = (count: number, extra = '') =>
  parseShiftsText(
    [
      'version: 1',
      'defaults: { timezone: Europe/Berlin, leadMinutes: 20 }',
      extra,
      'schedules:',
      '  early:',
      '    shifts: [{ name: early, days: mon-fri, start: "06:00", end: "14:00", minInferenceUnits: 1 }]',
      '  later:',
      '    shifts: [{ name: later, days: mon-fri, start: "06:03", end: "14:00", minInferenceUnits: 1 }]',
      'models:',
      ...Array.from(
        { length: count },
        (_, i) =>
          `  - { id: m${i}, provider: lookoutvision, projectName: p${i % 3}, modelVersion: "${i + 1}", schedule: early }`,
      ),
      '  - { id: lone, provider: lookoutvision, projectName: q, modelVersion: "1", schedule: later }',
    ].join('\n'),
    'shifts.yml',
  );

const startInstant = Date.parse('2027-03-26T04:40:00Z');

describe('the start timers a tick arms', () => {
  it('arms one timer per queue, fired before the first send, naming each start instant', () => {
    const config = fleet(30);
    const tick = new Date(startInstant - 60_000);
    const timers = plannedStartTimers(
      config,
      [],
      tick,
      new Date(tick.getTime() + 5 * 60_000),
      rateOfConfig(config),
    );

    expect(timers).toHaveLength(2);
    const [crowd, lone] = timers;
    // 30 starts at 5/s: the first goes 5.8 s early; the timer fires the lead-in before that, on a second.
    const firstSend = startInstant - 29 * 200;
    expect(crowd?.message.at).toBe(
      new Date(Math.floor((firstSend - timerLeadInMs) / 1000) * 1000).toISOString(),
    );
    expect(crowd?.message.models).toHaveLength(30);
    expect(
      crowd?.message.models.every((start) => start.startAt === new Date(startInstant).toISOString()),
    ).toBe(true);
    expect(lone?.message).toMatchObject({
      // A lone start's timer fires at its instant.
      at: new Date(startInstant + 3 * 60_000).toISOString(),
      models: [{ model: 'lone', startAt: new Date(startInstant + 3 * 60_000).toISOString() }],
    });
  });

  it('paces to the rate shifts.yml sets for the provider', () => {
    const config = fleet(30, 'providers: { lookoutvision: { requestsPerSecond: 1 } }');
    const tick = new Date(startInstant - 3 * 60_000);
    const [crowd] = plannedStartTimers(
      config,
      [],
      tick,
      new Date(tick.getTime() + 5 * 60_000),
      rateOfConfig(config),
    );
    expect(crowd?.message.at).toBe(new Date(startInstant - 29_000 - timerLeadInMs).toISOString());
  });

  it('leaves a queue whose first send is not before the next tick to that tick, and starts at the tick to the tick', () => {
    const config = fleet(3);
    const early = new Date(startInstant - 10 * 60_000);
    expect(
      plannedStartTimers(config, [], early, new Date(early.getTime() + 5 * 60_000), rateOfConfig(config)),
    ).toEqual([]);
    const atStart = new Date(startInstant);
    const timers = plannedStartTimers(
      config,
      [],
      atStart,
      new Date(startInstant + 5 * 60_000),
      rateOfConfig(config),
    );
    expect(timers.map((timer) => timer.message.models.map((start) => start.model))).toEqual([['lone']]);
  });

  it('arms a queue that must begin before the next tick although its starts lie beyond it', () => {
    // 400 starts at 1 per second take 400 s: the queue begins 6 min 40 s before the start instant.
    const config = fleet(400, 'providers: { lookoutvision: { requestsPerSecond: 1 } }');
    const tick = new Date(startInstant - 10 * 60_000);
    const timers = plannedStartTimers(
      config,
      [],
      tick,
      new Date(tick.getTime() + 5 * 60_000),
      rateOfConfig(config),
    );
    expect(timers).toHaveLength(1);
    expect(timers[0]?.message.models).toHaveLength(400);
    expect(Date.parse(timers[0]?.message.at ?? '')).toBeLessThan(startInstant - 5 * 60_000);
  });

  it('fires a queue longer than one invocation sends earlier by the overhead of each continuation', () => {
    // 400 starts at 1 per second span 399 s; an invocation sends for 150 s: two continuations.
    const config = fleet(400, 'providers: { lookoutvision: { requestsPerSecond: 1 } }');
    const tick = new Date(startInstant - 10 * 60_000);
    const plan = (window?: number) =>
      plannedStartTimers(
        config,
        [],
        tick,
        new Date(tick.getTime() + 5 * 60_000),
        rateOfConfig(config),
        window,
      );
    const [alone] = plan();
    const [continued] = plan(150_000);
    expect(Date.parse(alone?.message.at ?? '')).toBe(startInstant - 399_000 - timerLeadInMs);
    expect(Date.parse(continued?.message.at ?? '')).toBe(
      Date.parse(alone?.message.at ?? '') - 2 * continuationOverheadMs,
    );
  });

  it('counts a delay in whole seconds, never past the instant and within the 900 s SQS allows', () => {
    const now = new Date(base);
    expect(delaySecondsUntil(new Date(base + 4_999), now)).toBe(4);
    expect(delaySecondsUntil(new Date(base - 1_000), now)).toBe(0);
    expect(delaySecondsUntil(new Date(base + 3_600_000), now)).toBe(900);
  });
});

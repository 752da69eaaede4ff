import { describe, expect, it } from 'vitest';
import { leadBookAt, recordedStartOf } from '../../../src/app/recorded-starts.ts';
import { parseShiftsText } from '../../../src/providers/config.ts';
import { providers } from '../../../src/providers/registry.ts';
import { InMemoryRunRepository } from '../../../src/store/in-memory-run-repository.ts';
import type { RunQuery } from '../../../src/store/run-repository.ts';
import { aRun, interfaceExampleText } from '../../support/builders.ts';

const accepted = (at: string, attempt = 1) => ({
  attempt,
  clientToken: `t-${attempt}`,
  intendedAt: at,
  acceptedAt: at,
});

describe('a recorded start', () => {
  it('runs from the first accepted start to HOSTED, a retry after HOSTING_FAILED included', () => {
    // Prepare
    const retried = aRun({
      starts: [accepted('2027-03-26T04:40:00.000Z'), accepted('2027-03-26T04:55:00.000Z', 2)],
      hostedAt: '2027-03-26T05:07:00.000Z',
    });

    // Act / Assess
    expect(recordedStartOf(retried)).toEqual({
      acceptedAt: new Date('2027-03-26T04:40:00.000Z'),
      minutes: 27,
    });
  });

  it('ends midway between the last sighting while starting and the first sighting HOSTED', () => {
    // Prepare: seen starting at 04:55, HOSTED at 05:00; it became HOSTED in between.
    const run = aRun({
      starts: [accepted('2027-03-26T04:40:00.000Z')],
      startingSeenAt: '2027-03-26T04:55:00.000Z',
      hostedAt: '2027-03-26T05:00:00.000Z',
    });

    // Act / Assess
    expect(recordedStartOf(run)?.minutes).toBe(17.5);
  });

  it('ends at the first sighting HOSTED when no pass saw it starting after it was accepted', () => {
    // Prepare: a sighting from before the start was accepted says nothing about this start.
    const run = aRun({
      starts: [accepted('2027-03-26T04:40:00.000Z')],
      startingSeenAt: '2027-03-26T04:35:00.000Z',
      hostedAt: '2027-03-26T04:50:00.000Z',
    });

    // Act / Assess
    expect(recordedStartOf(run)?.minutes).toBe(10);
  });

  it('is none for a run never accepted, never hosted, or taken over', () => {
    expect(
      recordedStartOf(
        aRun({ starts: [{ attempt: 1, clientToken: 'x', intendedAt: '2027-03-26T04:40:00.000Z' }] }),
      ),
    ).toBeUndefined();
    expect(recordedStartOf(aRun({ starts: [accepted('2027-03-26T04:40:00.000Z')] }))).toBeUndefined();
    expect(
      recordedStartOf(
        aRun({
          origin: 'adopted',
          starts: [accepted('2027-03-26T04:40:00.000Z')],
          hostedAt: '2027-03-26T04:50:00.000Z',
        }),
      ),
    ).toBeUndefined();
  });
});

describe('the lead book', () => {
  it('reads the starts the runs around an instant may learn from, of auto models only, with every provider prior', async () => {
    // Prepare
    const config = parseShiftsText(
      interfaceExampleText().replace(
        'schedule: weekday-two-shift',
        'schedule: weekday-two-shift\n    leadMinutes: auto',
      ),
      'shifts.yml',
    );
    const runs = new InMemoryRunRepository();
    const asked: string[] = [];
    const reading = {
      list: (model: string, query?: RunQuery) => {
        asked.push(model);
        return runs.list(model, query);
      },
    };
    const day = (date: string, minutes: number) =>
      aRun({
        runId: `pcb-line-1@${date}T05:00:00.000Z`,
        plannedStartAt: `${date}T04:40:00.000Z`,
        plannedEndAt: `${date}T13:00:00.000Z`,
        starts: [accepted(`${date}T04:40:00.000Z`)],
        hostedAt: new Date(Date.parse(`${date}T04:40:00.000Z`) + minutes * 60_000).toISOString(),
      });
    await runs.create(day('2026-12-20', 40)); // within the 90 days before the runs around the instant
    await runs.create(day('2026-11-01', 45)); // older than any run around it may read
    await runs.create(day('2027-03-24', 12));
    await runs.create(day('2027-03-25', 9));
    await runs.create(day('2027-04-20', 50)); // after any run around the instant

    // Act
    const book = await leadBookAt(reading, config, new Date('2027-03-26T00:00:00Z'));

    // Assess
    expect(asked).toEqual(['pcb-line-1']);
    expect(book.starts['pcb-line-1']?.map((start) => start.minutes)).toEqual([40, 12, 9]);
    expect(Object.keys(book.priors).sort()).toEqual(providers.map((provider) => provider.id).sort());
  });
});

describe('start priors', () => {
  it('every provider names a lognormal start prior: a positive median below its 95th percentile', () => {
    for (const provider of providers) {
      expect(provider.startPrior.medianMinutes, provider.id).toBeGreaterThan(0);
      expect(provider.startPrior.p95Minutes, provider.id).toBeGreaterThan(provider.startPrior.medianMinutes);
    }
  });
});

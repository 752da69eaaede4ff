import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TokenRecord } from '../../src/store/run-record.ts';
import { ConcurrentUpdateError, type RunRepository } from '../../src/store/run-repository.ts';
import { aRun } from '../support/builders.ts';

/** The behaviour every RunRepository must have; `repository()` is called inside each test. */
export const describeRunRepositoryContract = (name: string, repository: () => RunRepository): void => {
  describe(`RunRepository contract: ${name}`, () => {
    // Each test works on a model of its own, so implementations may share one table between tests.
    const model = () => `model-${randomUUID().slice(0, 8)}`;
    const runOf = (id: string, start: string, extra = {}) =>
      aRun({
        model: id,
        runId: `${id}@${start}`,
        plannedStartAt: start,
        plannedEndAt: start.replace('T05', 'T13'),
        ...extra,
      });

    it('creates a run and reads it back as written', async () => {
      // Prepare
      const runs = repository();
      const run = runOf(model(), '2027-03-26T05:00:00.000Z');
      // Act
      await runs.create(run);
      // Assess
      expect(await runs.get(run.model, run.runId)).toEqual(run);
    });

    it('refuses to create a run twice', async () => {
      const runs = repository();
      const run = runOf(model(), '2027-03-26T05:00:00.000Z');
      await runs.create(run);
      await expect(runs.create({ ...run, outcome: 'starting' })).rejects.toBeInstanceOf(
        ConcurrentUpdateError,
      );
      expect((await runs.get(run.model, run.runId))?.outcome).toBe('scheduled');
    });

    it('saves only over the revision it read, so one of two writers loses', async () => {
      // Prepare
      const runs = repository();
      const run = runOf(model(), '2027-03-26T05:00:00.000Z');
      await runs.create(run);
      // Act: two writers both read revision 0 and both try to write revision 1
      const results = await Promise.allSettled([
        runs.save({ ...run, outcome: 'starting', revision: 1 }),
        runs.save({ ...run, outcome: 'cancelled', revision: 1 }),
      ]);
      // Assess
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((result) => result.status === 'rejected');
      expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(ConcurrentUpdateError);
      expect((await runs.get(run.model, run.runId))?.revision).toBe(1);
    });

    it('refuses a save of a run that does not exist', async () => {
      const runs = repository();
      await expect(
        runs.save(runOf(model(), '2027-03-26T05:00:00.000Z', { revision: 1 })),
      ).rejects.toBeInstanceOf(ConcurrentUpdateError);
    });

    it('stores token records with the run that sends them, with their expiry', async () => {
      // Prepare
      const runs = repository();
      const run = runOf(model(), '2027-03-26T05:00:00.000Z');
      const token: TokenRecord = {
        clientToken: `mss-start-${randomUUID()}`,
        model: run.model,
        runId: run.runId,
        action: 'start',
        attempt: 1,
        createdAt: '2027-03-26T04:40:00.000Z',
        expiresAt: Date.parse('2027-03-26T12:40:00.000Z') / 1000,
      };
      // Act
      await runs.create(run, [token]);
      // Assess
      expect(await runs.getToken(token.clientToken)).toEqual(token);
    });

    it('writes no token when the run write loses', async () => {
      const runs = repository();
      const run = runOf(model(), '2027-03-26T05:00:00.000Z');
      await runs.create(run);
      const token = `mss-start-${randomUUID()}`;
      await expect(
        runs.save({ ...run, revision: 5 }, [
          {
            clientToken: token,
            model: run.model,
            runId: run.runId,
            action: 'start',
            attempt: 1,
            createdAt: run.createdAt,
            expiresAt: 1,
          },
        ]),
      ).rejects.toBeInstanceOf(ConcurrentUpdateError);
      expect(await runs.getToken(token)).toBeUndefined();
    });

    it('lists a model’s runs oldest first, filtered by overlap with since/until', async () => {
      // Prepare
      const runs = repository();
      const id = model();
      const days = ['2027-03-22', '2027-03-23', '2027-03-24', '2027-03-25'];
      for (const day of [...days].reverse()) await runs.create(runOf(id, `${day}T05:00:00.000Z`));
      await runs.create(runOf(model(), '2027-03-23T05:00:00.000Z'));
      // Act
      const all = await runs.list(id);
      const middle = await runs.list(id, {
        since: new Date('2027-03-23T12:00:00.000Z'),
        until: new Date('2027-03-24T06:00:00.000Z'),
      });
      // Assess
      expect(all.map((run) => run.plannedStartAt.slice(0, 10))).toEqual(days);
      expect(middle.map((run) => run.plannedStartAt.slice(0, 10))).toEqual(['2027-03-23', '2027-03-24']);
    });

    it('lists the open runs of a model and not the closed ones', async () => {
      const runs = repository();
      const id = model();
      await runs.create(runOf(id, '2027-03-22T05:00:00.000Z', { outcome: 'completed' }));
      await runs.create(runOf(id, '2027-03-23T05:00:00.000Z', { outcome: 'failed' }));
      await runs.create(runOf(id, '2027-03-24T05:00:00.000Z', { outcome: 'hosted' }));
      await runs.create(runOf(id, '2027-03-25T05:00:00.000Z', { outcome: 'scheduled' }));
      const open = await runs.open(id);
      expect(open.map((run) => run.outcome)).toEqual(['hosted', 'scheduled']);
    });
  });
};

import { describe, expect, it } from 'vitest';
import type { SchedulerConfig } from '../../src/schedule/config.ts';
import { ConfigConflictError, type ConfigRepository } from '../../src/store/config-repository.ts';
import { interfaceExample } from '../support/builders.ts';

/** A configuration with `count` models, for configurations larger than one write. */
export const manyModels = (count: number): SchedulerConfig => {
  const example = interfaceExample();
  const [first] = example.models;
  if (first?.provider !== 'lookoutvision')
    throw new Error('the example starts with a Lookout for Vision model');
  return {
    ...example,
    // One physical model per entry: a file may not name one model twice.
    models: Array.from({ length: count }, (_, index) => ({
      ...first,
      id: `line-${String(index).padStart(3, '0')}`,
      modelVersion: String(index + 1),
    })),
  };
};

/** The behaviour every ConfigRepository must have; `repository()` gives an empty one per test. */
export const describeConfigRepositoryContract = (
  name: string,
  repository: () => Promise<ConfigRepository>,
): void => {
  describe(`ConfigRepository contract: ${name}`, () => {
    const meta = (expectedVersion: number | undefined) => ({
      source: 'shifts.yml',
      appliedAt: '2026-11-28T08:00:00.000Z',
      expectedVersion,
    });

    it('has no configuration before the first apply', async () => {
      expect(await (await repository()).current()).toBeUndefined();
    });

    it('reads back the applied configuration as version 1', async () => {
      // Prepare
      const configs = await repository();
      const config = interfaceExample();
      // Act
      const applied = await configs.apply(config, meta(undefined));
      // Assess
      expect(applied.version).toBe(1);
      expect(await configs.current()).toEqual({
        version: 1,
        appliedAt: meta(undefined).appliedAt,
        source: 'shifts.yml',
        config,
      });
    });

    it('switches a configuration larger than one transaction whole, keeping model order', async () => {
      // Prepare: 150 models is more than a 100-item transaction and six 25-item batches
      const configs = await repository();
      await configs.apply(interfaceExample(), meta(undefined));
      const large = manyModels(150);
      // Act
      await configs.apply(large, meta(1));
      // Assess
      const current = await configs.current();
      expect(current?.version).toBe(2);
      expect(current?.config.models.map((model) => model.id)).toEqual(large.models.map((model) => model.id));
    });

    it('refuses an apply based on a version that is no longer current, and keeps the current one', async () => {
      // Prepare
      const configs = await repository();
      await configs.apply(interfaceExample(), meta(undefined));
      await configs.apply(manyModels(2), meta(1));
      // Act
      const stale = configs.apply(manyModels(3), meta(1));
      // Assess
      await expect(stale).rejects.toBeInstanceOf(ConfigConflictError);
      expect((await configs.current())?.config.models).toHaveLength(2);
    });

    it('lets exactly one of two concurrent applies win', async () => {
      const configs = await repository();
      const results = await Promise.allSettled([
        configs.apply(manyModels(3), meta(undefined)),
        configs.apply(manyModels(4), meta(undefined)),
      ]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const count = (await configs.current())?.config.models.length;
      expect([3, 4]).toContain(count);
    });

    it('keeps overrides apart from the configuration, one per model', async () => {
      // Prepare
      const configs = await repository();
      // Act
      await configs.setOverride({
        model: 'b',
        state: 'off',
        until: '2026-12-01T00:00:00.000Z',
        setAt: '2026-11-28T08:00:00.000Z',
      });
      await configs.setOverride({
        model: 'a',
        state: 'on',
        until: '2026-11-29T00:00:00.000Z',
        reason: 'audit',
        setAt: '2026-11-28T08:00:00.000Z',
      });
      await configs.setOverride({
        model: 'b',
        state: 'on',
        until: '2026-12-02T00:00:00.000Z',
        setAt: '2026-11-28T09:00:00.000Z',
      });
      // Assess
      expect(await configs.listOverrides()).toEqual([
        {
          model: 'a',
          state: 'on',
          until: '2026-11-29T00:00:00.000Z',
          reason: 'audit',
          setAt: '2026-11-28T08:00:00.000Z',
        },
        { model: 'b', state: 'on', until: '2026-12-02T00:00:00.000Z', setAt: '2026-11-28T09:00:00.000Z' },
      ]);
      expect(await configs.clearOverride('a')).toBe(true);
      expect(await configs.clearOverride('a')).toBe(false);
      expect((await configs.listOverrides()).map((override) => override.model)).toEqual(['b']);
      expect(await configs.current()).toBeUndefined();
    });
  });
};

import type { SchedulerConfig } from '../schedule/config.ts';
import {
  type AppliedConfig,
  ConfigConflictError,
  type ConfigRepository,
  type ConfigSnapshot,
  type StoredOverride,
} from './config-repository.ts';

/** The configuration kept in memory, with the same switch rules as the config table. */
export class InMemoryConfigRepository implements ConfigRepository {
  #current: AppliedConfig | undefined;
  readonly #overrides = new Map<string, StoredOverride>();

  async current(): Promise<AppliedConfig | undefined> {
    return structuredClone(this.#current);
  }

  async snapshot(): Promise<ConfigSnapshot> {
    return { applied: await this.current(), overrides: await this.listOverrides() };
  }

  async apply(
    config: SchedulerConfig,
    meta: { source: string; appliedAt: string; expectedVersion: number | undefined },
  ): Promise<AppliedConfig> {
    if (this.#current?.version !== meta.expectedVersion) {
      throw new ConfigConflictError(
        `the configuration in force is version ${this.#current?.version ?? 'none'}, not ${meta.expectedVersion ?? 'none'}`,
      );
    }
    const applied = {
      version: (meta.expectedVersion ?? 0) + 1,
      appliedAt: meta.appliedAt,
      source: meta.source,
      config: structuredClone(config),
    };
    this.#current = applied;
    return structuredClone(applied);
  }

  async listOverrides(): Promise<StoredOverride[]> {
    return [...this.#overrides.values()]
      .sort((a, b) => a.model.localeCompare(b.model))
      .map((o) => ({ ...o }));
  }

  async setOverride(override: StoredOverride): Promise<void> {
    this.#overrides.set(override.model, { ...override });
  }

  async clearOverride(model: string): Promise<boolean> {
    return this.#overrides.delete(model);
  }
}

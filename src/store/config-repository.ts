import type { SchedulerConfig } from '../schedule/config.ts';

/** The configuration in force: the applied shifts.yml and when it was applied. */
export interface AppliedConfig {
  /** Increases by one with every apply. */
  readonly version: number;
  readonly appliedAt: string;
  /** Where it came from, e.g. the file name given to `shiftctl apply`. */
  readonly source: string;
  readonly config: SchedulerConfig;
}

/** A temporary override: the model is on or off until the instant, whatever the schedule says. */
export interface StoredOverride {
  readonly model: string;
  readonly state: 'on' | 'off';
  readonly until: string;
  readonly reason?: string;
  readonly setAt: string;
}

/** What a scheduler pass reads first: the configuration in force (if any) and the overrides. */
export interface ConfigSnapshot {
  readonly applied: AppliedConfig | undefined;
  readonly overrides: StoredOverride[];
}

/** Another apply switched the configuration between this apply's read and its switch. */
export class ConfigConflictError extends Error {
  override readonly name = 'ConfigConflictError';
}

/**
 * The applied configuration and the overrides.
 *
 * `apply` switches the whole configuration at once: readers see the old one or the new one, never a
 * mix, however large the configuration is.
 */
export interface ConfigRepository {
  current(): Promise<AppliedConfig | undefined>;
  /** The configuration in force and every override, read together (one read where the store allows). */
  snapshot(): Promise<ConfigSnapshot>;
  /**
   * Makes `config` the one in force if the version in force is still `expectedVersion` (undefined:
   * none applied yet); throws `ConfigConflictError` otherwise.
   */
  apply(
    config: SchedulerConfig,
    meta: { source: string; appliedAt: string; expectedVersion: number | undefined },
  ): Promise<AppliedConfig>;
  listOverrides(): Promise<StoredOverride[]>;
  setOverride(override: StoredOverride): Promise<void>;
  /** Removes the model's override; resolves to whether there was one. */
  clearOverride(model: string): Promise<boolean>;
}

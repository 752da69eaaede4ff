import { SchedulerError } from '../errors.ts';
import type { SchedulerConfig } from '../schedule/config.ts';

/** The configuration in force: the applied shifts.yml and when it was applied. */
export interface AppliedConfig {
  /** Increases by one with every apply. */
  readonly version: number;
  readonly appliedAt: string;
  /** Where it came from, e.g. the file name given to `shiftctl apply`. */
  readonly source: string;
  readonly config: SchedulerConfig;
  /**
   * Set when the version the table names as in force does not pass validation (a row written by
   * hand, or by a version of the scheduler with other rules): that version is refused, and this one,
   * the last valid version, keeps running until a valid apply replaces it.
   */
  readonly refused?: RefusedConfig;
}

/** A stored configuration version that failed validation when read. */
export interface RefusedConfig {
  readonly version: number;
  /** The validation errors, each naming its field. */
  readonly message: string;
}

/** The version an apply must name as the one it replaces: the version the table names, valid or not. */
export const versionInTable = (applied: AppliedConfig | undefined): number | undefined =>
  applied?.refused?.version ?? applied?.version;

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
export class ConfigConflictError extends SchedulerError {
  override readonly name = 'ConfigConflictError';
  readonly code = 'ConfigConflict';
}

/**
 * Nothing has been applied to the config table yet. Every command that needs the configuration in
 * force answers with this one error: a failure at run time (exit status 1), like any other state of
 * the tables that `shiftctl` cannot work with, and the same advice.
 */
export class NotConfiguredError extends SchedulerError {
  override readonly name = 'NotConfiguredError';
  readonly code = 'NotConfigured';
  constructor(options?: ErrorOptions) {
    super('no configuration has been applied yet: run `shiftctl apply -f shifts.yml`', options);
  }
}

/**
 * The configuration in force.
 *
 * @throws NotConfiguredError when none has been applied
 */
export const appliedConfig = async (configs: Pick<ConfigRepository, 'current'>): Promise<AppliedConfig> => {
  const applied = await configs.current();
  if (applied === undefined) throw new NotConfiguredError();
  return applied;
};

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

import type { SchedulerConfig } from '../schedule/config.ts';
import { type AppliedConfig, type ConfigRepository, versionInTable } from '../store/config-repository.ts';

/** One difference between the configuration in force and the one being applied. */
export interface ConfigChange {
  readonly kind: 'defaults' | 'calendar' | 'schedule' | 'model';
  readonly name: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** For `changed`: the fields that differ. */
  readonly fields?: readonly string[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const changedFields = (before: Record<string, unknown>, after: Record<string, unknown>): string[] =>
  [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((key) => !same(before[key], after[key]))
    .sort();

const diffNamed = (
  kind: ConfigChange['kind'],
  before: Record<string, Record<string, unknown>>,
  after: Record<string, Record<string, unknown>>,
): ConfigChange[] => {
  const changes: ConfigChange[] = [];
  for (const name of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const old = before[name];
    const next = after[name];
    if (!old && next) changes.push({ kind, name, change: 'added' });
    else if (old && !next) changes.push({ kind, name, change: 'removed' });
    else if (old && next && !same(old, next))
      changes.push({ kind, name, change: 'changed', fields: changedFields(old, next) });
  }
  return changes;
};

const byId = (models: SchedulerConfig['models']): Record<string, Record<string, unknown>> =>
  Object.fromEntries(models.map((model) => [model.id, model as Record<string, unknown>]));

/** What applying `next` changes against `current` (everything is added when nothing is applied). */
export const configChanges = (
  current: SchedulerConfig | undefined,
  next: SchedulerConfig,
): ConfigChange[] => {
  const before = current ?? { defaults: {}, calendars: {}, schedules: {}, models: [] };
  const defaults = same(before.defaults, next.defaults)
    ? []
    : [
        {
          kind: 'defaults' as const,
          name: 'defaults',
          change: current ? ('changed' as const) : ('added' as const),
          fields: changedFields(
            before.defaults as Record<string, unknown>,
            next.defaults as Record<string, unknown>,
          ),
        },
      ];
  return [
    ...defaults,
    ...diffNamed('calendar', before.calendars ?? {}, next.calendars ?? {}),
    ...diffNamed('schedule', before.schedules, next.schedules),
    ...diffNamed('model', byId(before.models), byId(next.models)),
  ];
};

export interface ApplyResult {
  readonly changes: ConfigChange[];
  /** The previous version in force, if any. */
  readonly previousVersion?: number;
  /** The version now in force; absent for a dry run or when nothing changed. */
  readonly applied?: AppliedConfig;
}

/**
 * Makes a validated configuration the one in force, in one atomic switch. A dry run only reports the
 * changes; an identical configuration is not written again.
 */
export const applyConfig = async (
  configs: ConfigRepository,
  config: SchedulerConfig,
  options: { source: string; at: Date; dryRun?: boolean },
): Promise<ApplyResult> => {
  const current = await configs.current();
  const inTable = versionInTable(current);
  const changes = configChanges(current?.config, config);
  const previous = inTable === undefined ? {} : { previousVersion: inTable };
  // A refused version in the table is replaced even by a file equal to the last valid one.
  if (options.dryRun || (current && !current.refused && changes.length === 0))
    return { changes, ...previous };
  const applied = await configs.apply(config, {
    source: options.source,
    appliedAt: options.at.toISOString(),
    expectedVersion: inTable,
  });
  return { changes, ...previous, applied };
};

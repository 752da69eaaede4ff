import type { Override } from '../schedule/desired.ts';
import type { StoredOverride } from '../store/config-repository.ts';

/** The stored overrides still in force at `at`, in the schedule engine's terms. */
export const activeOverrides = (overrides: readonly StoredOverride[], at: Date): Override[] =>
  overrides
    .filter((override) => Date.parse(override.until) > at.getTime())
    .map((override) => ({
      model: override.model,
      state: override.state,
      until: new Date(override.until),
      ...(override.reason ? { reason: override.reason } : {}),
    }));

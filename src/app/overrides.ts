import type { Override } from '../schedule/desired.ts';
import type { StoredOverride } from '../store/config-repository.ts';

/**
 * The stored overrides not yet expired at `at`, in the schedule engine's terms; each holds from its
 * `setAt`.
 */
export const activeOverrides = (overrides: readonly StoredOverride[], at: Date): Override[] =>
  overrides
    .filter((override) => Date.parse(override.until) > at.getTime())
    .map((override) => ({
      model: override.model,
      state: override.state,
      until: new Date(override.until),
      ...(override.reason ? { reason: override.reason } : {}),
      setAt: new Date(override.setAt),
    }));

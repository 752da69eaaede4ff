import type { Override } from '../schedule/desired.ts';
import type { StoredOverride } from '../store/config-repository.ts';

/**
 * A stored override in the schedule engine's terms. It holds from its `setAt`; the engine still
 * needs it once expired, to name what is left of a run it stopped.
 */
export const overrideOf = (override: StoredOverride): Override => ({
  model: override.model,
  state: override.state,
  until: new Date(override.until),
  ...(override.reason ? { reason: override.reason } : {}),
  setAt: new Date(override.setAt),
});

/** The stored overrides not yet expired at `at`, in the schedule engine's terms. */
export const activeOverrides = (overrides: readonly StoredOverride[], at: Date): Override[] =>
  overrides.filter((override) => Date.parse(override.until) > at.getTime()).map(overrideOf);

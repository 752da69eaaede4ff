/**
 * Inference units as people read them, in one place every layer may use: the plan's notes, the
 * reasons of decisions, and every view (through `src/cli/format.ts`).
 */

/** Inference units as a model is started with them: a minimum and, for auto-scaling, a maximum. */
export interface UnitsText {
  readonly minInferenceUnits?: number | undefined;
  readonly maxInferenceUnits?: number | null | undefined;
}

/**
 * `2–4`, or `2` when there is no maximum above the minimum; `none` where there are no units at all
 * (a stop action, a model that is not running).
 */
export const formatUnits = (units: UnitsText, none = ''): string => {
  const { minInferenceUnits: min, maxInferenceUnits: max } = units;
  if (min === undefined) return none;
  return max === undefined || max === null || max === min ? `${min}` : `${min}–${max}`;
};

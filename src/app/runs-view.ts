import { clientTokensOf, type RunRecord, runCost, runUnitHours } from '../store/run-record.ts';
import type { RunRepository } from '../store/run-repository.ts';

/** A run as `shiftctl runs --json` prints it (INTERFACE.md): UTC instants, null until known. */
export interface RunView {
  readonly model: string;
  readonly runId: string;
  readonly origin: RunRecord['origin'];
  readonly schedule: string | null;
  readonly shifts: readonly string[];
  readonly plannedStartAt: string;
  readonly plannedEndAt: string;
  readonly requestedStartAt: string | null;
  readonly hostedAt: string | null;
  readonly requestedStopAt: string | null;
  readonly stoppedAt: string | null;
  readonly minInferenceUnits: number;
  readonly maxInferenceUnits: number | null;
  /** The lead the run was planned with and its source; null on runs recorded before leads were kept. */
  readonly leadMinutes: number | null;
  readonly leadSource: 'fixed' | 'prior' | 'learned' | null;
  /** For a prior or learned lead: the recorded starts it was learned from, and the quantile it sits at. */
  readonly leadSamples: number | null;
  readonly leadQuantile: number | null;
  readonly startAttempts: number;
  readonly clientTokens: readonly string[];
  readonly inferenceUnitHours: number;
  readonly cost: number;
  readonly outcome: RunRecord['outcome'];
  readonly note: string | null;
  readonly errors: RunRecord['errors'];
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** The view of a run at `at` (open runs are counted up to `at`). */
export const runView = (run: RunRecord, at: Date): RunView => ({
  model: run.model,
  runId: run.runId,
  origin: run.origin,
  schedule: run.schedule ?? null,
  shifts: run.shifts,
  plannedStartAt: run.plannedStartAt,
  plannedEndAt: run.plannedEndAt,
  requestedStartAt: run.starts[0]?.intendedAt ?? null,
  hostedAt: run.hostedAt ?? null,
  requestedStopAt: run.stops[0]?.intendedAt ?? null,
  stoppedAt: run.stoppedAt ?? null,
  minInferenceUnits: run.minInferenceUnits,
  maxInferenceUnits: run.maxInferenceUnits ?? null,
  leadMinutes: run.leadMinutes ?? null,
  leadSource: run.leadSource ?? null,
  leadSamples: run.leadSamples ?? null,
  leadQuantile: run.leadQuantile === undefined ? null : round(run.leadQuantile, 3),
  startAttempts: run.starts.length,
  clientTokens: clientTokensOf(run),
  inferenceUnitHours: round(runUnitHours(run, at), 4),
  cost: round(runCost(run, at), 4),
  outcome: run.outcome,
  note: run.note ?? null,
  errors: run.errors,
});

/** The recorded runs of `models` whose span ends at or after `since`, by planned start then model. */
export const listRuns = async (
  runs: RunRepository,
  models: readonly string[],
  options: { since?: Date; at: Date },
): Promise<RunView[]> => {
  const all = await Promise.all(
    models.map((model) => runs.list(model, options.since ? { since: options.since } : {})),
  );
  return all
    .flat()
    .sort((a, b) => a.plannedStartAt.localeCompare(b.plannedStartAt) || a.model.localeCompare(b.model))
    .map((run) => runView(run, options.at));
};

/**
 * The billing ledger: what hosting would have been charged. A run is billed from the accepted start
 * until its stop completes or the start fails, for its minimum inference units.
 */

const minute = 60_000;

/** The inference units a start asked for. */
export interface Units {
  readonly min: number;
  readonly max?: number;
}

/** One billed hosting run; `Model` names the model the way its service does. */
export type LedgerRun<Model extends object> = Model & {
  readonly minInferenceUnits: number;
  readonly maxInferenceUnits?: number;
  readonly startedAt: Date;
  /** Null while the run is still billed. */
  readonly endedAt: Date | null;
  readonly outcome: 'running' | 'stopped' | 'failed';
  /** Minimum units × minutes, up to now for a run still billed. */
  readonly unitMinutes: number;
};

/** The ledger at one instant. */
export interface LedgerReport<Model extends object> {
  readonly at: Date;
  readonly runs: readonly LedgerRun<Model>[];
  /** Unit-minutes per model, keyed `project/version`. */
  readonly unitMinutesByModel: Readonly<Record<string, number>>;
  readonly totalUnitMinutes: number;
}

interface OpenRun<Model extends object> {
  readonly model: Model;
  readonly units: Units;
  readonly startedAt: number;
  endedAt: number | null;
  outcome: 'running' | 'stopped' | 'failed';
}

/** Every run billed since the last reset. */
export class BillingLedger<Model extends object> {
  #runs: OpenRun<Model>[] = [];

  /** Starts billing `units` for `model` at `now`; the answer identifies the run for `close`. */
  open(model: Model, units: Units, now: number): number {
    this.#runs.push({ model, units, startedAt: now, endedAt: null, outcome: 'running' });
    return this.#runs.length - 1;
  }

  /** Ends billing a run at `at`. */
  close(run: number, at: number, outcome: 'stopped' | 'failed'): void {
    const entry = this.#runs[run];
    if (!entry) return;
    entry.endedAt = at;
    entry.outcome = outcome;
  }

  /** The ledger at `at`; callers settle their models first, so runs that ended before `at` are closed. */
  report(at: Date, keyOf: (model: Model) => string): LedgerReport<Model> {
    const runs = this.#runs.map((run): LedgerRun<Model> => {
      const end = run.endedAt ?? at.getTime();
      return {
        ...run.model,
        minInferenceUnits: run.units.min,
        ...(run.units.max === undefined ? {} : { maxInferenceUnits: run.units.max }),
        startedAt: new Date(run.startedAt),
        endedAt: run.endedAt === null ? null : new Date(run.endedAt),
        outcome: run.outcome,
        unitMinutes: (run.units.min * Math.max(0, end - run.startedAt)) / minute,
      };
    });
    const unitMinutesByModel: Record<string, number> = {};
    for (const run of runs) {
      const key = keyOf(run);
      unitMinutesByModel[key] = (unitMinutesByModel[key] ?? 0) + run.unitMinutes;
    }
    const totalUnitMinutes = runs.reduce((sum, run) => sum + run.unitMinutes, 0);
    return { at, runs, unitMinutesByModel, totalUnitMinutes };
  }

  clear(): void {
    this.#runs = [];
  }
}

import { Logger } from '@aws-lambda-powertools/logger';
import { errorCodeOf } from '../errors.ts';

/**
 * What a decision line says about one model: the fields of a pass's outcome that are logged. The
 * use cases' outcomes have this shape; the logger names only the fields, so it sits below them.
 */
export interface DecisionLine {
  readonly model: string;
  readonly desired: string;
  readonly observed: string;
  readonly action: string;
  readonly result: string;
  readonly reason: string;
  readonly runId?: string;
  readonly clientToken?: string;
  readonly errorCode?: string;
  readonly alert?: boolean;
}

/** The pass a decision line belongs to. */
export interface PassLine {
  readonly at: Date;
  readonly trigger: string;
  readonly configVersion: number;
}

/** The Lambdas' structured logger: one JSON line per entry, service name from Powertools' env. */
export const createLogger = (): Logger => new Logger({ serviceName: 'model-shift-scheduler' });

/**
 * The line of one model in one pass: what was desired, observed and done, and why. Alerts are
 * logged at error level with `alert: true`, so a metric filter on that key can page someone.
 * Written as each model is decided (see `ReconcileDeps.onOutcome`), so a pass cut off at the
 * deadline keeps the lines of the models it finished.
 */
export const logOutcome = (logger: Logger, outcome: DecisionLine, pass: PassLine): void => {
  const entry = {
    ...outcomeFields(outcome),
    at: pass.at.toISOString(),
    trigger: pass.trigger,
    configVersion: pass.configVersion,
  };
  if (outcome.alert) logger.error('model needs attention', { ...entry, alert: true });
  else logger.info('decision', entry);
};

/**
 * The line of a pass that could not run at all (no configuration applied, a table missing or
 * unreachable): an error with the code of what went wrong, and `alert: true` like every line that
 * needs a person, since every later pass will fail the same way until someone acts.
 */
export const logPassFailure = (logger: Logger, error: unknown, event: Record<string, unknown>): void => {
  logger.error('pass could not run', {
    ...event,
    code: errorCodeOf(error),
    alert: true,
    error: error as Error,
  });
};

/** One line per model of a finished pass (see {@link logOutcome}). */
export const logPass = (
  logger: Logger,
  report: PassLine & { readonly outcomes: readonly DecisionLine[] },
): void => {
  for (const outcome of report.outcomes) logOutcome(logger, outcome, report);
};

const outcomeFields = (outcome: DecisionLine) => ({
  model: outcome.model,
  desired: outcome.desired,
  observed: outcome.observed,
  action: outcome.action,
  result: outcome.result,
  reason: outcome.reason,
  ...(outcome.runId ? { runId: outcome.runId } : {}),
  ...(outcome.clientToken ? { clientToken: outcome.clientToken } : {}),
  ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
});

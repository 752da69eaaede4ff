import { Logger } from '@aws-lambda-powertools/logger';
import type { ModelOutcome, PassHeader, PassReport } from '../app/reconcile.ts';

/** The Lambdas' structured logger: one JSON line per entry, service name from Powertools' env. */
export const createLogger = (): Logger => new Logger({ serviceName: 'model-shift-scheduler' });

/**
 * The line of one model in one pass: what was desired, observed and done, and why. Alerts are
 * logged at error level with `alert: true`, so a metric filter on that key can page someone.
 * Written as each model is decided (see `ReconcileDeps.onOutcome`), so a pass cut off at the
 * deadline keeps the lines of the models it finished.
 */
export const logOutcome = (logger: Logger, outcome: ModelOutcome, pass: PassHeader): void => {
  const entry = {
    ...outcomeFields(outcome),
    at: pass.at.toISOString(),
    trigger: pass.trigger,
    configVersion: pass.configVersion,
  };
  if (outcome.alert) logger.error('model needs attention', { ...entry, alert: true });
  else logger.info('decision', entry);
};

/** One line per model of a finished pass (see {@link logOutcome}). */
export const logPass = (logger: Logger, report: PassReport): void => {
  for (const outcome of report.outcomes) logOutcome(logger, outcome, report);
};

const outcomeFields = (outcome: ModelOutcome) => ({
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

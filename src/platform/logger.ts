import { Logger } from '@aws-lambda-powertools/logger';
import type { ModelOutcome, PassReport } from '../app/reconcile.ts';

/** The Lambdas' structured logger: one JSON line per entry, service name from Powertools' env. */
export const createLogger = (): Logger => new Logger({ serviceName: 'model-shift-scheduler' });

/**
 * One line per model per pass: what was desired, observed and done, and why. Alerts are logged at
 * error level with `alert: true`, so a metric filter on that key can page someone.
 */
export const logPass = (logger: Logger, report: PassReport): void => {
  for (const outcome of report.outcomes) {
    const entry = {
      ...outcomeFields(outcome),
      at: report.at.toISOString(),
      trigger: report.trigger,
      configVersion: report.configVersion,
    };
    if (outcome.alert) logger.error('model needs attention', { ...entry, alert: true });
    else logger.info('decision', entry);
  }
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

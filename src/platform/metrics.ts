/**
 * The scheduler's CloudWatch metrics, written as Embedded Metric Format lines on standard output
 * through Powertools: CloudWatch Logs turns them into metrics, so publishing costs no API call.
 */

import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type Env, optionalEnv } from './env.ts';

/** The units the scheduler's metrics use. */
export type MetricUnitName = 'Count' | 'Milliseconds' | 'None';

/**
 * One value of one metric. `dimensions` are those beyond the ones every metric carries (`service`,
 * `stage`); points with the same dimensions are published on one EMF line.
 */
export interface MetricPoint {
  readonly name: string;
  readonly unit: MetricUnitName;
  readonly value: number;
  readonly dimensions?: Readonly<Record<string, string>>;
}

/** Where the metrics go and the dimensions every one of them carries. */
export interface MetricsSettings {
  readonly namespace: string;
  readonly serviceName: string;
  readonly stage: string;
}

/**
 * The settings from Powertools' own variables (`POWERTOOLS_METRICS_NAMESPACE`,
 * `POWERTOOLS_SERVICE_NAME`) and `STAGE`, each defaulted so a local run still writes valid EMF.
 */
export const metricsSettingsFromEnv = (env: Env): MetricsSettings => ({
  namespace: optionalEnv(env, 'POWERTOOLS_METRICS_NAMESPACE', 'model-shift-scheduler'),
  serviceName: optionalEnv(env, 'POWERTOOLS_SERVICE_NAME', 'model-shift-scheduler'),
  stage: optionalEnv(env, 'STAGE', 'local'),
});

const units: Record<MetricUnitName, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  Count: MetricUnit.Count,
  Milliseconds: MetricUnit.Milliseconds,
  None: MetricUnit.NoUnit,
};

const dimensionKey = (point: MetricPoint): string =>
  JSON.stringify(Object.entries(point.dimensions ?? {}).sort(([a], [b]) => a.localeCompare(b)));

/**
 * Writes `points` now: one EMF line per set of dimensions. A Powertools instance per set, because
 * EMF applies every dimension set of a line to every metric on it.
 */
export const publishMetrics = (settings: MetricsSettings, points: readonly MetricPoint[]): void => {
  const groups = new Map<string, MetricPoint[]>();
  for (const point of points) {
    const key = dimensionKey(point);
    groups.set(key, [...(groups.get(key) ?? []), point]);
  }
  for (const group of groups.values()) {
    const metrics = new Metrics({
      namespace: settings.namespace,
      serviceName: settings.serviceName,
      defaultDimensions: { stage: settings.stage, ...group[0]?.dimensions },
    });
    for (const point of group) metrics.addMetric(point.name, units[point.unit], point.value);
    metrics.publishStoredMetrics();
  }
};

/** What an SDK client offers to add a step to each request it sends. */
interface MiddlewareClient {
  readonly middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { clientName?: string; commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/**
 * Counts the API calls the hosting clients send, by `Service.Operation` (`LookoutVision.ListModels`),
 * for the `Calls` metric: once per call, the SDK's own retries of it not counted. The function takes
 * the counts after each pass; a container serves one invocation at a time.
 */
export class CallCounter {
  #counts = new Map<string, number>();

  /** Adds the counting step to an SDK client (any client with a middleware stack). */
  readonly attach = (client: unknown): void => {
    const stack = (client as Partial<MiddlewareClient>).middlewareStack;
    if (!stack) return;
    stack.add(
      (next, context) => (args) => {
        this.record(
          (context.clientName ?? 'Unknown').replace(/Client$/, ''),
          (context.commandName ?? 'Unknown').replace(/Command$/, ''),
        );
        return next(args);
      },
      { step: 'initialize', name: 'countSchedulerCalls' },
    );
  };

  /** Counts one call of `operation` on `service`. */
  record(service: string, operation: string): void {
    const api = `${service}.${operation}`;
    this.#counts.set(api, (this.#counts.get(api) ?? 0) + 1);
  }

  /** The calls counted since the last take, by API, and a fresh count from here on. */
  take(): ReadonlyMap<string, number> {
    const counts = this.#counts;
    this.#counts = new Map();
    return counts;
  }
}

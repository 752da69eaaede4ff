import { givesUp } from '../../src/app/decide.ts';
import { passMetrics } from '../../src/app/pass-metrics.ts';
import type { PassReport } from '../../src/app/reconcile.ts';
import { HostingError, type HostingErrorCode } from '../../src/hosting/model-host.ts';
import type { MetricPoint } from '../../src/platform/metrics.ts';

/**
 * The metric points a pass's Lambda publishes for `report`. The fault cases assert counts, which
 * the pass's duration does not change, so it is 0.
 */
export const metricsOf = (report: PassReport): MetricPoint[] => passMetrics(report, { durationMs: 0 });

/**
 * The value of the point named `name` with exactly `dimensions` beyond service and stage: none for
 * the fleet point the alarms watch. `undefined` when the pass publishes no such point, which an
 * alarm that treats missing data as not breaching reads as no alarm.
 */
export const metricValue = (
  points: readonly MetricPoint[],
  name: string,
  dimensions: Readonly<Record<string, string>> = {},
): number | undefined => {
  const matching = points.filter(
    (point) => point.name === name && sameDimensions(point.dimensions ?? {}, dimensions),
  );
  // Two points with one name and dimensions would be summed or dropped by CloudWatch: a bug in itself.
  if (matching.length > 1)
    throw new Error(`${matching.length} points of ${name} ${JSON.stringify(dimensions)}`);
  return matching[0]?.value;
};

const sameDimensions = (
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
};

/**
 * Every code a hosting error can carry. A record, so a code added to the union without a line here
 * fails to compile rather than slipping past {@link giveUpFailures}.
 */
const hostingErrorCodes: Readonly<Record<HostingErrorCode, true>> = {
  Throttling: true,
  Conflict: true,
  ResourceNotFound: true,
  Validation: true,
  AccessDenied: true,
  InternalServer: true,
  ServiceQuotaExceeded: true,
  Aborted: true,
  Unknown: true,
};

/** The codes on which a pass gives a start up for good, as the pass itself decides it. */
const giveUpCodes: ReadonlySet<string> = new Set(
  (Object.keys(hostingErrorCodes) as HostingErrorCode[]).filter((code) =>
    givesUp(new HostingError(code, code)),
  ),
);

/** The `Failures` points (per provider and error code) whose code means a run given up: a false alarm where none was. */
export const giveUpFailures = (points: readonly MetricPoint[]): MetricPoint[] =>
  points.filter((point) => point.name === 'Failures' && giveUpCodes.has(point.dimensions?.errorCode ?? ''));

/** The fleet metrics whose alarms fire at 1 or more (deploy/operations.yml); Heartbeat's fires on its absence. */
const alarmed = ['HostedOutsideRuns', 'LateStarts', 'RunsGivenUp', 'BudgetBlocks', 'ConfigRefused'] as const;

/**
 * The alarmed fleet metrics at or over their threshold in this pass, by name: `{}` when the pass
 * gives no alarm a breaching point. Asserting the whole record catches a false alarm beside the right one.
 */
export const alarmPoints = (
  points: readonly MetricPoint[],
): Partial<Record<(typeof alarmed)[number], number>> =>
  Object.fromEntries(
    alarmed.flatMap((name) => {
      const value = metricValue(points, name);
      return value !== undefined && value >= 1 ? [[name, value]] : [];
    }),
  );

import { startPriors } from '../providers/registry.ts';
import { type Model, resolvedModel, type SchedulerConfig, withLeadBook } from '../schedule/config.ts';
import { type LeadBook, RECENT_START_DAYS, type RecordedStart } from '../schedule/lead.ts';
import { MAX_LEAD_DAYS, RUN_LOOK_AHEAD_DAYS, RUN_LOOK_BACK_DAYS } from '../schedule/limits.ts';
import type { RunRecord } from '../store/run-record.ts';
import type { RunRepository } from '../store/run-repository.ts';

/**
 * The recorded starts behind `leadMinutes: auto`: read from the runs table, reduced to durations,
 * and attached to the configuration as its lead book, so that the tick, `status` and `plan` learn
 * the same leads from the same record.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Models whose runs are read at once. */
const READ_CONCURRENCY = 8;

/**
 * How long a recorded run took to start: from the first start the service accepted until the model
 * became HOSTED, in minutes. A start that ended HOSTING_FAILED and was sent again counts in full,
 * since the run needed all of it. No service says when a model became HOSTED: it happened between
 * the last pass that saw it starting and the first that saw it HOSTED, and the middle of the two is
 * read (without a sighting while starting, the first HOSTED one, which errs long). Undefined for a
 * run never started by the scheduler (adopted), never accepted, or never hosted.
 */
export const recordedStartOf = (run: RunRecord): RecordedStart | undefined => {
  const accepted = run.starts.find((intent) => intent.acceptedAt !== undefined)?.acceptedAt;
  if (run.origin === 'adopted' || accepted === undefined || run.hostedAt === undefined) return undefined;
  const from = Date.parse(accepted);
  const hosted = Date.parse(run.hostedAt);
  const seen = run.startingSeenAt === undefined ? Number.NaN : Date.parse(run.startingSeenAt);
  const became = seen >= from && seen < hosted ? (seen + hosted) / 2 : hosted;
  const minutes = (became - from) / MINUTE_MS;
  return Number.isFinite(minutes) && minutes >= 0 ? { acceptedAt: new Date(from), minutes } : undefined;
};

/**
 * The lead book for runs around [from, to] (a pass: from = to = its instant): every registered
 * provider's prior, and for each `auto` model its recorded starts that any run the engine looks at
 * for that range may read (back to the engine's look-back, a lead, and the recency window before
 * `from`). A model whose runs cannot be read gets none, and so follows its provider's prior until
 * they can (plan and status show that source).
 */
export const leadBookAt = async (
  runs: Pick<RunRepository, 'list'>,
  config: SchedulerConfig,
  from: Date,
  to: Date = from,
): Promise<LeadBook> => {
  const auto = config.models
    .map((model) => model.id)
    .filter((id) => resolvedModel(config, id).leadMinutes === 'auto');
  const starts: Record<string, readonly RecordedStart[]> = {};
  const since = new Date(from.getTime() - (RECENT_START_DAYS + RUN_LOOK_BACK_DAYS + MAX_LEAD_DAYS) * DAY_MS);
  const until = new Date(to.getTime() + RUN_LOOK_AHEAD_DAYS * DAY_MS);
  for (let index = 0; index < auto.length; index += READ_CONCURRENCY) {
    await Promise.all(
      auto.slice(index, index + READ_CONCURRENCY).map(async (model) => {
        const records = await runs.list(model, { since, until }).catch(() => []);
        const recorded = records.flatMap((run) => recordedStartOf(run) ?? []);
        if (recorded.length > 0) starts[model] = recorded;
      }),
    );
  }
  return { priors: startPriors(), starts };
};

/**
 * `config` with its lead book for [from, to] ({@link leadBookAt}). A configuration without `auto`
 * leads reads nothing.
 */
export const withRecordedStarts = async <M extends Model>(
  runs: Pick<RunRepository, 'list'>,
  config: SchedulerConfig<M>,
  from: Date,
  to: Date = from,
): Promise<SchedulerConfig<M>> => withLeadBook(config, await leadBookAt(runs, config, from, to));

/** `config` with the providers' priors only: what `plan -f`, which reads no table, learns from. */
export const withPriorsOnly = <M extends Model>(config: SchedulerConfig<M>): SchedulerConfig<M> =>
  withLeadBook(config, { priors: startPriors(), starts: {} });

/**
 * The learned lead (`leadMinutes: auto`): how long before a run's first shift the model is started,
 * chosen from the model's own recorded start durations.
 *
 * A start takes X minutes (start accepted → HOSTED). Started L minutes early, a run pays
 * (L − X)+ idle minutes before the shift and misses (X − L)+ shift minutes. The rule takes the
 * smallest whole L (so the least expected idle time, which grows with L) whose expected missed
 * minutes stay within the run's share of the coverage target:
 *
 *     E[(X − L)+] ≤ (1 − coverageTarget) · S        S = the run's shift minutes
 *
 * and never more than `maxLeadMinutes`. A long run may miss more minutes for the same coverage, so
 * it may take a shorter lead than a short one.
 *
 * E[(X − L)+] is estimated twice and the larger estimate is used:
 * - empirically: the recorded durations together with {@link PRIOR_WEIGHT} pseudo-starts drawn from
 *   the provider's prior (their share computed exactly), so the first runs follow the prior and the
 *   record takes over as it grows;
 * - as a lognormal fitted to the logarithms of the durations, shrunk toward the prior with the same
 *   weight, its spread widened by (1 + {@link FIT_WIDENING}/(n + k)) for the uncertainty of the fit
 *   itself. A few recorded starts under-represent a long tail; the fit does not forget it.
 *
 * Pure: no I/O, no clock. The caller picks the recent durations ({@link recentDurations}).
 *
 * Which starts a run reads depends on the run alone, not on when it is asked about: those accepted
 * before the earliest instant its lead could begin (its first shift minus `maxLeadMinutes`),
 * the last {@link RECENT_STARTS} of the {@link RECENT_START_DAYS} days before that. So the tick that
 * starts a run, the passes while it runs, `status` and a `plan` of any range, past ones included,
 * all give it the same lead; its own start, once recorded, counts from the next run on.
 */

/** What a provider documents or is observed to take to start: a lognormal by its median and 95th percentile, in minutes. */
export interface StartPrior {
  readonly medianMinutes: number;
  readonly p95Minutes: number;
}

/** Where a lead came from: the file's number, the provider's prior, or the model's recorded starts. */
export type LeadSource = 'fixed' | 'prior' | 'learned';

/** The lead in force for one run, and where it came from. */
export interface Lead {
  /** Whole minutes before the run's first shift that its start is sent. */
  readonly minutes: number;
  readonly source: LeadSource;
  /** Recorded starts the estimate used (0 for a fixed lead). */
  readonly samples: number;
  /** The estimated probability that a start is HOSTED within the lead (auto leads only). */
  readonly quantile?: number;
}

/** The settings of an `auto` lead, resolved through model, schedule and defaults. */
export interface AutoLeadSettings {
  /** The fraction of shift minutes to keep hosted, in (0, 1). */
  readonly coverageTarget: number;
  /** The longest lead the rule may choose, in minutes. */
  readonly maxLeadMinutes: number;
}

/**
 * What the `auto` leads of a configuration are learned from: each provider's prior, by provider id,
 * and each model's recorded starts, by model id. Each run reads the starts recorded before its own
 * lead could begin ({@link startsBeforeRun}), so its lead is fixed before it starts and stays so
 * while it runs, whenever it is asked about. A model with none on record follows its provider's
 * prior.
 */
export interface LeadBook {
  readonly priors: Readonly<Record<string, StartPrior>>;
  readonly starts: Readonly<Record<string, readonly RecordedStart[]>>;
}

/** How many pseudo-starts the prior counts as. Below this many recorded starts the lead reads as the prior's. */
export const PRIOR_WEIGHT = 3;
/** How much the fitted lognormal's variance is widened, over (recorded starts + {@link PRIOR_WEIGHT}). */
export const FIT_WIDENING = 3;
/** The most recent recorded starts the rule reads. */
export const RECENT_STARTS = 30;
/** How far back recorded starts are read: older ones describe a service that may have changed. */
export const RECENT_START_DAYS = 90;
/** Default coverage target: 99.5 % of shift minutes. */
export const DEFAULT_COVERAGE_TARGET = 0.995;
/** Default bound of an `auto` lead, in minutes: the documented starts take up to half an hour. */
export const DEFAULT_MAX_LEAD_MINUTES = 60;

/**
 * The prior used for an `auto` model when the caller names none for its provider: the slowest of the
 * providers' documented ranges (median 15, p95 28 minutes).
 */
export const FALLBACK_START_PRIOR: StartPrior = { medianMinutes: 15, p95Minutes: 28 };

const Z95 = 1.6448536269514722;
/** Durations shorter than this are read as this, so that their logarithm stays finite. */
const SHORTEST_MINUTES = 0.1;

/** The standard normal CDF. */
const phi = (z: number): number => 0.5 * erfc(-z / Math.SQRT2);

const erfc = (x: number): number => {
  // Numerical Recipes' erfcc with Chebyshev coefficients: fractional error below 1.2e-7.
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
};

interface LogNormal {
  readonly mu: number;
  readonly sigma: number;
}

const logNormalOf = (prior: StartPrior): LogNormal => ({
  mu: Math.log(prior.medianMinutes),
  sigma: Math.max(Math.log(prior.p95Minutes / prior.medianMinutes) / Z95, 1e-6),
});

/** E[(X − L)+] for a lognormal X. */
const logNormalShortfall = ({ mu, sigma }: LogNormal, lead: number): number => {
  const mean = Math.exp(mu + (sigma * sigma) / 2);
  if (lead <= 0) return mean - lead;
  const d = (Math.log(lead) - mu) / sigma;
  return Math.max(0, mean * (1 - phi(d - sigma)) - lead * (1 - phi(d)));
};

const logNormalCdf = ({ mu, sigma }: LogNormal, at: number): number =>
  at <= 0 ? 0 : phi((Math.log(at) - mu) / sigma);

/** The lognormal of the recorded durations, shrunk toward the prior by {@link PRIOR_WEIGHT} pseudo-starts. */
const fitted = (durations: readonly number[], prior: LogNormal): LogNormal => {
  const n = durations.length;
  const k = PRIOR_WEIGHT;
  const logs = durations.map((x) => Math.log(Math.max(x, SHORTEST_MINUTES)));
  const mean = n === 0 ? prior.mu : logs.reduce((sum, y) => sum + y, 0) / n;
  const spread = logs.reduce((sum, y) => sum + (y - mean) ** 2, 0);
  const mu = (k * prior.mu + n * mean) / (k + n);
  // The spread pools the prior's with the starts' own around their mean. A record whose median
  // differs from the prior's moves the median; it does not widen the spread, so one quick start
  // never lengthens the lead.
  const variance = (k * prior.sigma ** 2 + spread) / (k + n);
  return { mu, sigma: Math.sqrt(variance * (1 + FIT_WIDENING / (k + n))) };
};

/** The two estimates of E[(X − L)+] and of P(X ≤ L) for one model's record. */
const estimator = (durations: readonly number[], prior: StartPrior) => {
  const base = logNormalOf(prior);
  const fit = fitted(durations, base);
  const n = durations.length;
  const k = PRIOR_WEIGHT;
  const empirical = (lead: number) =>
    (durations.reduce((sum, x) => sum + Math.max(0, x - lead), 0) + k * logNormalShortfall(base, lead)) /
    (n + k);
  const empiricalCdf = (lead: number) =>
    (durations.filter((x) => x <= lead).length + k * logNormalCdf(base, lead)) / (n + k);
  return {
    missed: (lead: number) => Math.max(empirical(lead), logNormalShortfall(fit, lead)),
    quantile: (lead: number) =>
      empirical(lead) >= logNormalShortfall(fit, lead) ? empiricalCdf(lead) : logNormalCdf(fit, lead),
  };
};

/**
 * The estimated expected missed minutes E[(X − L)+] of a run started `lead` minutes early, from the
 * recorded durations and the prior (the larger of the two estimates described above).
 */
export const expectedMissedMinutes = (
  durations: readonly number[],
  prior: StartPrior,
  lead: number,
): number => estimator(durations, prior).missed(lead);

/** What {@link autoLead} chooses from. */
export interface AutoLeadInput extends AutoLeadSettings {
  /** Recent recorded start durations, in minutes (see {@link recentDurations}). */
  readonly durations: readonly number[];
  /** The run's shift minutes S. */
  readonly shiftMinutes: number;
  readonly prior: StartPrior;
}

/**
 * The smallest whole lead L in [0, maxLeadMinutes] with estimated E[(X − L)+] ≤ (1 − c)·S;
 * `maxLeadMinutes` when even that one misses more.
 */
export const autoLead = (input: AutoLeadInput): Lead => {
  const durations = input.durations.filter((x) => Number.isFinite(x) && x >= 0);
  const { missed, quantile } = estimator(durations, input.prior);
  const allowed = (1 - input.coverageTarget) * Math.max(0, input.shiftMinutes);
  const max = Math.max(0, Math.floor(input.maxLeadMinutes));
  // The estimate only falls as the lead grows, so the smallest lead that meets it is a bisection.
  let low = 0;
  let high = max;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (missed(middle) <= allowed) high = middle;
    else low = middle + 1;
  }
  return {
    minutes: low,
    source: durations.length < PRIOR_WEIGHT ? 'prior' : 'learned',
    samples: durations.length,
    quantile: quantile(low),
  };
};

/** A fixed lead, as the file gives it. */
export const fixedLead = (minutes: number): Lead => ({ minutes, source: 'fixed', samples: 0 });

/** One recorded start: when it was accepted and how many minutes it took to HOSTED. */
export interface RecordedStart {
  readonly acceptedAt: Date;
  readonly minutes: number;
}

/**
 * The durations the rule reads for a lead that can begin no earlier than `before`: the last
 * {@link RECENT_STARTS} starts accepted in the {@link RECENT_START_DAYS} days before `before`
 * (strictly before it), oldest first.
 */
export const recentDurations = (starts: readonly RecordedStart[], before: Date): number[] => {
  const since = before.getTime() - RECENT_START_DAYS * 86_400_000;
  return starts
    .filter((start) => start.acceptedAt.getTime() >= since && start.acceptedAt.getTime() < before.getTime())
    .sort((a, b) => a.acceptedAt.getTime() - b.acceptedAt.getTime())
    .slice(-RECENT_STARTS)
    .map((start) => start.minutes);
};

/**
 * The durations a run whose first shift begins at `start` learns from: the recent starts accepted
 * before `start - maxLeadMinutes`, the earliest its own start could be sent.
 */
export const startsBeforeRun = (
  starts: readonly RecordedStart[],
  start: Date,
  maxLeadMinutes: number,
): number[] => recentDurations(starts, new Date(start.getTime() - maxLeadMinutes * 60_000));

/** How a lead reads for people: `20 min (fixed)`, `17 min (prior, 2 starts on record)`, `12 min (learned from 14 starts, q=0.83)`. */
export const describeLead = (lead: Lead): string => {
  if (lead.source === 'fixed') return `${lead.minutes} min (fixed)`;
  if (lead.source === 'prior') return `${lead.minutes} min (prior, ${lead.samples} starts on record)`;
  return `${lead.minutes} min (learned from ${lead.samples} starts, q=${(lead.quantile ?? 0).toFixed(2)})`;
};

/** Recorded starts of a provider's models, together, before they stand in for its documented prior. */
export const FLEET_PRIOR_STARTS = 10;
/**
 * A start counts toward the fleet prior of a run only once it was HOSTED this long before the run's
 * lead could begin: by then a pass has recorded it, so the prior, and the run's lead, are settled.
 */
const FLEET_SETTLED_MS = 10 * 60_000;

/** A provider's recorded starts, pooled and ordered by when each was HOSTED, with running sums of their logarithms. */
interface FleetStarts {
  readonly hostedAt: readonly number[];
  /** `logSums[i]` is the sum of the logarithms of the first `i` starts. */
  readonly logSums: readonly number[];
}

const fleetStarts = new WeakMap<LeadBook, Map<string, FleetStarts>>();

const pooled = (book: LeadBook, provider: string, models: readonly string[]): FleetStarts => {
  let byProvider = fleetStarts.get(book);
  if (!byProvider) {
    byProvider = new Map();
    fleetStarts.set(book, byProvider);
  }
  const found = byProvider.get(provider);
  if (found) return found;
  const all = models
    .flatMap((model) => book.starts[model] ?? [])
    .map((start) => ({
      hostedAt: start.acceptedAt.getTime() + start.minutes * 60_000,
      log: Math.log(Math.max(start.minutes, SHORTEST_MINUTES)),
    }))
    .sort((a, b) => a.hostedAt - b.hostedAt);
  const logSums = [0];
  for (const start of all) logSums.push((logSums.at(-1) ?? 0) + start.log);
  const made = {
    hostedAt: all.map((start) => start.hostedAt),
    logSums,
  };
  byProvider.set(provider, made);
  return made;
};

/** The first index in ascending `values` whose value is at least `bound`. */
const firstAtLeast = (values: readonly number[], bound: number): number => {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] ?? 0) < bound) low = middle + 1;
    else high = middle;
  }
  return low;
};

/**
 * The prior of a run whose lead can begin no earlier than `before`: the provider's documented one,
 * until the provider's models (`models`) together have {@link FLEET_PRIOR_STARTS} starts on record
 * that were HOSTED in the {@link RECENT_START_DAYS} days before, settled ({@link FLEET_SETTLED_MS})
 * before `before`; from then on the documented lognormal moved to the median of those starts. A
 * model's first runs so begin from what this fleet's starts take, not from the documented range.
 * The starts are pooled once per lead book and provider, so each run's prior is two searches.
 */
export const fleetPrior = (
  book: LeadBook,
  provider: string,
  models: readonly string[],
  before: Date,
  documented: StartPrior,
): StartPrior => {
  const fleet = pooled(book, provider, models);
  const until = firstAtLeast(fleet.hostedAt, before.getTime() - FLEET_SETTLED_MS);
  const from = firstAtLeast(fleet.hostedAt, before.getTime() - RECENT_START_DAYS * 86_400_000);
  const count = until - from;
  if (count < FLEET_PRIOR_STARTS) return documented;
  // The fleet sets the median; the spread stays the documented one: how much one model's starts
  // vary is not how much the models differ from each other, which the pooled starts would add.
  const mu = ((fleet.logSums[until] ?? 0) - (fleet.logSums[from] ?? 0)) / count;
  const ratio = documented.p95Minutes / documented.medianMinutes;
  return { medianMinutes: Math.exp(mu), p95Minutes: Math.exp(mu) * ratio };
};

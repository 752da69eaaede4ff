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
 * E[(X − L)+] comes from a model of the provider's fleet (partial pooling): each model's starts
 * take exp(μ_m + ε) minutes, where its typical log-duration μ_m differs from model to model by
 * `between` and ε, the shape of one model's starts around its own, is shared by the fleet.
 * - The shape is the fleet's pooled residuals, each start's log-duration less its model's mean
 *   (with the model's own beside them), plus {@link PRIOR_WEIGHT} pseudo-starts of a lognormal with
 *   the pooled spread. So a provider whose starts have a long tail gives every model that tail, and
 *   a bounded one keeps every model bounded, before any one model has many starts on record.
 * - μ_m is the fleet's typical model moved toward the model's own mean as its starts accrue (the
 *   normal posterior), and what is still unknown of it (variance v) widens the estimate.
 * Without any fleet record the documented prior stands in: its median, its spread, and
 * {@link DEFAULT_BETWEEN} between models.
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

/**
 * How many pseudo-starts the documented prior counts as, in each estimate of the fleet model. Below
 * this many recorded starts a model's lead reads as the prior's.
 */
export const PRIOR_WEIGHT = 3;
/**
 * How much models' typical log-durations are taken to differ until the fleet shows it: a standard
 * deviation of 0.3 (a model's typical start within ×0.74–×1.35 of the fleet's, one time in three
 * outside it).
 */
export const DEFAULT_BETWEEN = 0.3 ** 2;
/** How much an estimated spread is widened, over its degrees of freedom (+ {@link PRIOR_WEIGHT}). */
export const SPREAD_WIDENING = 2;
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

/** E[(X − L)+] for a lognormal X. */
const logNormalShortfall = ({ mu, sigma }: LogNormal, lead: number): number => {
  const mean = Math.exp(mu + (sigma * sigma) / 2);
  if (lead <= 0) return mean - lead;
  const d = (Math.log(lead) - mu) / sigma;
  return Math.max(0, mean * (1 - phi(d - sigma)) - lead * (1 - phi(d)));
};

const logNormalCdf = ({ mu, sigma }: LogNormal, at: number): number =>
  at <= 0 ? 0 : phi((Math.log(at) - mu) / sigma);

/** One point of a pooled shape: a log-duration less its model's mean, and how many starts it stands for. */
export interface Residual {
  readonly value: number;
  readonly weight: number;
}

/**
 * What a provider's fleet says about the start durations of each of its models, in log-minutes
 * (see the rule above): the prior every `auto` model of the provider learns from.
 */
export interface FleetPrior {
  /** The typical model's log-duration. */
  readonly mu: number;
  /** The variance of the models' typical log-durations around `mu` (τ²). */
  readonly between: number;
  /** The variance of one model's log-durations around its own typical one (σ²). */
  readonly within: number;
  /** The fleet's pooled residuals; empty while it has none. */
  readonly shape: readonly Residual[];
  /** Settled starts it was learned from: 0 for the documented prior alone. */
  readonly starts: number;
  /** The degrees of freedom behind `within` and `shape`: Σ (n_m − 1) over the models. */
  readonly freedom: number;
}

const documentedPriors = new WeakMap<StartPrior, FleetPrior>();

/**
 * The documented prior as a fleet prior: its median and spread, {@link DEFAULT_BETWEEN} between
 * models, no record. One object per documented prior, so the leads taken on it are remembered too.
 */
export const documentedPrior = (prior: StartPrior): FleetPrior => {
  const found = documentedPriors.get(prior);
  if (found) return found;
  const made: FleetPrior = {
    mu: Math.log(prior.medianMinutes),
    between: DEFAULT_BETWEEN,
    within: Math.max(Math.log(prior.p95Minutes / prior.medianMinutes) / Z95, 1e-3) ** 2,
    shape: [],
    starts: 0,
    freedom: 0,
  };
  documentedPriors.set(prior, made);
  return made;
};

/** The logarithm of a duration, with durations under {@link SHORTEST_MINUTES} read as that. */
const logOf = (minutes: number): number => Math.log(Math.max(minutes, SHORTEST_MINUTES));

/**
 * The residuals of one model's log-durations around their mean, each scaled by √(n/(n−1)) so that
 * their spread is the spread of a start, not of a start around a mean estimated from it.
 */
const residualsOf = (logs: readonly number[]): number[] => {
  const n = logs.length;
  if (n < 2) return [];
  const mean = logs.reduce((sum, y) => sum + y, 0) / n;
  const scale = Math.sqrt(n / (n - 1));
  return logs.map((y) => (y - mean) * scale);
};

/** Three-point Gauss–Hermite rule for E[f(Z)], Z standard normal: exact for polynomials up to degree 5. */
const GAUSS_HERMITE = [
  { node: 0, weight: 2 / 3 },
  { node: Math.sqrt(3), weight: 1 / 6 },
  { node: -Math.sqrt(3), weight: 1 / 6 },
] as const;

/** E[(X − L)+] and P(X ≤ L) for one model, from its recorded durations and its provider's fleet prior. */
const estimator = (durations: readonly number[], prior: FleetPrior) => {
  const logs = durations.map(logOf);
  const n = logs.length;
  const k = PRIOR_WEIGHT;
  const between = Math.max(prior.between, 1e-6);
  // A spread estimated from few starts is itself uncertain: widened by 1 + W/(df + k), which only a
  // small fleet notices.
  const widening = 1 + SPREAD_WIDENING / (prior.freedom + Math.max(0, n - 1) + PRIOR_WEIGHT);
  const within = Math.max(prior.within, 1e-6) * widening;
  const stretch = Math.sqrt(widening);
  // The model's typical log-duration: the normal posterior from the fleet's and its own starts.
  const v = 1 / (1 / between + n / within);
  const mu = v * (prior.mu / between + logs.reduce((sum, y) => sum + y, 0) / within);
  const shape = [...prior.shape, ...residualsOf(logs).map((value) => ({ value, weight: 1 }))].map(
    (point) => ({ value: point.value * stretch, weight: point.weight }),
  );
  const total = k + shape.reduce((sum, point) => sum + point.weight, 0);
  const smooth: LogNormal = { mu, sigma: Math.sqrt(within + v) };
  const spread = Math.sqrt(v);
  // Each shape point at each of the three values the model's μ may take.
  const points = GAUSS_HERMITE.flatMap(({ node, weight }) =>
    shape.map((point) => ({
      minutes: Math.exp(mu + node * spread + point.value),
      weight: weight * point.weight,
    })),
  );
  return {
    missed: (lead: number) => {
      let sum = k * logNormalShortfall(smooth, lead);
      for (const point of points) if (point.minutes > lead) sum += point.weight * (point.minutes - lead);
      return sum / total;
    },
    quantile: (lead: number) => {
      let sum = k * logNormalCdf(smooth, lead);
      for (const point of points) if (point.minutes <= lead) sum += point.weight;
      return sum / total;
    },
  };
};

/**
 * The estimated expected missed minutes E[(X − L)+] of a run started `lead` minutes early, from the
 * model's recorded durations and its provider's fleet prior.
 */
export const expectedMissedMinutes = (
  durations: readonly number[],
  prior: FleetPrior,
  lead: number,
): number => estimator(durations, prior).missed(lead);

/** What {@link autoLead} chooses from. */
export interface AutoLeadInput extends AutoLeadSettings {
  /** Recent recorded start durations, in minutes (see {@link recentDurations}). */
  readonly durations: readonly number[];
  /** The run's shift minutes S. */
  readonly shiftMinutes: number;
  /** The provider's fleet prior ({@link fleetPrior}, or {@link documentedPrior} without a record). */
  readonly prior: FleetPrior;
}

/**
 * The smallest whole lead L in [0, maxLeadMinutes] with estimated E[(X − L)+] ≤ (1 − c)·S;
 * `maxLeadMinutes` when even that one misses more.
 */
export const autoLead = (input: AutoLeadInput): Lead => {
  const durations = input.durations.filter((x) => Number.isFinite(x) && x >= 0);
  let memo = leadMemo.get(input.prior);
  if (!memo) {
    memo = new Map();
    leadMemo.set(input.prior, memo);
  }
  const key = `${input.shiftMinutes}|${input.coverageTarget}|${input.maxLeadMinutes}|${durations.join(',')}`;
  return rememberedOr(memo, key, LEAD_MEMO_SIZE, () => chosenLead(durations, input));
};

const chosenLead = (durations: readonly number[], input: AutoLeadInput): Lead => {
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

/**
 * A start counts toward the fleet prior of a run only once it was HOSTED this long before the run's
 * lead could begin: by then a pass has recorded it, so the prior, and the run's lead, are settled.
 */
const FLEET_SETTLED_MS = 10 * 60_000;
/** The most points a pooled shape keeps: more residuals are merged into this many equal-count groups. */
const SHAPE_POINTS = 256;

/** One model's recorded starts as the fleet prior reads them: by when each was HOSTED, with its logarithm. */
interface ModelStarts {
  readonly hostedAt: readonly number[];
  readonly logs: readonly number[];
}

/** Per lead book: each provider's models' starts, sorted once, and the fleet priors already worked out. */
const fleetCache = new WeakMap<
  LeadBook,
  Map<string, { readonly models: readonly ModelStarts[]; readonly priors: Map<number, FleetPrior> }>
>();

const fleetOf = (book: LeadBook, provider: string, models: readonly string[]) => {
  let byProvider = fleetCache.get(book);
  if (!byProvider) {
    byProvider = new Map();
    fleetCache.set(book, byProvider);
  }
  const found = byProvider.get(provider);
  if (found) return found;
  const made = {
    models: models.flatMap((model) => {
      const starts = (book.starts[model] ?? [])
        .map((start) => ({
          hostedAt: start.acceptedAt.getTime() + start.minutes * 60_000,
          log: logOf(start.minutes),
        }))
        .sort((a, b) => a.hostedAt - b.hostedAt);
      return starts.length === 0
        ? []
        : [{ hostedAt: starts.map((start) => start.hostedAt), logs: starts.map((start) => start.log) }];
    }),
    priors: new Map<number, FleetPrior>(),
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

/** `values` as at most {@link SHAPE_POINTS} weighted points: sorted, then equal-count groups by their mean. */
const compressed = (values: number[]): Residual[] => {
  if (values.length <= SHAPE_POINTS) return values.map((value) => ({ value, weight: 1 }));
  const sorted = values.sort((a, b) => a - b);
  return Array.from({ length: SHAPE_POINTS }, (_, group) => {
    const from = Math.floor((group * sorted.length) / SHAPE_POINTS);
    const to = Math.floor(((group + 1) * sorted.length) / SHAPE_POINTS);
    const slice = sorted.slice(from, to);
    return { value: slice.reduce((sum, x) => sum + x, 0) / slice.length, weight: slice.length };
  });
};

/**
 * The fleet prior of a run whose lead can begin no earlier than `before`, from the recorded starts of
 * the provider's models (`models`): for each model, its last {@link RECENT_STARTS} starts HOSTED in
 * the {@link RECENT_START_DAYS} days before, settled ({@link FLEET_SETTLED_MS}) before `before`.
 * Each estimate counts the documented prior as {@link PRIOR_WEIGHT} pseudo-observations:
 *
 *     within  = (k·σ²_doc + Σ_m Σ_j (y_mj − ȳ_m)²) / (k + Σ_m (n_m − 1))
 *     mu      = (k·μ_doc + Σ_m ȳ_m) / (k + M)
 *     between = (k·τ²_doc + (M − 1)·max(0, var(ȳ_m) − within·mean(1/n_m))) / (k + M − 1)
 *
 * and the shape is every model's residuals (those with two starts or more). Worked out once per lead
 * book, provider and instant, so the runs of one pass share it.
 */
export const fleetPrior = (
  book: LeadBook,
  provider: string,
  models: readonly string[],
  before: Date,
  documented: StartPrior,
): FleetPrior => {
  const fleet = fleetOf(book, provider, models);
  const known = fleet.priors.get(before.getTime());
  if (known) return known;
  const slices = fleet.models.flatMap((model) => {
    const until = firstAtLeast(model.hostedAt, before.getTime() - FLEET_SETTLED_MS);
    const from = Math.max(
      firstAtLeast(model.hostedAt, before.getTime() - RECENT_START_DAYS * 86_400_000),
      until - RECENT_STARTS,
    );
    return until > from ? [model.logs.slice(from, until)] : [];
  });
  // Each pass reads a lead book of its own; the same starts give the same prior, worked out once.
  // A hash finds the remembered one and a comparison of every start read confirms it.
  const key = `${documented.medianMinutes}/${documented.p95Minutes}|${hashOf(slices)}`;
  let remembered = priorMemo.get(key);
  if (!remembered || !sameSlices(remembered.slices, slices)) {
    remembered = { slices, prior: pooledPrior(slices, documented) };
    remember(priorMemo, key, remembered, PRIOR_MEMO_SIZE);
  }
  const { prior } = remembered;
  fleet.priors.set(before.getTime(), prior);
  return prior;
};

/** A 64-bit hash (as text) of the log-durations of each model, in order. */
const hashOf = (slices: readonly (readonly number[])[]): string => {
  const words = new Uint32Array(new Float64Array(1).buffer);
  const view = new Float64Array(words.buffer);
  let a = 0x811c9dc5;
  let b = 0x01000193;
  const mix = (word: number) => {
    a = Math.imul(a ^ word, 0x01000193);
    b = Math.imul(b ^ word, 0x5bd1e995) ^ (b >>> 15);
  };
  for (const logs of slices) {
    mix(logs.length);
    for (const y of logs) {
      view[0] = y;
      mix(words[0] ?? 0);
      mix(words[1] ?? 0);
    }
  }
  return `${(a >>> 0).toString(36)}.${(b >>> 0).toString(36)}`;
};

const sameSlices = (a: readonly (readonly number[])[], b: readonly (readonly number[])[]): boolean =>
  a.length === b.length &&
  a.every((logs, index) => {
    const other = b[index];
    return other !== undefined && logs.length === other.length && logs.every((y, j) => y === other[j]);
  });

/** The fleet prior of the given starts, one array of log-durations per model (see {@link fleetPrior}). */
const pooledPrior = (slices: readonly (readonly number[])[], documented: StartPrior): FleetPrior => {
  const base = documentedPrior(documented);
  if (slices.length === 0) return base;
  const k = PRIOR_WEIGHT;
  const means = slices.map((logs) => ({
    mean: logs.reduce((sum, y) => sum + y, 0) / logs.length,
    n: logs.length,
  }));
  const residuals = slices.flatMap(residualsOf);
  let squares = 0;
  for (const [index, logs] of slices.entries()) {
    const mean = means[index]?.mean ?? 0;
    for (const y of logs) squares += (y - mean) ** 2;
  }
  const count = means.reduce((sum, model) => sum + model.n, 0);
  const freedom = count - means.length;
  const within = (k * base.within + squares) / (k + freedom);
  const m = means.length;
  const mu = (k * base.mu + means.reduce((sum, model) => sum + model.mean, 0)) / (k + m);
  const spreadOfMeans = m < 2 ? 0 : means.reduce((sum, model) => sum + (model.mean - mu) ** 2, 0) / (m - 1);
  const ownError = (within * means.reduce((sum, model) => sum + 1 / model.n, 0)) / m;
  const between = (k * base.between + (m - 1) * Math.max(0, spreadOfMeans - ownError)) / (k + m - 1);
  return { mu, between, within, shape: compressed(residuals), starts: count, freedom };
};

/** Fleet priors already worked out, by the starts they came from; and the leads taken on each. */
const priorMemo = new Map<
  string,
  { readonly slices: readonly (readonly number[])[]; readonly prior: FleetPrior }
>();
const leadMemo = new WeakMap<FleetPrior, Map<string, Lead>>();
const PRIOR_MEMO_SIZE = 1024;
const LEAD_MEMO_SIZE = 8192;

/**
 * `memo`'s value for `key`, made by `make` when missing. The rule is pure, so remembering an answer
 * never changes one: it only spares the passes of a long simulation, each with a lead book of its
 * own, from working out the same leads again.
 */
const rememberedOr = <V>(memo: Map<string, V>, key: string, size: number, make: () => V): V => {
  const found = memo.get(key);
  if (found !== undefined) return found;
  const made = make();
  remember(memo, key, made, size);
  return made;
};

/** Keeps `value` for `key` in `memo`, dropping the oldest entry beyond `size`. */
const remember = <V>(memo: Map<string, V>, key: string, value: V, size: number): void => {
  memo.set(key, value);
  if (memo.size > size) memo.delete(memo.keys().next().value as string);
};

/**
 * Seeded randomness, so a run with faults and drawn latencies repeats exactly with the same seed.
 */

/** A source of numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: a tiny 32-bit generator, plenty for fault injection and latencies, and the same
 * sequence on every platform for a given seed.
 */
export const mulberry32 = (seed: number): Random => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/**
 * A generator keyed by what its numbers are for (a model and the how-many-th start of it, say)
 * rather than by when it is asked: two runs that ask in a different order, or ask for other things
 * in between, still get the same numbers for the same key.
 */
export const keyedRandom = (seed: number, ...key: readonly (string | number)[]): Random => {
  // FNV-1a over the seed and each part (a separator keeps ["ab", "c"] apart from ["a", "bc"]) …
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (const part of key) {
    for (const char of `${String(part)}\u0000`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  }
  // … and murmur3's finaliser, so neighbouring keys start mulberry32 far apart.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return mulberry32(hash);
};

/** A standard normal number (mean 0, deviation 1) from two draws of `random` (Box–Muller). */
export const standardNormal = (random: Random): number => {
  // 1 - u lies in (0, 1], so the logarithm stays finite.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
};

/** The standard normal quantile of 0.95: a lognormal's p95 lies this many sigmas above its median. */
const z95 = 1.6448536269514722;

/**
 * A distribution of durations: a fixed time, uniform between two bounds, or lognormal (the long
 * right tail of real start times) given by its median and 95th percentile.
 */
export type LatencyDistribution =
  | { readonly kind: 'fixed'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  | { readonly kind: 'lognormal'; readonly medianMs: number; readonly p95Ms: number };

/** How long a transition takes: a fixed time, drawn uniformly between two bounds, or a distribution. */
export type Latency = number | { readonly minMs: number; readonly maxMs: number } | LatencyDistribution;

/** Draws one duration in whole milliseconds from `latency`. */
export const drawLatency = (latency: Latency, random: Random): number => {
  if (typeof latency === 'number') return latency;
  if (!('kind' in latency)) return Math.round(latency.minMs + (latency.maxMs - latency.minMs) * random());
  switch (latency.kind) {
    case 'fixed':
      return latency.ms;
    case 'uniform':
      return Math.round(latency.minMs + (latency.maxMs - latency.minMs) * random());
    case 'lognormal': {
      const sigma = Math.log(latency.p95Ms / latency.medianMs) / z95;
      return Math.round(latency.medianMs * Math.exp(sigma * standardNormal(random)));
    }
  }
};

/** `latency` with every duration multiplied by `factor` (a model that is typically slower or faster). */
export const scaleLatency = (latency: Latency, factor: number): LatencyDistribution => {
  if (typeof latency === 'number') return { kind: 'fixed', ms: latency * factor };
  if (!('kind' in latency))
    return { kind: 'uniform', minMs: latency.minMs * factor, maxMs: latency.maxMs * factor };
  switch (latency.kind) {
    case 'fixed':
      return { kind: 'fixed', ms: latency.ms * factor };
    case 'uniform':
      return { kind: 'uniform', minMs: latency.minMs * factor, maxMs: latency.maxMs * factor };
    case 'lognormal':
      return { kind: 'lognormal', medianMs: latency.medianMs * factor, p95Ms: latency.p95Ms * factor };
  }
};

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

/** How long a transition takes: a fixed time, or drawn uniformly between two bounds. */
export type Latency = number | { readonly minMs: number; readonly maxMs: number };

/** Draws one duration in milliseconds from `latency`. */
export const drawLatency = (latency: Latency, random: Random): number =>
  typeof latency === 'number'
    ? latency
    : Math.round(latency.minMs + (latency.maxMs - latency.minMs) * random());

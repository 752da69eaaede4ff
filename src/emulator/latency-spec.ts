/**
 * Latency distributions written the way a person types them on a command line, in minutes:
 * `lognormal:median=15,p95=28`, `uniform:4-16`, `fixed:12`.
 */
import { UsageError } from '../errors.ts';
import type { LatencyDistribution } from './random.ts';

const minute = 60_000;

/** A latency spec that is not one of the three forms; exit status 2, the message names the flag. */
export class LatencySpecError extends UsageError {
  override readonly code = 'InvalidLatencySpec';
}

const number = '(\\d+(?:\\.\\d+)?)';
const fixedPattern = new RegExp(`^fixed:${number}$`);
const uniformPattern = new RegExp(`^uniform:${number}-${number}$`);
const lognormalPattern = new RegExp(`^lognormal:median=${number},p95=${number}$`);

/**
 * The distribution `text` writes, in milliseconds. `flag` names where it came from (`--latency`),
 * so a refusal says which argument to fix.
 *
 * @example
 * parseLatencySpec('lognormal:median=15,p95=28', '--latency');
 * // { kind: 'lognormal', medianMs: 900000, p95Ms: 1680000 }
 */
export const parseLatencySpec = (text: string, flag: string): LatencyDistribution => {
  const refuse = (why: string): never => {
    throw new LatencySpecError(
      `${flag}: "${text}" ${why}; write lognormal:median=M,p95=Q, uniform:A-B or fixed:M (minutes)`,
    );
  };
  const fixed = fixedPattern.exec(text);
  if (fixed) return { kind: 'fixed', ms: Number(fixed[1]) * minute };
  const uniform = uniformPattern.exec(text);
  if (uniform) {
    const [min, max] = [Number(uniform[1]), Number(uniform[2])];
    if (min > max) refuse(`has its lower bound above its upper bound`);
    return { kind: 'uniform', minMs: min * minute, maxMs: max * minute };
  }
  const lognormal = lognormalPattern.exec(text);
  if (lognormal) {
    const [median, p95] = [Number(lognormal[1]), Number(lognormal[2])];
    if (median <= 0) refuse('needs a median above 0');
    if (p95 < median) refuse('needs a p95 at or above its median');
    return { kind: 'lognormal', medianMs: median * minute, p95Ms: p95 * minute };
  }
  return refuse('is not a latency distribution');
};

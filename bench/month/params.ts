/** The month bench's flags, read and checked at the edge: a bad one is a usage error naming it. */
import { parseArgs } from 'node:util';
import { parseLatencySpec } from '../../src/emulator/latency-spec.ts';
import type { LatencyDistribution } from '../../src/emulator/random.ts';
import { UsageError } from '../../src/errors.ts';

/** What one month run is asked for. */
export interface MonthParams {
  readonly days: number;
  readonly models: number;
  readonly projects: number;
  readonly seed: number;
  /** The spec as written, for the report, and the distribution it stands for. */
  readonly latency: string;
  readonly startLatency: LatencyDistribution;
  /** The spread of each model's typical latency: its draws are scaled by exp(spread · z). */
  readonly modelSpread: number;
  /** The share of control-plane requests answered ThrottlingException. */
  readonly throttle: number;
  /** The share of accepted starts that end HOSTING_FAILED. */
  readonly hostingFailed: number;
  /** Also run `known-latency`: the scheduler with each model's lead worked out from its true latency. */
  readonly knownLatency: boolean;
  readonly json?: string;
}

export const defaultLatency = 'lognormal:median=15,p95=28';

const options = {
  days: { type: 'string', default: '28' },
  models: { type: 'string', default: '50' },
  projects: { type: 'string', default: '10' },
  seed: { type: 'string', default: '1' },
  latency: { type: 'string', default: defaultLatency },
  'model-spread': { type: 'string', default: '0.3' },
  throttle: { type: 'string', default: '0.05' },
  'hosting-failed': { type: 'string', default: '0.02' },
  json: { type: 'string' },
  'known-latency': { type: 'boolean', default: false },
} as const;

const wholeNumber = (flag: string, text: string, min: number): number => {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min)
    throw new UsageError(`--${flag}: "${text}" is not a whole number ≥ ${min}`);
  return value;
};

const share = (flag: string, text: string, max: number): number => {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > max) {
    throw new UsageError(`--${flag}: "${text}" is not a number from 0 to ${max}`);
  }
  return value;
};

/**
 * The month bench's parameters from its command-line arguments (after `month`).
 *
 * @throws UsageError (exit status 2) naming the flag that is wrong
 */
export const parseMonthArgs = (args: readonly string[]): MonthParams => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...args], options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`month: ${(error as Error).message}`, { cause: error });
  }
  const text = (flag: keyof typeof options) => values[flag] as string;
  const models = wholeNumber('models', text('models'), 1);
  const projects = wholeNumber('projects', text('projects'), 1);
  if (projects > models)
    throw new UsageError(`--projects: ${projects} projects need at least as many models`);
  return {
    days: wholeNumber('days', text('days'), 1),
    models,
    projects,
    seed: wholeNumber('seed', text('seed'), 0),
    latency: text('latency'),
    startLatency: parseLatencySpec(text('latency'), '--latency'),
    modelSpread: share('model-spread', text('model-spread'), 3),
    throttle: share('throttle', text('throttle'), 0.9),
    hostingFailed: share('hosting-failed', text('hosting-failed'), 0.9),
    knownLatency: values['known-latency'] === true,
    ...(typeof values.json === 'string' ? { json: values.json } : {}),
  };
};

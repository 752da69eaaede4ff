/**
 * Faults an emulated service answers with besides its own rules: scripted errors for the next
 * matching requests, and random throttling, internal errors and hosting failures drawn from a
 * seeded generator, so a run with faults repeats exactly with the same seed.
 */
import type { PerApi } from './quota.ts';

/** Random faults. Probabilities are in [0, 1]. */
export interface RandomFaults<Api extends string> {
  /** Chance that a request is answered with throttling although it is under the quota. */
  readonly throttleProbability?: PerApi<Api, number>;
  /** Chance that a request is answered with an internal error. */
  readonly internalErrorProbability?: PerApi<Api, number>;
  /** Chance that an accepted start ends in the service's failed status instead of hosted. */
  readonly hostingFailureProbability?: number;
}

/**
 * A scripted fault: the next `times` requests of `api` are answered with `error`. Any other member
 * (`projectName`, a version) narrows it to the requests about that model or project.
 */
export type InjectedError<Api extends string, ErrorType extends string, Scope extends object = object> = {
  readonly api: Api;
  readonly error: ErrorType;
  /** How many requests it answers; default 1. */
  readonly times?: number;
  readonly message?: string;
} & Partial<Scope>;

/** What a request is about, for narrowing scripted faults: `projectName`, a version. */
export type RequestScope = Readonly<Record<string, string | undefined>>;

const specKeys = new Set(['api', 'error', 'times', 'message']);

/** The scripted faults still to be answered, oldest first. */
export class InjectedErrors<Api extends string, ErrorType extends string> {
  #pending: { spec: InjectedError<Api, ErrorType>; left: number }[] = [];

  add(spec: InjectedError<Api, ErrorType>): void {
    this.#pending.push({ spec, left: spec.times ?? 1 });
  }

  /** The first scripted fault that matches the request, counted as answered. */
  take(api: Api, scope: RequestScope): InjectedError<Api, ErrorType> | undefined {
    const match = this.#pending.find(
      ({ spec, left }) =>
        left > 0 &&
        spec.api === api &&
        Object.entries(spec).every(
          ([key, value]) => specKeys.has(key) || value === undefined || scope[key] === value,
        ),
    );
    if (!match) return undefined;
    match.left -= 1;
    this.#pending = this.#pending.filter(({ left }) => left > 0);
    return match.spec;
  }

  clear(): void {
    this.#pending = [];
  }
}

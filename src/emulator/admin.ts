/**
 * The admin API over HTTP: what every engine offers in-process, as JSON under `/__emulator/`, for a
 * demo or a test in another process. The routes every engine shares live here, seeding and
 * fail-next-starts included; an engine adds its own (projects, system updates) through
 * `adminRoute`. Bodies are validated with zod because they arrive from outside.
 */
import * as z from 'zod';
import { isVirtualClock } from './clock.ts';
import type { AdminResponse, EmulatorEngine } from './engine.ts';
import type { InjectedError, RandomFaults } from './faults.ts';
import type { Latencies } from './kernel.ts';
import type { PerApi } from './quota.ts';

/** How long a start or stop takes: fixed milliseconds, or drawn between two bounds. */
export const latencySchema = z.union([
  z.number().nonnegative(),
  z.object({ minMs: z.number().nonnegative(), maxMs: z.number().nonnegative() }).strict(),
]);
export const latenciesSchema = z
  .object({ start: latencySchema.optional(), stop: latencySchema.optional() })
  .strict();
const probability = z.number().min(0).max(1);
// JSON has no Infinity: "unlimited" turns the quota off.
const rate = z
  .union([z.number().positive(), z.literal('unlimited')])
  .transform((value) => (value === 'unlimited' ? Number.POSITIVE_INFINITY : value));
const clockSchema = z
  .object({
    set: z.iso.datetime({ offset: true }).optional(),
    advanceMs: z.number().nonnegative().optional(),
  })
  .strict();

/** The body schemas that depend on an engine's operations, exceptions and model address. */
const schemasOf = (engine: EmulatorEngine) => {
  const apiName = z.enum(engine.apiNames as [string, ...string[]]);
  const perApi = <T extends z.ZodType<number>>(value: T) => z.union([value, z.partialRecord(apiName, value)]);
  const address = Object.fromEntries(engine.addressKeys.map((key) => [key, z.string().optional()]));
  return {
    latencies: z.object(address).extend(latenciesSchema.shape).strict(),
    faults: z
      .object({
        throttleProbability: perApi(probability).optional(),
        internalErrorProbability: perApi(probability).optional(),
        hostingFailureProbability: probability.optional(),
      })
      .strict(),
    error: z
      .object({
        api: apiName,
        error: z.enum(engine.errorTypes as [string, ...string[]]),
        times: z.number().int().min(1).optional(),
        message: z.string().optional(),
        ...address,
      })
      .strict(),
    quota: z.object({ requestsPerSecond: perApi(rate) }).strict(),
    // One model, or several at once.
    seed: z.union([engine.seedSchema, z.object({ models: z.array(engine.seedSchema) }).strict()]),
    // `models/<project>/<version>/fail-next-starts`: one path segment per address key.
    failRoute: new RegExp(
      `^POST models/${engine.addressKeys.map(() => '([^/]+)').join('/')}/fail-next-starts$`,
    ),
  };
};
const failNextStartsBody = z.object({ count: z.number().int().min(1).default(1) }).strict();

/** Answers one admin request for `engine`; `path` is what follows the `/__emulator/` prefix. */
export const handleAdmin = (
  engine: EmulatorEngine,
  method: string,
  path: string,
  raw: Buffer,
): AdminResponse => {
  try {
    const body = raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as unknown);
    const route = `${method} ${path}`;
    return engine.adminRoute(route, body) ?? dispatch(engine, route, body);
  } catch (error) {
    if (error instanceof z.ZodError) {
      return {
        httpStatus: 400,
        body: {
          error: error.issues
            .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
            .join('; '),
        },
      };
    }
    if (error instanceof SyntaxError || error instanceof RangeError) {
      return { httpStatus: 400, body: { error: error.message } };
    }
    throw error;
  }
};

const dispatch = (engine: EmulatorEngine, route: string, body: unknown): AdminResponse => {
  const fail = schemasOf(engine).failRoute.exec(route);
  if (fail) {
    const address = Object.fromEntries(
      engine.addressKeys.map((key, index) => [key, decodeURIComponent(fail[index + 1] ?? '')]),
    );
    engine.failNextStarts(address, failNextStartsBody.parse(body).count);
    return done({ model: engine.model(address) });
  }
  switch (route) {
    case 'GET models':
      return done({ models: engine.models() });
    case 'POST models': {
      const parsed = schemasOf(engine).seed.parse(body);
      const specs = 'models' in parsed ? (parsed.models as object[]) : [parsed];
      return done({ models: specs.map((spec) => engine.seedModel(defined(spec))) });
    }
    case 'POST latencies': {
      const parsed: Record<string, unknown> = schemasOf(engine).latencies.parse(body);
      const isAddress = ([key]: [string, unknown]) => engine.addressKeys.includes(key);
      const address = Object.fromEntries(
        Object.entries(parsed).filter((entry) => isAddress(entry) && entry[1] !== undefined),
      );
      const latencies = latenciesSchema.parse(
        Object.fromEntries(Object.entries(parsed).filter((entry) => !isAddress(entry))),
      );
      const complete = Object.keys(address).length === engine.addressKeys.length;
      engine.setLatencies(defined(latencies) as Latencies, complete ? address : undefined);
      return done({});
    }
    case 'POST faults':
      engine.setFaults(defined(schemasOf(engine).faults.parse(body)) as RandomFaults<string>);
      return done({});
    case 'POST errors':
      engine.injectError(defined(schemasOf(engine).error.parse(body)) as InjectedError<string, string>);
      return done({});
    case 'POST quota':
      engine.setQuota(schemasOf(engine).quota.parse(body).requestsPerSecond as PerApi<string, number>);
      return done({});
    case 'GET clock':
      return done({ now: engine.clock.now().toISOString(), virtual: isVirtualClock(engine.clock) });
    case 'POST clock': {
      const { set, advanceMs } = clockSchema.parse(body);
      if (!isVirtualClock(engine.clock))
        return { httpStatus: 409, body: { error: 'the emulator runs on the real clock' } };
      if (set !== undefined) engine.clock.set(set);
      if (advanceMs !== undefined) engine.clock.advance(advanceMs);
      return done({ now: engine.clock.now().toISOString(), virtual: true });
    }
    case 'GET calls':
      return done({ calls: engine.callLog() });
    case 'GET ledger':
      return done(engine.ledger());
    case 'POST reset':
      engine.reset();
      return done({});
    default:
      return { httpStatus: 404, body: { error: `no admin route ${route}` } };
  }
};

/** A successful admin answer. */
export const done = (body: unknown): AdminResponse => ({ httpStatus: 200, body });

/** zod gives `undefined` for absent optional keys; the engines' types say absent means absent. */
export const defined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;

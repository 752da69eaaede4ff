/**
 * The admin interface over HTTP: the same operations the in-process `RunningEmulator` offers, as
 * JSON under `/__emulator/`, for a demo or a test in another process. Bodies are validated with zod
 * because they arrive from outside.
 */
import { z } from 'zod';
import { isVirtualClock } from './clock.ts';
import {
  apiNames,
  type InjectedError,
  type Latencies,
  type LookoutVisionEngine,
  type PerApi,
  type RandomFaults,
  type SeedModel,
} from './lookoutvision-engine.ts';
import { serviceErrorTypes } from './service-error.ts';

/** An admin answer: a status and a JSON body. */
export interface AdminResponse {
  readonly httpStatus: number;
  readonly body: unknown;
}

const apiName = z
  .enum(apiNames as [string, ...string[]])
  .transform((name) => name as (typeof apiNames)[number]);
const latency = z.union([
  z.number().nonnegative(),
  z.object({ minMs: z.number().nonnegative(), maxMs: z.number().nonnegative() }).strict(),
]);
const latencies = z.object({ start: latency.optional(), stop: latency.optional() }).strict();
const probability = z.number().min(0).max(1);
const perApiNumber = <T extends z.ZodType<number>>(value: T) =>
  z.union([value, z.partialRecord(apiName, value)]);
// JSON has no Infinity: "unlimited" turns the quota off.
const rate = z
  .union([z.number().positive(), z.literal('unlimited')])
  .transform((value) => (value === 'unlimited' ? Number.POSITIVE_INFINITY : value));

const seedModelBody = z
  .object({
    projectName: z.string().min(1),
    modelVersion: z.string().regex(/^[1-9][0-9]*$/),
    status: z.enum(['TRAINING', 'TRAINED', 'TRAINING_FAILED', 'HOSTED', 'DELETING']).optional(),
    minInferenceUnits: z.number().int().min(1).optional(),
    maxInferenceUnits: z.number().int().min(1).optional(),
    description: z.string().optional(),
    latencies: latencies.optional(),
  })
  .strict();

const schemas = {
  seed: z.union([seedModelBody, z.object({ models: z.array(seedModelBody) }).strict()]),
  project: z.object({ projectName: z.string().min(1) }).strict(),
  latencies: latencies.extend({ projectName: z.string().optional(), modelVersion: z.string().optional() }),
  failNextStarts: z.object({ count: z.number().int().min(1).default(1) }).strict(),
  systemUpdate: z.object({ durationMs: z.number().nonnegative() }).strict(),
  faults: z
    .object({
      throttleProbability: perApiNumber(probability).optional(),
      internalErrorProbability: perApiNumber(probability).optional(),
      hostingFailureProbability: probability.optional(),
    })
    .strict(),
  error: z
    .object({
      api: apiName,
      error: z.enum(serviceErrorTypes as [string, ...string[]]),
      times: z.number().int().min(1).optional(),
      projectName: z.string().optional(),
      modelVersion: z.string().optional(),
      message: z.string().optional(),
    })
    .strict(),
  quota: z.object({ requestsPerSecond: perApiNumber(rate) }).strict(),
  clock: z
    .object({
      set: z.iso.datetime({ offset: true }).optional(),
      advanceMs: z.number().nonnegative().optional(),
    })
    .strict(),
};

/** Answers one admin request; `path` is what follows the `/__emulator/` prefix. */
export const handleAdmin = (
  engine: LookoutVisionEngine,
  method: string,
  path: string,
  raw: Buffer,
): AdminResponse => {
  try {
    const body = raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as unknown);
    return dispatch(engine, `${method} ${path}`, body);
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

const dispatch = (engine: LookoutVisionEngine, route: string, body: unknown): AdminResponse => {
  const modelRoute = /^POST models\/([^/]+)\/([^/]+)\/(fail-next-starts|system-update)$/.exec(route);
  if (modelRoute?.[1] && modelRoute[2]) {
    const address = {
      projectName: decodeURIComponent(modelRoute[1]),
      modelVersion: decodeURIComponent(modelRoute[2]),
    };
    if (modelRoute[3] === 'fail-next-starts') {
      engine.failNextStarts(address, schemas.failNextStarts.parse(body).count);
      return done({ model: engine.model(address) });
    }
    return done({ model: engine.beginSystemUpdate(address, schemas.systemUpdate.parse(body).durationMs) });
  }
  switch (route) {
    case 'GET models':
      return done({ models: engine.models() });
    case 'POST models': {
      const parsed = schemas.seed.parse(body);
      const specs = 'models' in parsed ? parsed.models : [parsed];
      return done({ models: specs.map((spec) => engine.seedModel(defined(spec) as SeedModel)) });
    }
    case 'POST projects':
      engine.seedProject(schemas.project.parse(body).projectName);
      return done({});
    case 'POST latencies': {
      const { projectName, modelVersion, ...rest } = schemas.latencies.parse(body);
      const address = projectName && modelVersion ? { projectName, modelVersion } : undefined;
      engine.setLatencies(defined(rest) as Latencies, address);
      return done({});
    }
    case 'POST faults':
      engine.setFaults(defined(schemas.faults.parse(body)) as RandomFaults);
      return done({});
    case 'POST errors':
      engine.injectError(defined(schemas.error.parse(body)) as InjectedError);
      return done({});
    case 'POST quota':
      engine.setQuota(schemas.quota.parse(body).requestsPerSecond as PerApi<number>);
      return done({});
    case 'GET clock':
      return done({ now: engine.clock.now().toISOString(), virtual: isVirtualClock(engine.clock) });
    case 'POST clock': {
      const { set, advanceMs } = schemas.clock.parse(body);
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

const done = (body: unknown): AdminResponse => ({ httpStatus: 200, body });

/** zod gives `undefined` for absent optional keys; the engine's types say absent means absent. */
const defined = (value: object): object =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined));

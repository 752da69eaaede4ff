/**
 * Rekognition's AWS JSON 1.1 requests (`POST /`, the operation in `X-Amz-Target:
 * RekognitionService.<Op>`), and the admin routes of this engine only: seeding versions and
 * projects, failing the next starts.
 */
import { z } from 'zod';
import { defined, done, latenciesSchema } from '../../../emulator/admin.ts';
import type { AdminResponse } from '../../../emulator/engine.ts';
import type { Latencies } from '../../../emulator/kernel.ts';
import { awsJson11, jsonTarget, type WireRequest, type WireResponse } from '../../../emulator/wire.ts';
import {
  type ProjectVersionStatus,
  type RekognitionApiName,
  type RekognitionApiRequest,
  rekognitionApiNames,
  type VersionAddress,
} from './wire.ts';

/** What seeding a version may set; everything but the address has a default. */
export interface SeedProjectVersion extends VersionAddress {
  /**
   * The project's ARN when the project does not exist yet, e.g. the one a scheduler config names
   * (its project name must be `projectName`). Default: one in the engine's region and account.
   */
  readonly projectArn?: string;
  /**
   * Default TRAINING_COMPLETED. Every status may be seeded; STARTING and STOPPING are transitions
   * that complete after the version's start or stop latency, like those a request begins. A status
   * that holds units (STARTING, RUNNING, STOPPING) opens a billing run at the current instant.
   */
  readonly status?: ProjectVersionStatus;
  readonly minInferenceUnits?: number;
  readonly maxInferenceUnits?: number;
  readonly latencies?: Latencies;
}

/** What the admin routes drive: the engine's administration. */
export interface RekognitionAdmin {
  seedModel(spec: SeedProjectVersion): unknown;
  seedProject(projectName: string, arn?: string): string;
  model(address: VersionAddress): unknown;
  failNextStarts(address: VersionAddress, count: number): void;
}

const targetPrefix = 'RekognitionService';

/**
 * The request a RekognitionService target names, or the protocol's answer when it names no
 * operation or its body is not JSON; undefined for a request to another service.
 */
export const rekognitionRequestOf = (
  request: WireRequest,
): RekognitionApiRequest | WireResponse | undefined => {
  const api = jsonTarget(request, targetPrefix);
  if (api === undefined) return undefined;
  if (request.method !== 'POST' || request.url.pathname !== '/' || !isApiName(api)) {
    return awsJson11.unknownOperation(request);
  }
  try {
    return { api, body: request.body.length === 0 ? {} : JSON.parse(request.body.toString('utf8')) };
  } catch {
    return {
      httpStatus: 400,
      body: { __type: 'SerializationException', message: 'The request body is not JSON.' },
    };
  }
};

const isApiName = (name: string): name is RekognitionApiName =>
  rekognitionApiNames.includes(name as RekognitionApiName);

const statuses = [
  'TRAINING_IN_PROGRESS',
  'TRAINING_COMPLETED',
  'TRAINING_FAILED',
  'STARTING',
  'RUNNING',
  'FAILED',
  'STOPPING',
  'STOPPED',
  'DELETING',
  'COPYING_IN_PROGRESS',
  'COPYING_COMPLETED',
  'COPYING_FAILED',
  'DEPRECATED',
  'EXPIRED',
] as const satisfies readonly ProjectVersionStatus[];

const seedVersionBody = z
  .object({
    projectName: z.string().min(1),
    versionName: z.string().min(1),
    projectArn: z.string().optional(),
    status: z.enum(statuses).optional(),
    minInferenceUnits: z.number().int().min(1).optional(),
    maxInferenceUnits: z.number().int().min(1).optional(),
    latencies: latenciesSchema.optional(),
  })
  .strict();
const seedBody = z.union([seedVersionBody, z.object({ models: z.array(seedVersionBody) }).strict()]);
const projectBody = z.object({ projectName: z.string().min(1), projectArn: z.string().optional() }).strict();
const failNextStartsBody = z.object({ count: z.number().int().min(1).default(1) }).strict();
const failRoute = /^POST models\/([^/]+)\/([^/]+)\/fail-next-starts$/;

/** The admin routes of Rekognition only; undefined for a route the kernel's admin API serves. */
export const rekognitionAdminRoute = (
  engine: RekognitionAdmin,
  route: string,
  body: unknown,
): AdminResponse | undefined => {
  const fail = failRoute.exec(route);
  if (fail?.[1] && fail[2]) {
    const address = { projectName: decodeURIComponent(fail[1]), versionName: decodeURIComponent(fail[2]) };
    engine.failNextStarts(address, failNextStartsBody.parse(body).count);
    return done({ model: engine.model(address) });
  }
  switch (route) {
    case 'POST models': {
      const parsed = seedBody.parse(body);
      const specs = 'models' in parsed ? parsed.models : [parsed];
      return done({ models: specs.map((spec) => engine.seedModel(defined(spec) as SeedProjectVersion)) });
    }
    case 'POST projects': {
      const { projectName, projectArn } = projectBody.parse(body);
      return done({ projectArn: engine.seedProject(projectName, projectArn) });
    }
    default:
      return undefined;
  }
};

/**
 * Rekognition's AWS JSON 1.1 requests (`POST /`, the operation in `X-Amz-Target:
 * RekognitionService.<Op>`), what seeding a version takes, and the admin route of this engine
 * only: projects under a chosen ARN.
 */
import * as z from 'zod';
import { done, latenciesSchema } from '../../../emulator/admin.ts';
import type { AdminResponse } from '../../../emulator/engine.ts';
import type { Latencies } from '../../../emulator/kernel.ts';
import { jsonRequestOf, type WireRequest, type WireResponse } from '../../../emulator/wire.ts';
import {
  type ProjectVersionStatus,
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

/** What the admin route drives: the engine's administration. */
export interface RekognitionAdmin {
  seedProject(projectName: string, arn?: string): string;
}

/**
 * The request a RekognitionService target names, or the protocol's answer when it names no
 * operation or its body is not JSON; undefined for a request to another service.
 */
export const rekognitionRequestOf = (
  request: WireRequest,
): RekognitionApiRequest | WireResponse | undefined =>
  jsonRequestOf(request, 'RekognitionService', rekognitionApiNames);

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

/** The admin API's body for one version to seed. */
export const seedVersionBody = z
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
const projectBody = z.object({ projectName: z.string().min(1), projectArn: z.string().optional() }).strict();

/** The admin route of Rekognition only; undefined for a route the kernel's admin API serves. */
export const rekognitionAdminRoute = (
  engine: RekognitionAdmin,
  route: string,
  body: unknown,
): AdminResponse | undefined => {
  if (route !== 'POST projects') return undefined;
  const { projectName, projectArn } = projectBody.parse(body);
  return done({ projectArn: engine.seedProject(projectName, projectArn) });
};

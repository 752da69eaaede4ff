/**
 * Lookout for Vision's REST-JSON paths as the SDK client serialises them, what seeding a model
 * takes, and the admin routes of this engine only: projects and system updates.
 */
import * as z from 'zod';
import { done, latenciesSchema } from '../../../emulator/admin.ts';
import type { AdminResponse } from '../../../emulator/engine.ts';
import type { Latencies } from '../../../emulator/kernel.ts';
import { headerOf, type WireRequest } from '../../../emulator/wire.ts';
import type { ApiRequest, ModelAddress } from './wire.ts';

/** What seeding a model may set; everything but the address has a default. */
export interface SeedModel extends ModelAddress {
  /** Default TRAINED. Seeding HOSTED opens a billing run at the current instant. */
  readonly status?: 'TRAINING' | 'TRAINED' | 'TRAINING_FAILED' | 'HOSTED' | 'DELETING';
  readonly minInferenceUnits?: number;
  readonly maxInferenceUnits?: number;
  readonly description?: string;
  readonly latencies?: Latencies;
}

/** What the admin routes drive: the engine's administration. */
export interface LookoutVisionAdmin {
  seedProject(projectName: string): void;
  beginSystemUpdate(address: ModelAddress, durationMs: number): unknown;
}

const modelPath = /^\/2020-11-20\/projects\/([^/]+)\/models\/([^/]+)(?:\/(start|stop|detect))?$/;
const listPath = /^\/2020-11-20\/projects\/([^/]+)\/models$/;
const projectsPath = /^\/2020-11-20\/projects$/;
const projectPath = /^\/2020-11-20\/projects\/([^/]+)$/;

/** Decodes the REST-JSON request the SDK serialises for each operation; undefined for any other path. */
export const lookoutVisionRequestOf = (request: WireRequest): ApiRequest | undefined => {
  const { method, url, body } = request;
  const token = headerOf(request, 'x-amzn-client-token');
  if (method === 'GET' && projectsPath.test(url.pathname)) {
    const maxResults = url.searchParams.get('maxResults');
    const nextToken = url.searchParams.get('nextToken');
    return {
      api: 'ListProjects',
      ...(maxResults === null ? {} : { maxResults }),
      ...(nextToken === null ? {} : { nextToken }),
    };
  }
  const project = projectPath.exec(url.pathname);
  if (project?.[1] && method === 'GET') {
    return { api: 'DescribeProject', projectName: decodeURIComponent(project[1]) };
  }
  const list = listPath.exec(url.pathname);
  if (list?.[1] && method === 'GET') {
    const maxResults = url.searchParams.get('maxResults');
    const nextToken = url.searchParams.get('nextToken');
    return {
      api: 'ListModels',
      projectName: decodeURIComponent(list[1]),
      ...(maxResults === null ? {} : { maxResults }),
      ...(nextToken === null ? {} : { nextToken }),
    };
  }
  const match = modelPath.exec(url.pathname);
  if (!match?.[1] || !match[2]) return undefined;
  const address = { projectName: decodeURIComponent(match[1]), modelVersion: decodeURIComponent(match[2]) };
  const action = match[3];
  if (action === undefined && method === 'GET') return { api: 'DescribeModel', ...address };
  if (method !== 'POST') return undefined;
  switch (action) {
    case 'start':
      return {
        api: 'StartModel',
        ...address,
        ...(token === undefined ? {} : { clientToken: token }),
        body: parseJson(body),
      };
    case 'stop':
      return { api: 'StopModel', ...address, ...(token === undefined ? {} : { clientToken: token }) };
    case 'detect': {
      const contentType = headerOf(request, 'content-type');
      return {
        api: 'DetectAnomalies',
        ...address,
        ...(contentType === undefined ? {} : { contentType }),
        body,
      };
    }
    default:
      return undefined;
  }
};

const parseJson = (body: Buffer): unknown => {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
};

/** The admin API's body for one model to seed. */
export const seedModelBody = z
  .object({
    projectName: z.string().min(1),
    modelVersion: z.string().regex(/^[1-9][0-9]*$/),
    status: z.enum(['TRAINING', 'TRAINED', 'TRAINING_FAILED', 'HOSTED', 'DELETING']).optional(),
    minInferenceUnits: z.number().int().min(1).optional(),
    maxInferenceUnits: z.number().int().min(1).optional(),
    description: z.string().optional(),
    latencies: latenciesSchema.optional(),
  })
  .strict();
const projectBody = z.object({ projectName: z.string().min(1) }).strict();
const systemUpdateBody = z.object({ durationMs: z.number().nonnegative() }).strict();
const systemUpdateRoute = /^POST models\/([^/]+)\/([^/]+)\/system-update$/;

/** The admin routes of Lookout for Vision only; undefined for a route the kernel's admin API serves. */
export const lookoutVisionAdminRoute = (
  engine: LookoutVisionAdmin,
  route: string,
  body: unknown,
): AdminResponse | undefined => {
  const update = systemUpdateRoute.exec(route);
  if (update?.[1] && update[2]) {
    const address = {
      projectName: decodeURIComponent(update[1]),
      modelVersion: decodeURIComponent(update[2]),
    };
    return done({ model: engine.beginSystemUpdate(address, systemUpdateBody.parse(body).durationMs) });
  }
  if (route !== 'POST projects') return undefined;
  engine.seedProject(projectBody.parse(body).projectName);
  return done({});
};

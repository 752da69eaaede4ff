/**
 * `shiftctl emulator` end to end: the real command in its own process on the real clock, the real
 * SDK client pointed at it only by AWS_ENDPOINT_URL_LOOKOUTVISION. This is issue 4's "Must show".
 */
import { type ChildProcessByStdio, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  ConflictException,
  DescribeModelCommand,
  DescribeProjectCommand,
  ListModelsCommand,
  ListProjectsCommand,
  type LookoutVisionClient,
  ResourceNotFoundException,
  StartModelCommand,
  StopModelCommand,
  ValidationException,
} from '@aws-sdk/client-lookoutvision';
import { DescribeProjectsCommand, DescribeProjectVersionsCommand } from '@aws-sdk/client-rekognition';
import {
  DescribeEndpointCommand,
  DescribeInferenceComponentCommand,
  ListEndpointsCommand,
  ListInferenceComponentsCommand,
  UpdateInferenceComponentRuntimeConfigCommand,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLookoutVisionClient } from '../../src/providers/lookoutvision/client.ts';
import { createRekognitionClient } from '../../src/providers/rekognition/client.ts';
import { createSageMakerClient } from '../../src/providers/sagemaker/client.ts';
import { runShiftctl } from '../support/shiftctl.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
type Emulator = ChildProcessByStdio<null, Readable, Readable>;

/** Resolves with the URL once the command prints its `listening on` line. */
const waitForListening = (child: Emulator): Promise<string> =>
  new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`no "listening on" line within 20 s; output: ${output}`)),
      20_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`shiftctl emulator exited with ${code} before listening; output: ${output}`));
    });
  });

/** Polls on the real clock (the command runs on it) until the model reaches `status`. */
const waitForStatus = async (client: LookoutVisionClient, status: string): Promise<string | undefined> => {
  const deadline = Date.now() + 10_000;
  let seen: string | undefined;
  while (Date.now() < deadline) {
    const { ModelDescription } = await client.send(
      new DescribeModelCommand({ ProjectName: 'circuit-boards', ModelVersion: '3' }),
    );
    seen = ModelDescription?.Status;
    if (seen === status) return seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return seen;
};

describe('shiftctl emulator with the interface example', () => {
  let child: Emulator;
  let client: LookoutVisionClient;

  beforeAll(async () => {
    child = spawn(
      process.execPath,
      [
        'bin/shiftctl.js',
        'emulator',
        '-f',
        'test/support/fixtures/interface-example.yml',
        '--port',
        '0',
        '--start-latency',
        '1',
        // A stop completes in a second as well, so the test sees TRAINED again without waiting minutes.
        '--stop-latency',
        '1',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const url = await waitForListening(child);
    vi.stubEnv('AWS_ENDPOINT_URL_LOOKOUTVISION', url);
    vi.stubEnv('AWS_REGION', 'eu-central-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'emulator');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'emulator');
    client = createLookoutVisionClient();
  });

  afterAll(() => {
    vi.unstubAllEnvs();
    client?.destroy();
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('shows the models of the file TRAINED, hosts, replays, refuses and stops one, then exits cleanly', async () => {
    // Prepare
    const model = { ProjectName: 'circuit-boards', ModelVersion: '3' };
    const start = (token: string, units = 2) =>
      client.send(
        new StartModelCommand({
          ...model,
          MinInferenceUnits: units,
          MaxInferenceUnits: 4,
          ClientToken: token,
        }),
      );
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error,
      );

    // Act
    const listed = await Promise.all(
      ['circuit-boards', 'weld-seams'].map((ProjectName) =>
        client.send(new ListModelsCommand({ ProjectName })),
      ),
    );
    const started = await start('pcb-line-1-early');
    const hosted = await waitForStatus(client, 'HOSTED');
    const replayed = await start('pcb-line-1-early');
    const conflict = await failure(start('pcb-line-1-again'));
    const unknown = await failure(
      client.send(
        new StartModelCommand({ ProjectName: 'circuit-boards', ModelVersion: '99', MinInferenceUnits: 1 }),
      ),
    );
    const zeroUnits = await failure(start('pcb-line-1-zero', 0));
    const stopping = await client.send(new StopModelCommand({ ...model, ClientToken: 'pcb-line-1-stop' }));
    const trained = await waitForStatus(client, 'TRAINED');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');

    // Assess
    expect(listed.map((page) => page.Models?.map((m) => [m.ModelVersion, m.Status]))).toEqual([
      [['3', 'TRAINED']],
      [['1', 'TRAINED']],
    ]);
    expect(started.Status).toBe('STARTING_HOSTING');
    expect(hosted).toBe('HOSTED');
    expect(replayed.Status).toBe('STARTING_HOSTING');
    expect(conflict).toBeInstanceOf(ConflictException);
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
    expect(zeroUnits).toBeInstanceOf(ValidationException);
    expect(stopping.Status).toBe('STOPPING_HOSTING');
    expect(trained).toBe('TRAINED');
    expect(await exited).toBe(0);
  });
});

const projectArn = 'arn:aws:rekognition:eu-central-1:123456789012:project/label-line/1711000000000';
/** A file with a model of each provider. */
const mixedFile = (): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'shiftctl-emulator-')), 'shifts.yml');
  writeFileSync(
    file,
    [
      'version: 1',
      'schedules:',
      '  day:',
      '    timezone: Europe/Berlin',
      '    shifts:',
      '      - { name: early, days: mon-fri, start: "06:00", end: "14:00", minInferenceUnits: 1 }',
      'models:',
      '  - { id: boards, provider: lookoutvision, projectName: circuit-boards, modelVersion: "3", schedule: day }',
      `  - { id: labels, provider: rekognition, projectArn: "${projectArn}", versionName: v1, schedule: day }`,
      '  - { id: copies, provider: sagemaker, endpointName: vision-endpoint, inferenceComponentName: pcb-defects, schedule: day }',
      '',
    ].join('\n'),
  );
  return file;
};

/** The AWS CLI on PATH, if any. */
const awsCli = (): string | undefined => {
  const found = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? 'aws' : undefined;
};

/** Runs `aws ARGS --endpoint-url URL` with throwaway credentials; resolves with what it printed. */
const runAwsCli = (
  url: string,
  region: string,
  args: readonly string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn('aws', [...args, '--endpoint-url', url, '--output', 'json'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: 'emulator',
        AWS_SECRET_ACCESS_KEY: 'emulator',
        AWS_DEFAULT_REGION: region,
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });

/**
 * Starts `shiftctl emulator ARGS` and resolves once it has printed `variables` endpoint lines. The
 * emulator's region is `region`, or its default when none is given.
 */
const startCommand = async (args: readonly string[], variables: number, region?: string) => {
  const { AWS_REGION: _inherited, ...env } = process.env;
  const child = spawn(process.execPath, ['bin/shiftctl.js', 'emulator', '--port', '0', ...args], {
    cwd: repoRoot,
    env: region === undefined ? env : { ...env, AWS_REGION: region },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const printed = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if ((output.match(/^AWS_ENDPOINT_URL_\w+=/gm) ?? []).length >= variables) resolve();
    });
  });
  const url = await waitForListening(child);
  await printed;
  return { child, url, output };
};

describe('shiftctl emulator with several providers', () => {
  it('serves every provider a file uses on one port and says which endpoint variables to set', async () => {
    // Prepare
    const { child, url, output } = await startCommand(['-f', mixedFile(), '--start-latency', '1'], 3);
    const credentials = { accessKeyId: 'emulator', secretAccessKey: 'emulator' };
    const lookout = createLookoutVisionClient({ endpoint: url, region: 'eu-central-1', credentials });
    const labels = createRekognitionClient({ endpoint: url, region: 'eu-central-1', credentials });
    const sageMaker = createSageMakerClient({ endpoint: url, region: 'eu-central-1', credentials });
    const component = { InferenceComponentName: 'pcb-defects' };

    // Act
    const model = await lookout.send(
      new DescribeModelCommand({ ProjectName: 'circuit-boards', ModelVersion: '3' }),
    );
    const versions = await labels.send(new DescribeProjectVersionsCommand({ ProjectArn: projectArn }));
    const projects = await labels.send(new DescribeProjectsCommand({}));
    const lookoutProjects = await lookout.send(new ListProjectsCommand({}));
    const lookoutProject = await lookout.send(new DescribeProjectCommand({ ProjectName: 'circuit-boards' }));
    const endpoints = await sageMaker.send(new ListEndpointsCommand({}));
    const endpoint = await sageMaker.send(new DescribeEndpointCommand({ EndpointName: 'vision-endpoint' }));
    const components = await sageMaker.send(
      new ListInferenceComponentsCommand({ EndpointNameEquals: 'vision-endpoint' }),
    );
    const idle = await sageMaker.send(new DescribeInferenceComponentCommand(component));
    await sageMaker.send(
      new UpdateInferenceComponentRuntimeConfigCommand({
        ...component,
        DesiredRuntimeConfig: { CopyCount: 2 },
      }),
    );
    // The whole start, the endpoint's instances from zero included, takes the --start-latency second.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const scaled = await sageMaker.send(new DescribeInferenceComponentCommand(component));
    lookout.destroy();
    labels.destroy();
    sageMaker.destroy();
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');

    // Assess
    expect(output.split('\n')).toEqual(
      expect.arrayContaining([
        `AWS_ENDPOINT_URL_LOOKOUTVISION=${url}`,
        `AWS_ENDPOINT_URL_REKOGNITION=${url}`,
        `AWS_ENDPOINT_URL_SAGEMAKER=${url}`,
      ]),
    );
    expect(lookoutProjects.Projects?.map((project) => project.ProjectName)).toEqual(['circuit-boards']);
    expect(lookoutProject.ProjectDescription).toMatchObject({
      ProjectName: 'circuit-boards',
      ProjectArn: 'arn:aws:lookoutvision:us-east-1:123456789012:project/circuit-boards',
      CreationTimestamp: expect.any(Date),
    });
    expect(projects.ProjectDescriptions?.map((project) => [project.ProjectArn, project.Status])).toEqual([
      [projectArn, 'CREATED'],
    ]);
    expect(projects.ProjectDescriptions?.[0]?.CreationTimestamp).toEqual(new Date(1711000000000));
    expect(endpoints.Endpoints?.map((summary) => [summary.EndpointName, summary.EndpointStatus])).toEqual([
      ['vision-endpoint', 'InService'],
    ]);
    expect(endpoint.CreationTime).toBeInstanceOf(Date);
    expect(components.InferenceComponents?.map((summary) => summary.InferenceComponentName)).toEqual([
      'pcb-defects',
    ]);
    expect(idle).toMatchObject({
      InferenceComponentStatus: 'InService',
      RuntimeConfig: { DesiredCopyCount: 0, CurrentCopyCount: 0 },
    });
    expect(scaled).toMatchObject({
      InferenceComponentStatus: 'InService',
      RuntimeConfig: { DesiredCopyCount: 2, CurrentCopyCount: 2 },
    });
    expect(model.ModelDescription?.Status).toBe('TRAINED');
    expect(versions.ProjectVersionDescriptions?.map((version) => version.Status)).toEqual([
      'TRAINING_COMPLETED',
    ]);
    expect(await exited).toBe(0);
  });

  it('answers the read and scale calls of the AWS CLI (botocore, another SDK) in the region it is set to', async (context) => {
    const cli = awsCli();
    context.skip(cli === undefined, 'the AWS CLI is not installed');
    // Prepare
    const { child, url } = await startCommand(['-f', mixedFile(), '--start-latency', '600'], 3, 'eu-west-1');
    const aws = (...args: string[]) => runAwsCli(url, 'eu-west-1', args);

    // Act
    const endpoints = await aws('sagemaker', 'list-endpoints');
    const endpoint = await aws('sagemaker', 'describe-endpoint', '--endpoint-name', 'vision-endpoint');
    const listed = await aws(
      'sagemaker',
      'list-inference-components',
      '--endpoint-name-equals',
      'vision-endpoint',
    );
    const scaled = await aws(
      'sagemaker',
      'update-inference-component-runtime-config',
      '--inference-component-name',
      'pcb-defects',
      '--desired-runtime-config',
      'CopyCount=1',
    );
    const described = await aws(
      'sagemaker',
      'describe-inference-component',
      '--inference-component-name',
      'pcb-defects',
    );
    const unknown = await aws(
      'sagemaker',
      'describe-inference-component',
      '--inference-component-name',
      'nope',
    );
    const projects = await aws('rekognition', 'describe-projects');
    const versions = await aws('rekognition', 'describe-project-versions', '--project-arn', projectArn);
    child.kill('SIGTERM');

    // Assess
    expect(JSON.parse(endpoints.stdout).Endpoints).toEqual([
      expect.objectContaining({
        EndpointName: 'vision-endpoint',
        EndpointArn: 'arn:aws:sagemaker:eu-west-1:123456789012:endpoint/vision-endpoint',
        EndpointStatus: 'InService',
      }),
    ]);
    expect(JSON.parse(endpoint.stdout).ProductionVariants[0].ManagedInstanceScaling).toMatchObject({
      MinInstanceCount: 0,
    });
    expect(
      JSON.parse(listed.stdout).InferenceComponents.map(
        (c: { InferenceComponentName: string }) => c.InferenceComponentName,
      ),
    ).toEqual(['pcb-defects']);
    expect(JSON.parse(scaled.stdout)).toEqual({
      InferenceComponentArn: 'arn:aws:sagemaker:eu-west-1:123456789012:inference-component/pcb-defects',
    });
    expect(JSON.parse(described.stdout).RuntimeConfig).toEqual({ DesiredCopyCount: 1, CurrentCopyCount: 0 });
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain(
      '(ValidationException) when calling the DescribeInferenceComponent operation: Could not find',
    );
    expect(
      JSON.parse(projects.stdout).ProjectDescriptions.map((p: { ProjectArn: string }) => p.ProjectArn),
    ).toEqual([projectArn]);
    expect(
      JSON.parse(versions.stdout).ProjectVersionDescriptions.map((v: { Status: string }) => v.Status),
    ).toEqual(['TRAINING_COMPLETED']);
  });

  it('serves only the provider --provider names', async () => {
    // Prepare
    const { child, url, output } = await startCommand(['-f', mixedFile(), '--provider', 'rekognition'], 1);

    // Act
    const lookoutPath = await fetch(`${url}/2020-11-20/projects/circuit-boards/models/3`);
    child.kill('SIGTERM');

    // Assess
    expect(output).toContain(`AWS_ENDPOINT_URL_REKOGNITION=${url}`);
    expect(output).not.toContain('AWS_ENDPOINT_URL_LOOKOUTVISION');
    expect(lookoutPath.status).toBe(404);
  });

  it('refuses a provider it does not know as a usage error', async () => {
    // Act
    const { status, err } = await runShiftctl(['emulator', '--provider', 'sagemaker-nope']);

    // Assess
    expect(status).toBe(2);
    expect(err).toContain(
      '--provider: "sagemaker-nope" is not a provider (lookoutvision, rekognition, sagemaker)',
    );
  });
});

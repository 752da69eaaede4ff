import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HostingError, type ModelRef, type Observation } from '../../../src/hosting/model-host.ts';
import { hostSupport, pages, requestedUnits } from '../../../src/providers/kit/host-support.ts';
import { hostingErrorTranslator } from '../../../src/providers/kit/hosting-errors.ts';
import { groupedBy, observeInBatches } from '../../../src/providers/kit/observations.ts';
import { projectVersionNaming } from '../../../src/providers/kit/refs.ts';
import { statusReader } from '../../../src/providers/kit/statuses.ts';

class BusyException extends Error {}
class GoneException extends Error {}

const translate = hostingErrorTranslator([
  [BusyException, 'Throttling', true],
  [GoneException, 'ResourceNotFound', false],
]);

const ref = (project: string, version: string): ModelRef => ({ provider: 'test', project, version });
const keyOf = (target: ModelRef) => `${target.provider}:${target.project}/${target.version}`;

describe('hostingErrorTranslator', () => {
  it('translates each listed SDK exception to its code and retryability, keeping it as the cause', () => {
    const busy = new BusyException('slow down');

    const error = translate(busy, 'StartModel test:a/1');

    expect(error).toMatchObject({ code: 'Throttling', retryable: true, cause: busy });
    expect(error.message).toBe('StartModel test:a/1: slow down');
    expect(translate(new GoneException('no such model'), 'x')).toMatchObject({
      code: 'ResourceNotFound',
      retryable: false,
    });
  });

  it('calls an aborted request Aborted and retryable, and anything unmodelled Unknown and retryable', () => {
    const abort = Object.assign(new Error('the operation was aborted'), { name: 'AbortError' });

    expect(translate(abort, 'StopModel test:a/1')).toMatchObject({ code: 'Aborted', retryable: true });
    expect(translate(new Error('socket hang up'), 'x')).toMatchObject({ code: 'Unknown', retryable: true });
    expect(translate('not even an error', 'x').message).toBe('x: not even an error');
  });

  it('passes a HostingError through unchanged', () => {
    const original = new HostingError('Conflict', 'already starting');

    expect(translate(original, 'x')).toBe(original);
  });
});

describe('observeInBatches', () => {
  const own = (target: ModelRef) => (target.provider === 'test' ? target : undefined);
  const foreign = (target: ModelRef) => new HostingError('Validation', `${keyOf(target)} is not ours`);
  const byProject = (refs: readonly ModelRef[]) => groupedBy(refs, (target) => target.project ?? '');

  it('makes one call per batch and answers every ref, a foreign ref as an error', async () => {
    const calls: string[][] = [];
    const other: ModelRef = { provider: 'other', project: 'a', version: '1' };

    const results = await observeInBatches([ref('a', '1'), other, ref('b', '1'), ref('a', '2')], {
      own,
      keyOf,
      foreign,
      batches: byProject,
      observeBatch: async (batch) => {
        calls.push(batch.map(keyOf));
        return (target): Observation => ({ ref: target, state: 'stopped' });
      },
      failed: () => {
        throw new Error('no call fails here');
      },
    });

    expect(calls).toEqual([['test:a/1', 'test:a/2'], ['test:b/1']]);
    expect([...results.keys()].sort()).toEqual(['other:a/1', 'test:a/1', 'test:a/2', 'test:b/1']);
    expect(results.get('other:a/1')).toBeInstanceOf(HostingError);
    expect(results.get('test:b/1')).toMatchObject({ state: 'stopped' });
  });

  it('answers a failed call for the refs it asked about and carries on with the next batch', async () => {
    const results = await observeInBatches([ref('a', '1'), ref('a', '2'), ref('b', '1')], {
      own,
      keyOf,
      foreign,
      batches: byProject,
      observeBatch: async (batch) => {
        if (batch[0]?.project === 'a') throw new BusyException('slow down');
        return (target): Observation => ({ ref: target, state: 'hosted' });
      },
      failed: (error, batch) => translate(error, `List ${batch[0]?.project}`),
    });

    expect(results.get('test:a/1')).toMatchObject({ code: 'Throttling', message: 'List a: slow down' });
    expect(results.get('test:a/2')).toMatchObject({ code: 'Throttling' });
    expect(results.get('test:b/1')).toMatchObject({ state: 'hosted' });
  });
});

describe('statusReader', () => {
  const table = { UP: { state: 'hosted' }, GONE: { state: 'missing', message: 'deleted' } } as const;

  it('reads each status of its table, and an unknown one as missing with the message it is given', () => {
    const reader = statusReader(table, (status) => `${status} is unknown`);

    expect(reader.stateOf('UP')).toBe('hosted');
    expect(reader.messageOf('GONE')).toBe('deleted');
    expect(reader.stateOf('NEW')).toBe('missing');
    expect(reader.messageOf('NEW')).toBe('NEW is unknown');
    expect(reader.messageOf(undefined)).toBeUndefined();
    expect(statusReader(table).messageOf('NEW')).toBeUndefined();
  });
});

describe('hostSupport', () => {
  type TestRef = ModelRef & { provider: 'test' };
  const support = hostSupport<TestRef>({
    title: 'Test Service',
    isRef: (target): target is TestRef => target.provider === 'test',
    refKey: keyOf,
    statuses: statusReader({ UP: { state: 'hosted' }, DOWN: { state: 'stopped' } }),
    notFound: GoneException,
    errors: [[BusyException, 'Throttling', true]],
  });
  const other: ModelRef = { provider: 'other', project: 'a' };

  it("owns its refs and refuses another provider's as Validation, naming the service", () => {
    expect(support.target(ref('a', '1'))).toEqual(ref('a', '1'));
    expect(support.own(other)).toBeUndefined();
    expect(() => support.target(other)).toThrow('other:a is not a Test Service model');
    expect(support.foreign(other)).toMatchObject({ code: 'Validation', retryable: false });
  });

  it('reads an observation off an SDK description, leaving out what it does not report', () => {
    expect(support.observation(ref('a', '1'), { Status: 'UP', MinInferenceUnits: 2 })).toEqual({
      ref: ref('a', '1'),
      state: 'hosted',
      rawStatus: 'UP',
      minInferenceUnits: 2,
    });
    expect(support.observation(ref('a', '1'), { StatusMessage: 'odd' })).toEqual({
      ref: ref('a', '1'),
      state: 'missing',
      message: 'odd',
    });
  });

  it('answers a failed observing call as missing when the service does not know the model, else throws it translated', async () => {
    await expect(
      support.observing(ref('a', '1'), 'Describe', async () => {
        throw new GoneException('no such model');
      }),
    ).resolves.toEqual({ ref: ref('a', '1'), state: 'missing', message: 'no such model' });
    await expect(
      support.observing(ref('a', '1'), 'Describe test:a/1', async () => {
        throw new BusyException('slow down');
      }),
    ).rejects.toMatchObject({ code: 'Throttling', message: 'Describe test:a/1: slow down' });
  });

  it('answers an accepted change with its status, or the pending one when the answer names none', async () => {
    await expect(support.changing('Start', 'DOWN', async () => ({ Status: 'UP' }))).resolves.toEqual({
      rawStatus: 'UP',
      state: 'hosted',
    });
    await expect(support.changing('Stop', 'DOWN', async () => ({}))).resolves.toEqual({
      rawStatus: 'DOWN',
      state: 'stopped',
    });
    await expect(
      support.changing('Start test:a/1', 'UP', async () => {
        throw new GoneException('gone');
      }),
    ).rejects.toMatchObject({ code: 'Unknown', message: 'Start test:a/1: gone' });
  });
});

describe('requestedUnits', () => {
  it('names the units as the SDKs do and leaves out an unset maximum', () => {
    expect(requestedUnits({ minInferenceUnits: 1, clientToken: 't' })).toEqual({ MinInferenceUnits: 1 });
    expect(requestedUnits({ minInferenceUnits: 1, maxInferenceUnits: 3, clientToken: 't' })).toEqual({
      MinInferenceUnits: 1,
      MaxInferenceUnits: 3,
    });
  });
});

describe('pages', () => {
  it('asks for each next page with the token of the last until one has none', async () => {
    const tokens: (string | undefined)[] = [];
    const answers = [{ NextToken: 'p2', items: [1] }, { NextToken: 'p3', items: [2] }, { items: [3] }];

    const items: number[] = [];
    for await (const page of pages(async (token) => {
      tokens.push(token.NextToken);
      return answers[tokens.length - 1] ?? { items: [] };
    })) {
      items.push(...page.items);
    }

    expect(tokens).toEqual([undefined, 'p2', 'p3']);
    expect(items).toEqual([1, 2, 3]);
  });
});

describe('projectVersionNaming', () => {
  const naming = projectVersionNaming({
    provider: 'zenith',
    title: 'Zenith',
    project: 'bucket',
    version: 'release',
    floating: (release) => release === 'newest',
    fields: { bucket: z.string(), release: z.string() },
  });

  it('builds, recognises and keys refs of its two fields', () => {
    const ref = naming.refOf({ bucket: 'b', release: 'r1' });

    expect(ref).toEqual({ provider: 'zenith', bucket: 'b', release: 'r1' });
    expect(naming.isRef(ref)).toBe(true);
    expect(naming.isRef({ provider: 'zenith', bucket: 'b' })).toBe(false);
    expect(naming.isRef({ provider: 'other', bucket: 'b', release: 'r1' })).toBe(false);
    expect(naming.refKey(ref)).toBe('zenith:b/r1');
  });

  it('is a kind of model with its fields, whose physical model it reads once both fields are strings', () => {
    expect(naming.modelKind).toMatchObject({ provider: 'zenith', fields: { bucket: expect.anything() } });
    expect(naming.modelKind.physicalModel({ bucket: 'b', release: 'newest' })).toEqual({
      project: 'b',
      version: 'newest',
      field: 'release',
      floating: true,
    });
    expect(naming.modelKind.physicalModel({ bucket: 'b', release: 'r1' })).toMatchObject({ floating: false });
    expect(naming.modelKind.physicalModel({ bucket: 'b', release: 3 })).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { HostingError, type ModelRef, type Observation } from '../../../src/hosting/model-host.ts';
import { hostingErrorTranslator } from '../../../src/providers/kit/hosting-errors.ts';
import { groupedBy, observeInBatches } from '../../../src/providers/kit/observations.ts';

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

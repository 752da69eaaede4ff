import type { Command } from 'commander';
import {
  type FailedInvocation,
  type FailureQueue,
  failureQueueVariable,
  listFailures,
  type ReplayResult,
  replayFailures,
} from '../../app/failures.ts';
import { SchedulerError, UsageError } from '../../errors.ts';
import { parseInstantOption, printJson, withDeps } from '../context.ts';
import type { CliIo } from '../io.ts';
import { painter, renderTable } from '../render.ts';

/** Some failed invocations could not be replayed; their messages stay in the queue. Exit status 1. */
export class ReplayFailedError extends SchedulerError {
  override readonly name = 'ReplayFailedError';
  readonly code = 'ReplayFailed';
}

const queueOf = async (io: CliIo, option: string | undefined): Promise<FailureQueue> => {
  const url = option ?? io.env[failureQueueVariable];
  if (!url) {
    throw new UsageError(
      `--queue-url: no failure queue given; pass --queue-url or set ${failureQueueVariable} (the stack's FailedInvocationsQueueUrl output)`,
    );
  }
  // Loaded on use: the other commands, and --help, need no SQS client.
  const [{ SQSClient }, { SqsFailureQueue }] = await Promise.all([
    import('@aws-sdk/client-sqs'),
    import('../../app/sqs-failure-queue.ts'),
  ]);
  return new SqsFailureQueue(new SQSClient({}), url);
};

const passText = (failure: FailedInvocation): string => {
  const { pass } = failure;
  if (!pass) return `unreadable: ${failure.unreadable ?? '?'}`;
  const what =
    pass.kind === 'shift-edge'
      ? pass.trigger
      : pass.kind === 'start-timer'
        ? `start timer (${pass.models.join(', ')})`
        : 'reconcile tick';
  return `${what} at ${pass.at.toISOString()}`;
};

const failureJson = (failure: FailedInvocation) => ({
  ...failure,
  ...(failure.sentAt ? { sentAt: failure.sentAt.toISOString() } : {}),
  ...(failure.pass ? { pass: { ...failure.pass, at: failure.pass.at.toISOString() } } : {}),
});

const resultJson = (result: ReplayResult) => ({
  messageId: result.failure.messageId,
  result: result.result,
  ...(result.at ? { at: result.at.toISOString() } : {}),
  ...(result.report ? { outcomes: result.report.outcomes } : {}),
  ...(result.error ? { error: result.error } : {}),
});

/** `shiftctl failures list|replay`: the functions' failed invocations in the on-failure queue. */
export const registerFailuresCommand = (program: Command, io: CliIo): void => {
  const failures = program
    .command('failures')
    .description("the functions' failed invocations in the failure queue, and their replay");

  failures
    .command('list')
    .description('list the failed invocations: which pass, when, why, how often tried (none is removed)')
    .option('--queue-url <URL>', `the failure queue (default: ${failureQueueVariable})`)
    .option('--json', 'print JSON (UTC instants)')
    .action(async (options: { queueUrl?: string; json?: boolean }) => {
      const listed = await listFailures(await queueOf(io, options.queueUrl));
      if (options.json) {
        printJson(io, { failures: listed.map(({ failure }) => failureJson(failure)) });
        return;
      }
      if (listed.length === 0) {
        io.out('no failed invocations');
        return;
      }
      io.out(
        renderTable(
          ['MESSAGE', 'SOURCE', 'PASS', 'TRIES', 'ERROR'],
          listed.map(({ failure }) => [
            failure.messageId,
            failure.source,
            passText(failure),
            failure.attempts === undefined ? '-' : String(failure.attempts),
            failure.error ?? '-',
          ]),
        ),
      );
    });

  failures
    .command('replay')
    .description(
      'run the pass of each failed invocation again, at its own instant or, when that is more than ' +
        '4 minutes old, at now; delete each message whose pass ran (a pass is idempotent: no double start)',
    )
    .option('--queue-url <URL>', `the failure queue (default: ${failureQueueVariable})`)
    .option('--id <MESSAGE_ID...>', 'only these messages')
    .option('--at <ISO>', 'what "now" is for passes too old to act at their own instant (default: now)')
    .option('--json', 'print JSON (UTC instants)')
    .action(async (options: { queueUrl?: string; id?: string[]; at?: string; json?: boolean }) => {
      const now = parseInstantOption('--at', options.at, new Date());
      const queue = await queueOf(io, options.queueUrl);
      const results = await withDeps(io, (deps) => replayFailures(deps, queue, now, options.id));
      if (options.json) printJson(io, { replays: results.map(resultJson) });
      else if (results.length === 0) io.out('no failed invocations to replay');
      else {
        const paint = painter(io.isTty);
        io.out(
          renderTable(
            ['MESSAGE', 'PASS', 'RESULT', 'AT', 'MODELS'],
            results.map((result) => [
              result.failure.messageId,
              passText(result.failure),
              paint(result.result === 'replayed' ? 'green' : 'red', result.result),
              result.at?.toISOString() ?? '-',
              result.report
                ? result.report.outcomes.map((o) => `${o.model} ${o.action} ${o.result}`).join('; ') || '-'
                : (result.error ?? '-'),
            ]),
          ),
        );
      }
      const left = results.filter((result) => result.result !== 'replayed').length;
      if (left > 0)
        throw new ReplayFailedError(`${left} failed invocation(s) not replayed; their messages stay`);
    });
};

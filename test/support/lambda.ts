import type { Context, ScheduledEvent } from 'aws-lambda';

/**
 * What the Lambda functions receive, built as AWS delivers it: the context, the reconcile rule's
 * scheduled event and a shift edge's schedule input.
 */

/** What Lambda passes as the context, as far as middy's timeout and Powertools' logger read it. */
export const lambdaContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-central-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: `request-${functionName}`,
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: '2027/03/26/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 60_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
});

/** An EventBridge scheduled event of the reconcile rule at `time` (ISO 8601). */
export const scheduledEvent = (time: string): ScheduledEvent => ({
  version: '0',
  id: 'c0ffee00-0000-4000-8000-000000000000',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time,
  region: 'eu-central-1',
  resources: ['arn:aws:events:eu-central-1:123456789012:rule/model-shift-scheduler-dev-reconcile'],
  detail: {},
});

/** What a shift edge's EventBridge Scheduler schedule delivers: its schedule, edge, shifts and scheduled minute. */
export const shiftEdgeInput = (
  schedule: string,
  edge: 'start' | 'stop',
  shifts: readonly string[],
  scheduledTime: Date,
) => ({ schedule, edge, shifts: [...shifts], scheduledTime: scheduledTime.toISOString() });

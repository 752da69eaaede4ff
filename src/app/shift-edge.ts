import { z } from 'zod';
import { type PassReport, type ReconcileDeps, reconcile } from './reconcile.ts';

/** The input an EventBridge Scheduler schedule of a shift edge sends (see deploy/shift-schedules.cjs). */
export const shiftEdgeEventSchema = z.object({
  schedule: z.string().min(1),
  edge: z.enum(['start', 'stop']),
  shifts: z.array(z.string()).default([]),
  /** `<aws.scheduler.scheduled-time>`: the minute the edge is for, whenever the invocation runs. */
  scheduledTime: z.iso.datetime({ offset: true }),
});
export type ShiftEdgeEvent = z.infer<typeof shiftEdgeEventSchema>;

/**
 * How late an edge may run and still act at its scheduled minute. A retried invocation later than
 * this would decide for a past instant (and could start a model whose shift is over): it is skipped,
 * and the reconcile tick, which decides at its own time, covers the edge.
 */
export const edgeToleranceMs = 4 * 60 * 1000;

/**
 * One pass for the models of the edge's schedule at the edge's scheduled time. Resolves to
 * undefined when the edge is stale (see {@link edgeToleranceMs}).
 */
export const reconcileEdge = async (
  deps: ReconcileDeps,
  edge: ShiftEdgeEvent,
  now: Date,
): Promise<PassReport | undefined> => {
  const at = new Date(edge.scheduledTime);
  if (now.getTime() - at.getTime() > edgeToleranceMs) return undefined;
  const shifts = edge.shifts.length > 0 ? ` (${edge.shifts.join(', ')})` : '';
  return reconcile(deps, { at, trigger: `${edge.edge} ${edge.schedule}${shifts}`, schedule: edge.schedule });
};

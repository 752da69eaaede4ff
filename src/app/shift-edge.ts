import * as z from 'zod';
import { type PassReport, type ReconcileDeps, reconcileOnTime } from './reconcile.ts';

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
 * One pass for the models of the edge's schedule at the edge's scheduled time. Resolves to
 * undefined when the edge arrives too late to act at that minute (see {@link reconcileOnTime}):
 * the reconcile tick, which decides at its own time, covers it.
 */
export const reconcileEdge = async (
  deps: ReconcileDeps,
  edge: ShiftEdgeEvent,
  now: Date,
): Promise<PassReport | undefined> => {
  const shifts = edge.shifts.length > 0 ? ` (${edge.shifts.join(', ')})` : '';
  return reconcileOnTime(
    deps,
    {
      at: new Date(edge.scheduledTime),
      trigger: `${edge.edge} ${edge.schedule}${shifts}`,
      schedule: edge.schedule,
    },
    now,
  );
};

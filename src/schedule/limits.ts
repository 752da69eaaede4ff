/**
 * How far the engine looks around a query, and the longest lead, tied together: a run's start
 * action and id must not depend on where a query begins.
 */

/** The longest lead a shifts.yml may set, in days (`MAX_LEAD_MINUTES` in config.ts). */
export const MAX_LEAD_DAYS = 1;

/**
 * How far before a query the engine looks for the first window of a chain of back-to-back windows
 * (windows closer than the lead run on as one), so that a run's id and start do not depend on where
 * the query begins: a week, the longest chain of a weekly schedule that has any break longer than
 * the lead, plus the longest lead. A chain that is hosted without such a break (a 24/7 schedule) is
 * cut at the look-back edge: its run then starts, and its id is anchored, at the first window after
 * that edge, which moves with the query.
 */
export const RUN_LOOK_BACK_DAYS = 7 + MAX_LEAD_DAYS;
/**
 * How far after a query the engine follows a chain to find where its run ends (same caveat), and
 * looks for the windows whose lead starts inside the query.
 */
export const RUN_LOOK_AHEAD_DAYS = RUN_LOOK_BACK_DAYS;

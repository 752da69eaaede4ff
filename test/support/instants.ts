/**
 * Named fixed instants. Most scenarios run on Friday 26 March 2027 in Berlin, on the INTERFACE.md
 * example: still winter time (+01:00), two days before the clocks spring forward. pcb-line-1 runs
 * early + late as one run, 05:40–22:00 (20 min lead); night-inspection runs from 21:30 (30 min
 * lead) to Saturday 06:00.
 */

/** A Berlin wall-clock time (`HH:MM`) on Friday 2027-03-26, at +01:00. */
export const berlinFriday = (hhmm: string): Date => new Date(`2027-03-26T${hhmm}:00+01:00`);

/** A Berlin wall-clock time (`HH:MM`) on Saturday 2027-03-27, at +01:00. */
export const berlinSaturday = (hhmm: string): Date => new Date(`2027-03-27T${hhmm}:00+01:00`);

/** 05:40 Berlin: the example's start of pcb-line-1, 20 minutes ahead of the early shift. */
export const fridayEarlyLead = berlinFriday('05:40');

/** 06:00 Berlin: the early shift begins. */
export const fridayEarlyStart = berlinFriday('06:00');

/** 22:00 Berlin: the late shift ends, and with it pcb-line-1's run. */
export const fridayLateEnd = berlinFriday('22:00');

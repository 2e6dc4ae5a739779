/**
 * The clock rotation reads. AIN_MONITORING_NOW (an ISO instant) pins it, so tests and a
 * reproducible plan can say what "now" is; otherwise it is the real time.
 */
export function now(): Date {
  const pinned = process.env.AIN_MONITORING_NOW;
  if (!pinned) return new Date();
  const date = new Date(pinned);
  if (Number.isNaN(date.getTime())) throw new Error(`AIN_MONITORING_NOW: expected an ISO date-time such as 2026-11-25T12:00:00Z, got '${pinned}'`);
  return date;
}

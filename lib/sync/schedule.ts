/** When to check a sync source: the interval, jittered so that readers do not all ask at once. */

/** A day, the default time between checks. */
export const DEFAULT_INTERVAL_MINUTES = 24 * 60;
/** The shortest interval allowed (browsers do not fire alarms more often than this anyway). */
export const MIN_INTERVAL_MINUTES = 1;

/** Minutes until the next check: the interval, give or take a quarter, never under a minute. */
export function jitteredDelayMinutes(intervalMinutes: number, random: () => number = Math.random): number {
  const interval = Math.max(MIN_INTERVAL_MINUTES, intervalMinutes);
  return Math.max(MIN_INTERVAL_MINUTES, interval * (0.75 + 0.5 * random()));
}

/** Whether a check is due: never checked, or the last one is an interval old. */
export function checkIsDue(lastCheck: string | undefined, intervalMinutes: number, now: Date): boolean {
  if (!lastCheck) return true;
  const at = Date.parse(lastCheck);
  return !Number.isFinite(at) || now.getTime() - at >= intervalMinutes * 60_000 || at > now.getTime();
}

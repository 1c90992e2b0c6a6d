import cronParser from "cron-parser";

export type CronCheck = { ok: true } | { ok: false; message: string };

/** Five-field cron in UTC, the form pg-boss and the UI use; seconds and nicknames are refused to keep one form. */
export function checkCron(expression: string): CronCheck {
  if (expression.trim().split(/\s+/).length !== 5) return { ok: false, message: "Expected five cron fields: minute hour day month weekday." };
  try {
    cronParser.parseExpression(expression, { tz: "UTC" });
    return { ok: true };
  } catch (error) {
    return { ok: false, message: `Not a cron expression: ${(error as Error).message}` };
  }
}

/** The next `count` runs after `after`. */
export function nextRuns(expression: string, after: Date, count: number): Date[] {
  const iterator = cronParser.parseExpression(expression, { currentDate: after, tz: "UTC" });
  return Array.from({ length: count }, () => iterator.next().toDate());
}

/** The latest run due at or before `now`, or null when none is due since `since`. */
export function dueRun(expression: string, since: Date, now: Date): Date | null {
  const next = nextRuns(expression, since, 1)[0]!;
  return next.getTime() <= now.getTime() ? cronParser.parseExpression(expression, { currentDate: new Date(now.getTime() + 1), tz: "UTC" }).prev().toDate() : null;
}

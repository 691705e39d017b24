// The next time a cron expression (node-cron syntax, seconds optional) fires
// after a given time, computed rather than scheduled: the monitor keeps one
// timer for every VM, so it needs times, not node-cron's own timers.
import cron, { type ScheduledTask } from 'node-cron';

/** Days searched ahead at most (a pattern that never fires gives up). */
const HORIZON_DAYS = 366 * 4;
const tasks = new Map<string, { task: ScheduledTask; fields: ReturnType<typeof cron.parse> }>();
const TASKS_MAX = 256;

function compiled(expr: string) {
  let c = tasks.get(expr);
  if (!c) {
    // Never started: only its parser and match() are used.
    c = { task: cron.createTask(expr, () => undefined), fields: cron.parse(expr) };
    if (tasks.size >= TASKS_MAX) {
      const [old, v] = tasks.entries().next().value!;
      tasks.delete(old);
      void v.task.destroy();
    }
    tasks.set(expr, c);
  }
  return c;
}

/** Whether node-cron takes the expression. */
export function validCron(expr: string): boolean {
  return cron.validate(expr);
}

/** The first firing strictly after `now` (ms, local time); undefined when none within the horizon. */
export function nextCron(expr: string, now: number): number | undefined {
  const { task, fields } = compiled(expr);
  const asc = (a: number[]) => [...new Set(a)].sort((x, y) => x - y);
  const [hours, minutes, seconds] = [asc(fields.hour), asc(fields.minute), asc(fields.second)];
  const day = new Date(now);
  day.setHours(0, 0, 0, 0);
  for (let d = 0; d < HORIZON_DAYS; d++, day.setDate(day.getDate() + 1)) {
    const first = new Date(day);
    first.setHours(hours[0]!, minutes[0]!, seconds[0]!);
    // A day it does not fire on at its first time of day does not fire at all (the day fields decide).
    if (!task.match(first)) continue;
    for (const h of hours)
      for (const m of minutes)
        for (const s of seconds) {
          const at = new Date(day);
          at.setHours(h, m, s, 0);
          if (at.getTime() > now) return at.getTime();
        }
  }
  return undefined;
}

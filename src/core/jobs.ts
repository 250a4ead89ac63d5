import type { Logger } from './log.ts';

/** A task the scheduler runs every `intervalMs`. */
export interface ScheduledTask {
  name: string;
  intervalMs: number;
  run(): Promise<void>;
}

/**
 * Runs tasks at fixed intervals inside `treff serve`: each first after `firstDelayMs` (a
 * catch-up after a restart), then every interval; a task never overlaps itself (a run that takes
 * longer than its interval delays the next one); a failing run is logged and retried at the next
 * tick. Own code rather than a cron library: the jobs need intervals, not calendar expressions,
 * and a timer per task is all that takes. Returns a function that stops all timers.
 */
export function startScheduler(
  tasks: readonly ScheduledTask[],
  options: { log: Logger; firstDelayMs?: number; staggerMs?: number },
): () => void {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  // A function, so that the check after an await reads the flag anew.
  const isStopped = (): boolean => stopped;
  for (const [index, task] of tasks.entries()) {
    const tick = async (): Promise<void> => {
      if (isStopped()) return;
      try {
        await task.run();
      } catch (error) {
        options.log.error(
          { event: 'scheduler.task.failed', task: task.name, err: error },
          'scheduled task failed',
        );
      }
      if (isStopped()) return;
      const timer = setTimeout(() => void tick(), task.intervalMs);
      timer.unref();
      timers.add(timer);
    };
    // Spread the first runs a little so they do not all hit the database at once.
    const timer = setTimeout(
      () => void tick(),
      (options.firstDelayMs ?? 10_000) + index * (options.staggerMs ?? 1000),
    );
    timer.unref();
    timers.add(timer);
  }
  return () => {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };
}

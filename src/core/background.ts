import type { Logger } from './log.ts';

/**
 * Work that runs after the response has gone out, so that what a request does afterwards
 * (sending a mail, or not) shows neither in its answer nor in its timing.
 */
export interface Background {
  /** Starts `task` on a later turn of the event loop; its error is logged under `name`, never thrown. */
  run(name: string, task: () => Promise<void>): void;
  /** Resolves once every task started so far (and any they started) has finished. */
  settle(): Promise<void>;
}

/** Creates a {@link Background} that logs failures to `log`. */
export function createBackground(log: Logger): Background {
  const pending = new Set<Promise<void>>();
  return {
    run(name, task) {
      const done: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(task)
        .catch((error: unknown) => {
          log.error({ err: error, task: name }, 'background task failed');
        })
        .finally(() => pending.delete(done));
      pending.add(done);
    },
    async settle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

/**
 * Retention (RETENTION_DAYS): stored conversation state, feedback and unanswered records, and the
 * Direct Line log are deleted once older than the retention period, by a job that runs at start
 * and then every RETENTION_SWEEP_MINUTES on an unref'd timer (it never keeps the process alive).
 * Each store says what "older" means for it (last write for state, the record's time for records)
 * through purgeBefore(cutoffMs). A failing store is logged and the others still run.
 */
import type { Logger } from 'pino';

export interface Retainable {
  purgeBefore(cutoffMs: number): number | Promise<number>;
}

export interface RetentionOptions {
  targets: Record<string, Retainable | undefined>;
  retentionMs: number;
  intervalMs: number;
  logger: Logger;
  now?: () => number;
  /** Sweep once right away (default true). */
  runAtStart?: boolean;
}

export interface RetentionJob {
  /** One sweep now; resolves to the rows deleted per store. */
  runOnce(): Promise<Record<string, number>>;
  stop(): void;
}

/** A store has a retention cut when it implements purgeBefore (SQLite stores, bounded memory lists). */
export function retainable(x: unknown): Retainable | undefined {
  return x && typeof (x as Retainable).purgeBefore === 'function' ? (x as Retainable) : undefined;
}

export function startRetention(opts: RetentionOptions): RetentionJob {
  const now = opts.now ?? Date.now;
  let running: Promise<Record<string, number>> | undefined;
  const runOnce = async (): Promise<Record<string, number>> => {
    const cutoff = now() - opts.retentionMs;
    const deleted: Record<string, number> = {};
    for (const [name, t] of Object.entries(opts.targets)) {
      if (!t) continue;
      try {
        deleted[name] = await t.purgeBefore(cutoff);
      } catch (err) {
        opts.logger.error({ err, store: name }, 'retention: could not purge');
      }
    }
    if (Object.values(deleted).some((n) => n > 0)) opts.logger.info({ deleted, cutoff: new Date(cutoff).toISOString() }, 'retention: old data deleted');
    return deleted;
  };
  const tick = () => {
    running ??= runOnce().finally(() => {
      running = undefined;
    });
  };
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  if (opts.runAtStart !== false) tick();
  return { runOnce, stop: () => clearInterval(timer) };
}

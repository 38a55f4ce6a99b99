/**
 * Notifications about cases (created, changed, a new message), for the staff console's live
 * updates (SSE). Listeners get ids only and re-read what they show, so a missed or repeated event
 * never shows stale data. Within one process they are plain callbacks; with PostgreSQL several
 * processes share them through LISTEN/NOTIFY (pg-events.ts sets the publisher and dispatches what
 * other processes sent).
 */
import type { CaseId } from './model';

export type CaseEvent = { type: 'created' | 'updated' | 'message'; caseId: CaseId; at: string };
export type CaseListener = (e: CaseEvent) => void;

export class CaseEvents {
  private readonly listeners = new Set<CaseListener>();
  private publisher?: (e: CaseEvent) => void;

  on(l: CaseListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Something happened here: tell this process's listeners and the other processes. */
  emit(type: CaseEvent['type'], caseId: CaseId): void {
    const e: CaseEvent = { type, caseId, at: new Date().toISOString() };
    this.dispatch(e);
    this.publisher?.(e);
  }

  /** Tell this process's listeners (an event from here or from another process). */
  dispatch(e: CaseEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A broken listener (a closed stream) must not stop the others.
      }
    }
  }

  setPublisher(p: ((e: CaseEvent) => void) | undefined): void {
    this.publisher = p;
  }

  get size(): number {
    return this.listeners.size;
  }
}

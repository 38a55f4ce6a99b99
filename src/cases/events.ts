/**
 * In-process notifications about cases (created, changed, a new message), for the staff console's
 * live updates (SSE). Listeners get ids only and re-read what they show, so a missed or repeated
 * event never shows stale data. One process; several processes would need a shared bus.
 */
import type { CaseId } from './model';

export type CaseEvent = { type: 'created' | 'updated' | 'message'; caseId: CaseId; at: string };
export type CaseListener = (e: CaseEvent) => void;

export class CaseEvents {
  private readonly listeners = new Set<CaseListener>();

  on(l: CaseListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  emit(type: CaseEvent['type'], caseId: CaseId): void {
    const e: CaseEvent = { type, caseId, at: new Date().toISOString() };
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A broken listener (a closed stream) must not stop the others.
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}

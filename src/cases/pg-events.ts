/**
 * Case events across processes on PostgreSQL: every process LISTENs on one channel per schema and
 * NOTIFYs what happens locally, tagged with its own origin so it does not hear itself twice. A
 * staff member's console on one process then sees a case created on another. The listening
 * connection reconnects after an error (with a pause); events in that gap are missed, which the
 * console survives (it re-reads on the next event and on reload).
 */
import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { CaseEvent, CaseEvents } from './events';
import { CASE_ID_PATTERN } from './model';

export interface PgEventsBridge {
  close(): Promise<void>;
}

export async function bridgeCaseEvents(events: CaseEvents, pool: Pool, schema: string, onError?: (err: unknown) => void): Promise<PgEventsBridge> {
  const channel = `legal_aid_cases_${schema}`.slice(0, 63);
  const origin = randomBytes(8).toString('hex');
  let client: PoolClient | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const onNotification = (msg: { channel: string; payload?: string }) => {
    if (msg.channel !== channel || !msg.payload) return;
    try {
      const p = JSON.parse(msg.payload) as CaseEvent & { origin?: string };
      if (p.origin === origin || !CASE_ID_PATTERN.test(String(p.caseId)) || !['created', 'updated', 'message'].includes(p.type)) return;
      events.dispatch({ type: p.type, caseId: p.caseId, at: String(p.at) });
    } catch {
      // Not ours or malformed: ignore.
    }
  };

  async function connect(): Promise<void> {
    const c = await pool.connect();
    c.on('notification', onNotification);
    c.on('error', (err) => {
      onError?.(err);
      c.release(err);
      if (client === c) client = undefined;
      if (!closed) retry = setTimeout(() => void connect().catch(onError), 1000);
    });
    await c.query(`LISTEN "${channel}"`);
    client = c;
  }

  await connect();
  events.setPublisher((e) => {
    pool.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify({ ...e, origin })]).catch((err) => onError?.(err));
  });
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      events.setPublisher(undefined);
      const c = client;
      client = undefined;
      if (c) {
        await c.query(`UNLISTEN "${channel}"`).catch(() => undefined);
        c.release();
      }
    },
  };
}

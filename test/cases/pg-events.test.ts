/**
 * Case events between two processes' worth of connections on the real PostgreSQL: an event
 * emitted on one reaches the other's listeners once, and its own listeners once (not twice).
 */
import assert from 'node:assert/strict';
import { PgDb } from '../../src/cases/db';
import { CaseEvents } from '../../src/cases/events';
import { bridgeCaseEvents } from '../../src/cases/pg-events';
import type { CaseId } from '../../src/cases/model';
import { postgresDatabase } from './databases';

describe('case events over PostgreSQL LISTEN/NOTIFY', function () {
  this.timeout(20_000);
  it('reach the other process once and this process once', async () => {
    const tdb = postgresDatabase();
    const a = (await tdb.open()) as PgDb;
    const b = (await tdb.reopen()) as PgDb;
    const ea = new CaseEvents();
    const eb = new CaseEvents();
    const ba = await bridgeCaseEvents(ea, a.pool, a.schema);
    const bb = await bridgeCaseEvents(eb, b.pool, b.schema);
    const seenA: string[] = [];
    const seenB: string[] = [];
    ea.on((e) => seenA.push(`${e.type}:${e.caseId}`));
    eb.on((e) => seenB.push(`${e.type}:${e.caseId}`));
    try {
      ea.emit('created', 'c_aaaaaaaaaaaa' as CaseId);
      eb.emit('message', 'c_bbbbbbbbbbbb' as CaseId);
      const end = Date.now() + 5000;
      while ((seenA.length < 2 || seenB.length < 2) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(seenA.sort(), ['created:c_aaaaaaaaaaaa', 'message:c_bbbbbbbbbbbb']);
      assert.deepEqual(seenB.sort(), ['created:c_aaaaaaaaaaaa', 'message:c_bbbbbbbbbbbb']);
    } finally {
      await ba.close();
      await bb.close();
      await tdb.cleanup();
    }
  });
});

/**
 * The case store, one suite run against both real databases (SQLite file, PostgreSQL schema):
 * migrations, create/get/list, the queue order and position, claim races, transcript, transfer,
 * hand-back, close, rating, audit, and a restart that keeps waiting cases.
 */
import assert from 'node:assert/strict';
import type { SqlDb } from '../../src/cases/db';
import { MIGRATIONS, migrate } from '../../src/cases/migrations';
import { CaseConflictError, type CaseId, type NewCase } from '../../src/cases/model';
import { SqlCaseStore } from '../../src/cases/store';
import { DATABASES, type TestDatabase } from './databases';

export function newCase(over: Partial<NewCase> = {}): NewCase {
  return {
    channelId: 'directline',
    conversationId: `dl_${Math.random().toString(36).slice(2)}`,
    reference: { channelId: 'directline', conversation: { id: 'x', isGroup: false, conversationType: 'personal', name: '' } },
    locale: 'zh-CN',
    topic: 'labor',
    summary: { answers: { matter: '劳动争议' }, amounts: ['3万元'], dates: ['三个月'], urgency: [], line: '老板欠我三个月工资', district: { code: 'gulou', name: '鼓楼区' } },
    consentCallback: true,
    contact: '13800138000',
    transcript: [
      { at: '2026-01-01T00:00:00.000Z', kind: 'citizen', text: '老板欠我三个月工资' },
      { at: '2026-01-01T00:00:01.000Z', kind: 'bot', text: '……' },
    ],
    ...over,
  };
}

for (const make of DATABASES) {
  describe(`case store on ${make().name}`, function () {
    this.timeout(30_000);
    let tdb: TestDatabase;
    let db: SqlDb;
    let store: SqlCaseStore;

    beforeEach(async () => {
      tdb = make();
      db = await tdb.open();
      store = new SqlCaseStore(db);
    });
    afterEach(async () => {
      await tdb.cleanup();
    });

    it('records every migration once and applying them again changes nothing', async () => {
      const rows = await db.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(rows.map((r) => Number(r.version)), MIGRATIONS.map((m) => m.version));
      assert.deepEqual(await migrate(db), []);
    });

    it('creates a waiting case with its summary, contact and transcript, and reads it back', async () => {
      const c = await store.create(newCase());
      assert.match(c.id, /^c_/);
      assert.equal(c.status, 'waiting');
      assert.equal(c.urgent, false);
      assert.deepEqual(c.district, { code: 'gulou', name: '鼓楼区' });
      assert.equal(c.contact, '13800138000');
      assert.equal(c.consentCallback, true);
      assert.deepEqual(c.summary.amounts, ['3万元']);
      const full = await store.getWithTranscript(c.id);
      assert.deepEqual(full!.transcript.map((e) => e.kind), ['citizen', 'bot']);
      assert.equal(full!.transcript[0]!.text, '老板欠我三个月工资');
      assert.equal(await store.get('c_doesnotexist00' as CaseId), undefined);
    });

    it('keeps a case without contact when none was given', async () => {
      const c = await store.create(newCase({ consentCallback: false, contact: undefined }));
      assert.equal(c.contact, undefined);
      assert.equal(c.consentCallback, false);
    });

    it('orders the queue urgent first, then oldest, and gives each waiting case its position', async () => {
      const a = await store.create(newCase({ at: '2026-01-01T08:00:00.000Z' }));
      const b = await store.create(newCase({ at: '2026-01-01T09:00:00.000Z' }));
      const u = await store.create(
        newCase({ at: '2026-01-01T10:00:00.000Z', summary: { ...newCase().summary, urgency: [{ kind: 'deadline', evidence: '后天开庭' }] } }),
      );
      const list = await store.list({ status: 'waiting' });
      assert.deepEqual(list.map((c) => c.id), [u.id, a.id, b.id]);
      assert.equal(await store.queuePosition(u.id), 1);
      assert.equal(await store.queuePosition(a.id), 2);
      assert.equal(await store.queuePosition(b.id), 3);
      await store.claim(u.id, 'wang');
      assert.equal(await store.queuePosition(a.id), 1);
      assert.equal(await store.queuePosition(u.id), undefined);
    });

    it('filters by status, district and topic', async () => {
      await store.create(newCase());
      await store.create(newCase({ topic: 'family', summary: { ...newCase().summary, district: { code: 'tongshan', name: '铜山区' } } }));
      assert.equal((await store.list({ district: 'tongshan' })).length, 1);
      assert.equal((await store.list({ topic: 'family' })).length, 1);
      assert.equal((await store.list({ topic: 'labor', district: 'gulou' })).length, 1);
      assert.equal((await store.list({ status: 'closed' })).length, 0);
      assert.equal((await store.list({ status: ['waiting', 'active'] })).length, 2);
    });

    it('lets exactly one of many concurrent claims win', async () => {
      const c = await store.create(newCase());
      const staff = ['wang', 'li', 'zhao', 'sun', 'zhou', 'wu', 'zheng', 'feng'];
      // A second store over a second connection (pool) contends too, as two processes would.
      const other = new SqlCaseStore(await tdb.reopen());
      const results = await Promise.allSettled(staff.map((s, i) => (i % 2 ? other : store).claim(c.id, s)));
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(won.length, 1);
      assert.equal(lost.length, staff.length - 1);
      for (const l of lost) assert.ok(l.reason instanceof CaseConflictError, String(l.reason));
      const after = await store.get(c.id);
      assert.equal(after!.status, 'active');
      assert.equal(after!.assignee, (won[0] as PromiseFulfilledResult<{ assignee?: string }>).value.assignee);
    });

    it('stamps the first staff response and the last citizen message', async () => {
      const c = await store.create(newCase());
      await store.claim(c.id, 'wang', '2026-01-01T00:01:00.000Z');
      await store.append(c.id, { at: '2026-01-01T00:02:00.000Z', kind: 'staff', author: 'wang', text: '您好' });
      await store.append(c.id, { at: '2026-01-01T00:03:00.000Z', kind: 'staff', author: 'wang', text: '请说' });
      await store.append(c.id, { at: '2026-01-01T00:04:00.000Z', kind: 'citizen', text: '好的' });
      await store.append(c.id, { at: '2026-01-01T00:05:00.000Z', kind: 'note', author: 'wang', text: '内部备注' });
      const full = await store.getWithTranscript(c.id);
      assert.equal(full!.firstResponseAt, '2026-01-01T00:02:00.000Z');
      assert.equal(full!.lastCitizenAt, '2026-01-01T00:04:00.000Z');
      assert.deepEqual(full!.notes.map((n) => n.text), ['内部备注']);
      assert.ok(!full!.transcript.some((e) => e.kind === 'note'), 'notes are not part of the transcript');
    });

    it('transfers only from the holder, hands back only when active, and closes once', async () => {
      const c = await store.create(newCase());
      await assert.rejects(store.handBack(c.id, 'wang'), CaseConflictError);
      await store.claim(c.id, 'wang');
      await assert.rejects(store.transfer(c.id, 'li', 'zhao'), CaseConflictError);
      assert.equal((await store.transfer(c.id, 'wang', 'li')).assignee, 'li');
      await assert.rejects(store.handBack(c.id, 'wang'), CaseConflictError);
      const back = await store.handBack(c.id, 'li');
      assert.equal(back.status, 'returned');
      assert.equal(back.awaitingRating, true);
      assert.equal((await store.findForConversation(c.channelId, c.conversationId))!.id, c.id);
      await store.rate(c.id, { score: 4, comment: '很耐心' });
      const rated = await store.get(c.id);
      assert.deepEqual(rated!.rating, { score: 4, comment: '很耐心' });
      assert.equal(rated!.awaitingRating, false);
      assert.equal(await store.findForConversation(c.channelId, c.conversationId), undefined);
      const closed = await store.close(c.id, 'answered');
      assert.equal(closed.outcome, 'answered');
      await assert.rejects(store.close(c.id, 'mediation'), CaseConflictError);
      assert.equal((await store.list({ status: 'closed' })).length, 1);
    });

    it('finds the open case of a conversation, and not a cancelled one', async () => {
      const c = await store.create(newCase());
      assert.equal((await store.findForConversation('directline', c.conversationId))!.id, c.id);
      assert.equal(await store.findForConversation('wechat', c.conversationId), undefined);
      await store.close(c.id, 'cancelled');
      assert.equal(await store.findForConversation('directline', c.conversationId), undefined);
    });

    it('keeps an audit log per case', async () => {
      const c = await store.create(newCase());
      await store.audit({ at: '2026-01-01T00:00:00.000Z', actor: 'wang', action: 'open', caseId: c.id });
      await store.audit({ at: '2026-01-01T00:00:01.000Z', actor: 'wang', action: 'claim', caseId: c.id });
      await store.audit({ at: '2026-01-01T00:00:02.000Z', actor: 'admin', action: 'login' });
      assert.deepEqual((await store.auditLog(c.id)).map((e) => e.action), ['claim', 'open']);
      assert.equal((await store.auditLog()).length, 3);
    });

    it('keeps waiting cases across a restart', async () => {
      const a = await store.create(newCase());
      const b = await store.create(newCase());
      await store.claim(b.id, 'wang');
      await db.close();
      const again = new SqlCaseStore(await tdb.reopen());
      const waiting = await again.list({ status: 'waiting' });
      assert.deepEqual(waiting.map((c) => c.id), [a.id]);
      assert.equal((await again.getWithTranscript(a.id))!.transcript.length, 2);
      assert.equal((await again.get(b.id))!.assignee, 'wang');
    });
  });
}

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryFeedbackSink, MemoryUnansweredSink } from '../../src/dialogs/sinks';
import {
  BoundedFeedbackSink,
  BoundedMemoryStorage,
  BoundedUnansweredSink,
  createRecordSinks,
  createStorage,
  parseStoreSpec,
  SqliteFeedbackSink,
  SqliteStorage,
  SqliteUnansweredSink,
  StateStoreConfigError,
  StorageConflictError,
} from '../../src/state';

describe('state storage', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'state-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('SqliteStorage (Bot Framework Storage)', () => {
    it('reads what it wrote, with an eTag; missing keys are absent', async () => {
      const s = new SqliteStorage(join(dir, 'a.db'));
      await s.write({ k1: { n: 1, nested: { x: '中文😀' } }, k2: { n: 2 } });
      const r = await s.read(['k1', 'k2', 'nope']);
      assert.deepEqual(Object.keys(r).sort(), ['k1', 'k2']);
      assert.equal(r.k1.nested.x, '中文😀');
      assert.equal(typeof r.k1.eTag, 'string');
      s.close();
    });

    it('survives a new instance over the same file (a process restart)', async () => {
      const file = join(dir, 'nested/dir/state.db');
      const a = new SqliteStorage(file);
      await a.write({ conv: { step: 'art32', slots: { matter: 'pay' } } });
      a.close();
      const b = new SqliteStorage(file);
      assert.deepEqual((await b.read(['conv'])).conv.slots, { matter: 'pay' });
      b.close();
    });

    it('optimistic concurrency: a stale eTag fails, "*" and none overwrite', async () => {
      const s = new SqliteStorage(join(dir, 'c.db'));
      await s.write({ k: { v: 1 } });
      const first = (await s.read(['k'])).k;
      await s.write({ k: { ...first, v: 2 } });
      await assert.rejects(s.write({ k: { ...first, v: 3 } }), StorageConflictError);
      assert.equal((await s.read(['k'])).k.v, 2);
      await s.write({ k: { v: 4, eTag: '*' } });
      await s.write({ k: { v: 5 } });
      assert.equal((await s.read(['k'])).k.v, 5);
      s.close();
    });

    it('a failed batch writes nothing', async () => {
      const s = new SqliteStorage(join(dir, 'd.db'));
      await s.write({ a: { v: 1 } });
      const stale = (await s.read(['a'])).a;
      await s.write({ a: { ...stale, v: 2 } });
      await assert.rejects(s.write({ fresh: { v: 1 }, a: { ...stale, v: 3 } }));
      assert.deepEqual(await s.read(['fresh']), {});
      s.close();
    });

    it('deletes', async () => {
      const s = new SqliteStorage(join(dir, 'e.db'));
      await s.write({ a: { v: 1 }, b: { v: 2 } });
      await s.delete(['a', 'nope']);
      assert.deepEqual(Object.keys(await s.read(['a', 'b'])), ['b']);
      s.close();
    });
  });

  describe('STATE_STORE', () => {
    it('memory (default) and sqlite:<file>', () => {
      assert.deepEqual(parseStoreSpec('memory'), { kind: 'memory' });
      assert.deepEqual(parseStoreSpec(''), { kind: 'memory' });
      const p = parseStoreSpec('sqlite:data/x.db');
      assert.equal(p.kind, 'sqlite');
      assert.ok(p.kind === 'sqlite' && p.file.endsWith('data/x.db'));
      assert.ok(createStorage('memory') instanceof BoundedMemoryStorage);
      const s = createStorage(`sqlite:${join(dir, 's.db')}`);
      assert.ok(s instanceof SqliteStorage);
      (s as SqliteStorage).close();
    });
    it('unknown or not-yet-supported stores are a clear error', () => {
      assert.throws(() => parseStoreSpec('redis://localhost:6379'), (e: unknown) => e instanceof StateStoreConfigError && /not available yet/.test((e as Error).message));
      assert.throws(() => parseStoreSpec('mongo://x'), StateStoreConfigError);
      assert.throws(() => parseStoreSpec('sqlite:'), StateStoreConfigError);
    });
    it('record sinks follow the same spec', () => {
      const m = createRecordSinks('memory');
      assert.ok(m.feedback instanceof BoundedFeedbackSink && m.unanswered instanceof BoundedUnansweredSink);
      const s = createRecordSinks(`sqlite:${join(dir, 'r.db')}`);
      assert.ok(s.feedback instanceof SqliteFeedbackSink && s.unanswered instanceof SqliteUnansweredSink);
      (s.feedback as SqliteFeedbackSink).close();
      (s.unanswered as SqliteUnansweredSink).close();
    });
  });

  describe('record sinks', () => {
    const variants = [
      ['memory', (_f: string) => ({ feedback: new MemoryFeedbackSink(), unanswered: new MemoryUnansweredSink(), close() {} })],
      ['bounded memory', (_f: string) => ({ feedback: new BoundedFeedbackSink(100), unanswered: new BoundedUnansweredSink(100), close() {} })],
      [
        'sqlite',
        (f: string) => {
          const feedback = new SqliteFeedbackSink(f);
          const unanswered = new SqliteUnansweredSink(f);
          return { feedback, unanswered, close: () => (feedback.close(), unanswered.close()) };
        },
      ],
    ] as const;
    for (const [name, make] of variants) {
      it(`${name}: stores masked text, lists newest first, filters by time`, async () => {
        const s = make(join(dir, 'rec.db'));
        await s.unanswered.record({ at: '2026-01-01T00:00:00.000Z', question: '我电话13812345678，身份证320311199001011234', reason: 'no-match', candidates: [], locale: 'zh-CN', channelId: 'test' });
        await s.unanswered.record({ at: '2026-02-01T00:00:00.000Z', question: 'q2'.repeat(1000), reason: 'weak', candidates: ['a', 'b'], locale: 'en', channelId: 'wechat' });
        const list = await s.unanswered.list();
        assert.equal(list.length, 2);
        assert.equal(list[0]!.reason, 'weak');
        assert.deepEqual(list[0]!.candidates, ['a', 'b']);
        assert.ok(list[0]!.question.length <= 500);
        assert.ok(!list[1]!.question.includes('13812345678'), list[1]!.question);
        assert.ok(!list[1]!.question.includes('320311199001011234'));
        assert.equal((await s.unanswered.list({ since: '2026-01-15T00:00:00.000Z' })).length, 1);

        await s.feedback.record({ at: '2026-03-01T00:00:00.000Z', entryId: 'labor-wage-arrears', helpful: true, locale: 'zh-CN', channelId: 'test', question: '打 13912345678 找我' });
        await s.feedback.record({ at: '2026-03-02T00:00:00.000Z', entryId: 'family-divorce', helpful: false, locale: 'en', channelId: 'test' });
        const fb = await s.feedback.list({ limit: 10 });
        assert.deepEqual(fb.map((f) => [f.entryId, f.helpful]), [['family-divorce', false], ['labor-wage-arrears', true]]);
        assert.ok(!fb[1]!.question!.includes('13912345678'));
        assert.equal((await s.feedback.list({ limit: 1 })).length, 1);
        s.close();
      });
    }
  });
});

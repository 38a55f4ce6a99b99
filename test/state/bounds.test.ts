import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import pino from 'pino';
import { BoundedUnansweredSink, createRecordSinks, createStorage, SqliteStorage, SqliteUnansweredSink, StorageConflictError } from '../../src/state';
import { BoundedMemoryStorage } from '../../src/state/memory-storage';
import { startRetention } from '../../src/state/retention';

describe('D7: in-memory stores are bounded', () => {
  it('memory state keeps at most maxItems conversations (least recently used go first)', async () => {
    const s = createStorage('memory', { maxItems: 1000, ttlMs: 3600_000 }) as BoundedMemoryStorage;
    for (let i = 0; i < 40_000; i++) await s.write({ [`test/conversations/c${i}`]: { dialog: { step: 'ask', n: i } } });
    assert.equal(s.size, 1000);
    assert.deepEqual(Object.keys(await s.read(['test/conversations/c0', 'test/conversations/c39999'])), ['test/conversations/c39999']);
  });

  it('memory state forgets an item its TTL after last use, and keeps eTag semantics', async () => {
    const s = new BoundedMemoryStorage({ maxItems: 10, ttlMs: 60 });
    await s.write({ k: { v: 1 } });
    const { k } = await s.read(['k']);
    await assert.rejects(s.write({ k: { v: 2, eTag: 'stale' } }), StorageConflictError);
    await s.write({ k: { ...k, v: 3 } });
    assert.equal((await s.read(['k'])).k.v, 3);
    await sleep(120);
    assert.deepEqual(await s.read(['k']), {});
  });

  it('memory record lists keep the newest N', async () => {
    const { unanswered } = createRecordSinks('memory', 50);
    for (let i = 0; i < 500; i++) {
      await unanswered.record({ at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), question: `q${i}`, reason: 'no-match', candidates: [], locale: 'zh-CN', channelId: 'test' });
    }
    assert.equal((unanswered as BoundedUnansweredSink).records.length, 50);
    assert.equal((await unanswered.list({ limit: 1 }))[0]!.question, 'q499');
  });
});

describe('retention (RETENTION_DAYS)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ret-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a scheduled job deletes state and records older than the retention period, and keeps newer ones', async () => {
    const file = join(dir, 'state.db');
    const storage = new SqliteStorage(file);
    const unanswered = new SqliteUnansweredSink(file);
    const memory = new BoundedUnansweredSink(100);
    const day = 24 * 3600_000;
    const now = Date.now();
    await storage.write({ old: { v: 1 }, fresh: { v: 2 } });
    // Backdate one row as if written 40 days ago.
    new Database(file).prepare('UPDATE bot_state SET updated_at = ? WHERE key = ?').run(now - 40 * day, 'old');
    for (const sink of [unanswered, memory]) {
      await sink.record({ at: new Date(now - 40 * day).toISOString(), question: 'old', reason: 'no-match', candidates: [], locale: 'zh-CN', channelId: 't' });
      await sink.record({ at: new Date(now).toISOString(), question: 'new', reason: 'no-match', candidates: [], locale: 'zh-CN', channelId: 't' });
    }
    const job = startRetention({ targets: { state: storage, unanswered, memory }, retentionMs: 30 * day, intervalMs: 3600_000, logger: pino({ level: 'silent' }), runAtStart: false });
    const deleted = await job.runOnce();
    job.stop();
    assert.deepEqual(deleted, { state: 1, unanswered: 1, memory: 1 });
    assert.deepEqual(Object.keys(await storage.read(['old', 'fresh'])), ['fresh']);
    assert.deepEqual((await unanswered.list()).map((r) => r.question), ['new']);
    assert.deepEqual((await memory.list()).map((r) => r.question), ['new']);
    storage.close();
    unanswered.close();
  });

  it('runs on its own timer without keeping the process alive', async () => {
    let runs = 0;
    const job = startRetention({ targets: { t: { purgeBefore: () => ++runs } }, retentionMs: 1, intervalMs: 20, logger: pino({ level: 'silent' }) });
    await sleep(75);
    job.stop();
    assert.ok(runs >= 3, `ran ${runs} times`);
  });
});

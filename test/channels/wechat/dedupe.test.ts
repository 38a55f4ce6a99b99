import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryDedupeStore } from '../../../src/channels/wechat/dedupe';
import { SqliteExpiringStore } from '../../../src/state/expiring';

describe('wechat dedupe store (memory)', () => {
  let store: MemoryDedupeStore;
  let now = 1_000_000;
  beforeEach(() => {
    now = 1_000_000;
    store = new MemoryDedupeStore({ ttlMs: 60_000, clock: () => now });
  });
  afterEach(() => store.close());

  it('lets exactly one attempt run the turn and hands the reply to every attempt still waiting', async () => {
    const a = await store.attach('k', 1000);
    const b = await store.attach('k', 1000);
    const c = await store.attach('k', 1000);
    assert.deepEqual([a.first, b.first, c.first], [true, false, false]);
    assert.deepEqual(await store.complete('k', 'answer'), { passive: true });
    for (const x of [a, b, c]) assert.deepEqual(await x.outcome, { kind: 'reply', reply: 'answer' });
  });

  it('a retry arriving while the turn runs waits for it and answers passively', async () => {
    const first = await store.attach('k', 20); // the first try gives up quickly
    assert.deepEqual(await first.outcome, { kind: 'none' });
    const retry = await store.attach('k', 1000);
    assert.equal(retry.first, false);
    setTimeout(() => void store.complete('k', 'late but in time'), 30);
    assert.deepEqual(await retry.outcome, { kind: 'reply', reply: 'late but in time' });
  });

  it('when nobody waits, the caller delivers; later retries get nothing to answer', async () => {
    const first = await store.attach('k', 10);
    assert.deepEqual(await first.outcome, { kind: 'none' });
    assert.deepEqual(await store.complete('k', 'via customer service'), { passive: false });
    const retry = await store.attach('k', 1000);
    assert.equal(retry.first, false);
    assert.deepEqual(await retry.outcome, { kind: 'none' });
  });

  it('resends a passive reply to a retry after completion (the first response was lost)', async () => {
    const first = await store.attach('k', 1000);
    await store.complete('k', 'hello');
    await first.outcome;
    const retry = await store.attach('k', 1000);
    assert.deepEqual(await retry.outcome, { kind: 'reply', reply: 'hello' });
  });

  it('does not hand the reply to an attempt whose client hung up', async () => {
    const ac = new AbortController();
    const first = await store.attach('k', 1000, ac.signal);
    ac.abort();
    assert.deepEqual(await first.outcome, { kind: 'none' });
    assert.deepEqual(await store.complete('k', 'x'), { passive: false });
  });

  it('a turn with nothing to say releases the waiters at once', async () => {
    const first = await store.attach('k', 10_000);
    const t0 = Date.now();
    await store.complete('k', null);
    assert.deepEqual(await first.outcome, { kind: 'none' });
    assert.ok(Date.now() - t0 < 1000);
  });

  it('forgets finished keys after the TTL, so the same key is new again', async () => {
    await store.attach('k', 0);
    await store.complete('k', 'x');
    now += 59_000;
    assert.equal((await store.attach('k', 0)).first, false);
    now += 2_000;
    assert.equal((await store.attach('k', 0)).first, true);
  });

  it('keeps memory bounded', async () => {
    const small = new MemoryDedupeStore({ maxEntries: 100, clock: () => now });
    for (let i = 0; i < 1000; i++) {
      await small.attach(`k${i}`, 0);
      await small.complete(`k${i}`, 'x');
    }
    assert.ok(small.size <= 100, `size ${small.size}`);
    await small.close();
  });
});

describe('wechat dedupe store persisted in SQLite (restart, kill -9)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dedupe-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a message answered before the restart is not answered again; its passive reply is resent', async () => {
    const file = join(dir, 'state.db');
    const before = new MemoryDedupeStore({ persist: new SqliteExpiringStore(file, 'wechat-dedupe') });
    const a = await before.attach('k', 1000);
    assert.equal(a.first, true);
    await before.complete('k', '您在铜山区');
    await before.close(); // the process is gone; only the file remains
    const after = new MemoryDedupeStore({ persist: new SqliteExpiringStore(file, 'wechat-dedupe') });
    const retry = await after.attach('k', 1000);
    assert.equal(retry.first, false);
    assert.deepEqual(await retry.outcome, { kind: 'reply', reply: '您在铜山区' });
    await after.close();
  });

  it('a turn that was still running when the process died runs again on the retry', async () => {
    const file = join(dir, 'state.db');
    const before = new MemoryDedupeStore({ persist: new SqliteExpiringStore(file, 'wechat-dedupe') });
    assert.equal((await before.attach('k', 10)).first, true);
    await before.close();
    const after = new MemoryDedupeStore({ persist: new SqliteExpiringStore(file, 'wechat-dedupe') });
    assert.equal((await after.attach('k', 10)).first, true);
    assert.equal((await after.attach('k', 10)).first, false);
    await after.close();
  });
});

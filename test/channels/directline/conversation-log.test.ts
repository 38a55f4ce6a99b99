import assert from 'node:assert/strict';
import { type ConversationLog, MemoryConversationLog, type MemoryLogLimits } from '../../../src/channels/directline/conversation-log';
import { SqliteConversationLog } from '../../../src/channels/directline/sqlite-log';
import type { ConversationId } from '../../../src/channels/directline/tokens';

const A = 'conversation-aaaaaaaaaa' as ConversationId;
const B = 'conversation-bbbbbbbbbb' as ConversationId;
const msg = (text: string) => ({ type: 'message', text });

const IMPLEMENTATIONS: [string, (l?: MemoryLogLimits) => ConversationLog & { readonly size?: number }][] = [
  ['MemoryConversationLog', (l) => new MemoryConversationLog(l)],
  ['SqliteConversationLog', (l) => new SqliteConversationLog(':memory:', l)],
];

for (const [name, make] of IMPLEMENTATIONS) describe(name, () => {
  it('stamps ids "<conversation>|<seq>" and reads after a watermark, oldest first', async () => {
    const log = make({ now: () => 1000 });
    const stored = await log.append(A, [msg('a'), msg('b'), msg('c')]);
    assert.deepEqual(
      stored.map((s) => s.id),
      [`${A}|1000`, `${A}|1001`, `${A}|1002`],
    );
    assert.deepEqual(await log.read(A, 1000, 10).then((p) => p.activities.map((x) => x.text)), ['b', 'c']);
    assert.deepEqual(await log.read(A, undefined, 2), { activities: stored.slice(0, 2), watermark: '1001' });
    assert.deepEqual(await log.read(A, 1002, 10), { activities: [], watermark: '1002' });
    assert.deepEqual(await log.read(B, undefined, 10), { activities: [], watermark: '' });
  });

  it('stores copies: changing what was appended or read changes nothing kept', async () => {
    const log = make();
    const original = msg('kept');
    const [stored] = await log.append(A, [original]);
    original.text = 'changed';
    stored!.text = 'changed too';
    const page = await log.read(A, undefined, 10);
    page.activities[0]!.text = 'and again';
    assert.equal((await log.read(A, undefined, 10)).activities[0]!.text, 'kept');
  });

  it('keeps at most N activities per conversation, dropping the oldest', async () => {
    const log = make({ maxActivitiesPerConversation: 3 });
    for (let i = 0; i < 10; i++) await log.append(A, [msg(`m${i}`)]);
    assert.deepEqual((await log.read(A, undefined, 100)).activities.map((x) => x.text), ['m7', 'm8', 'm9']);
  });

  it('keeps a byte budget per conversation but never drops the newest activity', async () => {
    const log = make({ maxBytesPerConversation: 1000 });
    for (let i = 0; i < 5; i++) await log.append(A, [msg(`${i}`.repeat(300))]);
    const kept = (await log.read(A, undefined, 100)).activities;
    assert.ok(kept.length >= 1 && kept.length <= 3, `kept ${kept.length}`);
    assert.equal(kept.at(-1)!.text, '4'.repeat(300));
    await log.append(B, [msg('x'.repeat(5000))]);
    assert.equal((await log.read(B, undefined, 10)).activities.length, 1);
  });

  (name === 'MemoryConversationLog' ? it : it.skip)('evicts the least recently used conversation past the limit, and idle ones after the TTL', async () => {
    let now = 1_000_000;
    const log = make({ maxConversations: 2, idleTtlMs: 3_600_000, now: () => now });
    const C = 'conversation-cccccccccc' as ConversationId;
    await log.append(A, [msg('a')]);
    await log.append(B, [msg('b')]);
    await log.read(A, undefined, 1); // A is now more recent than B
    await log.append(C, [msg('c')]);
    assert.equal(log.size, 2);
    assert.deepEqual((await log.open(B)).created, true);
    now += 2 * 3_600_000;
    await log.open(A);
    assert.equal(log.size, 1);
  });

  it('a conversation created again numbers above any watermark it handed out before', async () => {
    let now = 5_000;
    const log = make({ maxConversations: 1, now: () => now });
    const [first] = await log.append(A, [msg('before')]);
    const old = Number(first!.id.split('|')[1]);
    await log.append(B, [msg('evicts A')]);
    now += 10;
    await log.append(A, [msg('after')]);
    const page = await log.read(A, old, 10);
    assert.deepEqual(page.activities.map((x) => x.text), ['after']);
  });

  it('a watermark ahead of the log (it was reset) reads from the start', async () => {
    const log = make({ now: () => 10 });
    await log.append(A, [msg('a')]);
    assert.deepEqual((await log.read(A, 999_999, 10)).activities.map((x) => x.text), ['a']);
  });

  it('calls subscribers after appends to their conversation only', async () => {
    const log = make();
    let a = 0;
    let b = 0;
    const offA = log.subscribe(A, () => a++);
    log.subscribe(B, () => b++);
    await log.append(A, [msg('1')]);
    await log.append(A, []);
    offA();
    await log.append(A, [msg('2')]);
    assert.deepEqual([a, b], [1, 0]);
  });

  it('D8: conversations nobody wrote in are evicted first, so anonymous token floods keep real histories', async () => {
    let now = 1_000_000;
    const log = make({ maxConversations: 50, now: () => now++ });
    const citizen = 'conversation-citizen0000' as ConversationId;
    await log.append(citizen, [{ type: 'message', text: '我在邳州市', from: { id: 'dl_x', name: '', role: 'user' } }, msg('您好')]);
    for (let i = 0; i < 500; i++) {
      const id = `conversation-flood${String(i).padStart(6, '0')}` as ConversationId;
      await log.open(id);
      await log.append(id, [msg('欢迎')]);
    }
    const page = await log.read(citizen, undefined, 10);
    assert.deepEqual(page.activities.map((x) => x.text), ['我在邳州市', '您好']);
    await log.close();
  });
});

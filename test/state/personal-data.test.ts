import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { maskPersonalData } from '../../src/logger';
import { BoundedMemoryStorage, BoundedUnansweredSink, SqliteStorage, SqliteUnansweredSink } from '../../src/state';
import { buildBot, chat } from '../bot/harness';

const FULL_WIDTH_ID = '３２０３０２１９９００１０１１２３４';
const ID_AND_PHONE = '32030219900101123413912345678';
const CARD = '6222 0212 3456 7890 123';
const RAW = ['320302199001011234', FULL_WIDTH_ID, ID_AND_PHONE, '13912345678', '6222021234567890123', '0212 3456 7890'];

/** Every byte SQLite wrote for this database (main file and WAL), as text. */
function fileText(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f)).toString('utf8'))
    .join('\n');
}

describe('D10: personal data is masked before it is stored', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pd-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('one masking function catches full-width digits, ID + phone typed together and bank cards', () => {
    for (const raw of [FULL_WIDTH_ID, ID_AND_PHONE, CARD, `手机１３９１２３４５６７８`]) {
      const masked = maskPersonalData(`我的号码${raw}，请记下`);
      for (const r of RAW) assert.ok(!masked.includes(r), `${masked} still has ${r}`);
      assert.match(masked, /^我的号码.*，请记下$/, 'the words around it stay as typed');
    }
    assert.equal(maskPersonalData('请拨打 12348 或 110，2024-01-01 赔偿5000元（第四十三条）'), '请拨打 12348 或 110，2024-01-01 赔偿5000元（第四十三条）');
  });

  it('unanswered records keep no raw numbers (memory and SQLite)', async () => {
    const file = join(dir, 'r.db');
    for (const sink of [new BoundedUnansweredSink(10), new SqliteUnansweredSink(file)]) {
      await sink.record({ at: new Date().toISOString(), question: `身份证${FULL_WIDTH_ID}电话${ID_AND_PHONE}卡号${CARD}`, reason: 'no-match', candidates: [], locale: 'zh-CN', channelId: 'test' });
      const [r] = await sink.list();
      for (const raw of RAW) assert.ok(!r!.question.includes(raw), r!.question);
    }
    for (const raw of RAW) assert.ok(!fileText(dir).includes(raw));
  });

  it('stored state masks free text but keeps ids and the handoff call-back number', async () => {
    const file = join(dir, 's.db');
    const item = { slots: { note: `我的身份证${FULL_WIDTH_ID}`, contact: '13912345678' }, reference: { activityId: 'wechat-24123456789012345678' } };
    for (const s of [new BoundedMemoryStorage(), new SqliteStorage(file)]) {
      await s.write({ k: item });
      const back = (await s.read(['k'])).k;
      assert.ok(!back.slots.note.includes('１９９００１０１'), back.slots.note);
      assert.match(back.slots.note, /^我的身份证320\*+34$/);
      assert.equal(back.slots.contact, '13912345678');
      assert.equal(back.reference.activityId, 'wechat-24123456789012345678');
    }
    const rows = new Database(file).prepare('SELECT value FROM bot_state').all() as { value: string }[];
    assert.ok(rows.every((r) => !r.value.includes(FULL_WIDTH_ID) && !r.value.includes('320302199001011234')));
  });

  it('a real conversation over SQLite leaves no raw ID or phone in bot_state or the records', async () => {
    const file = join(dir, 'bot.db');
    const storage = new SqliteStorage(file);
    const unanswered = new SqliteUnansweredSink(file);
    const b = buildBot({ storage, unanswered });
    const c = chat(b.adapter, { channelId: 'wechat', conversationId: 'wechat:oPD' });
    await c.join();
    await c.say(`我身份证${FULL_WIDTH_ID}，手机${ID_AND_PHONE}，银行卡${CARD}，这个怎么办`);
    await c.say(`${ID_AND_PHONE}`);
    const text = fileText(dir);
    for (const raw of RAW) assert.ok(!text.includes(raw), `raw ${raw} in the database`);
    assert.ok(text.includes('32**********78'), 'what the citizen typed was stored — masked');
    storage.close();
    unanswered.close();
  });
});

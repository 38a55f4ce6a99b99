import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { type Activity, MemoryStorage } from 'botbuilder';
import pino from 'pino';
import type { HandoffEvent, HandoffSink } from '../../src/dialogs/sinks';
import type { KnowledgeSearch } from '../../src/search/types';
import { searchEngine } from '../helpers';
import { buildBot, chat, toReply } from './harness';

/** A pino logger writing JSON lines into an array (to check what gets logged). */
function captureLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** Search that throws when asked about one word, to make a turn fail. */
function flakySearch(trigger: string): KnowledgeSearch {
  return {
    search(q, o) {
      if (q.includes(trigger)) throw new Error('index exploded');
      return searchEngine().search(q, o);
    },
  };
}

describe('the bot (ActivityHandler over the dialog engine)', function () {
  this.timeout(60_000);
  before(() => searchEngine());

  it('greets a new member with the welcome and the menu; the bot joining itself says nothing', async () => {
    const b = buildBot();
    const replies = await chat(b.adapter).join();
    assert.equal(replies.length, 2);
    assert.match(replies[0]!.text, /不能：代替律师办案/);
    assert.ok(replies[1]!.suggestions.includes('法律援助预审'));
    const own = await b.adapter.run({
      type: 'conversationUpdate',
      channelId: 'test',
      conversation: { id: 'c-bot', isGroup: false, conversationType: 'personal', name: '' },
      from: { id: 'u', name: '' },
      recipient: { id: 'bot', name: 'bot' },
      membersAdded: [{ id: 'bot', name: 'bot' }],
    } as Partial<Activity>);
    assert.equal(own.length, 0);
  });

  it('replies carry the locale, markdown format and the buttons as suggested actions', async () => {
    const b = buildBot();
    const acts = await b.adapter.run({
      type: 'message',
      text: '老板拖欠我三个月工资怎么办',
      channelId: 'test',
      conversation: { id: 'c-fmt', isGroup: false, conversationType: 'personal', name: '' },
      from: { id: 'u-fmt', name: '' },
    } as Partial<Activity>);
    const a = acts[acts.length - 1]!;
    assert.equal(a.locale, 'zh-CN');
    assert.equal(a.textFormat, 'markdown');
    assert.equal(a.inputHint, 'expectingInput');
    assert.ok(toReply(a).suggestions.includes('有帮助'));
  });

  it('a failing turn: logged with the conversation id, an apology in the citizen’s language, and the conversation still works', async () => {
    const { logger, lines } = captureLogger();
    const b = buildBot({ search: flakySearch('xyzzy测试'), logger });
    const c = chat(b.adapter, { conversationId: 'c-err' });
    await c.say('English');
    const r = await c.say('xyzzy测试 question');
    assert.equal(r.length, 1);
    assert.match(r[0]!.text, /Sorry, something went wrong/);
    assert.match(r[0]!.text, /110/);
    const err = lines.find((l) => l.msg === 'turn failed');
    assert.ok(err, 'turn error logged');
    assert.equal(err.conversation, 'c-err');
    const next = await c.say('unpaid wages');
    assert.match(next.map((x) => x.text).join('\n'), /Legal basis:/);

    const zh = chat(b.adapter, { conversationId: 'c-err-zh' });
    const r2 = await zh.say('xyzzy测试');
    assert.match(r2[0]!.text, /抱歉，刚才出了点问题/);
  });

  it('a failing turn mid-flow clears the flow, not the citizen’s language or district', async () => {
    const storage = new MemoryStorage();
    const b = buildBot({ search: flakySearch('xyzzy测试'), storage });
    const c = chat(b.adapter, { conversationId: 'c-err2' });
    await c.say('我在铜山');
    await c.say('法律援助预审');
    await c.say('xyzzy测试'); // an unmatched answer is retried, no search: no error
    const boom = await c.say('菜单');
    assert.ok(boom[0]!.suggestions.includes('法律援助预审'));
    assert.ok(JSON.stringify(await storage.read(['test/conversations/c-err2/'])).includes('dialogStack'), 'a flow is open');
    const failed = await c.say('xyzzy测试'); // at the menu, text is a question → search throws
    assert.match(failed[0]!.text, /抱歉，刚才出了点问题/);
    assert.equal(JSON.stringify(await storage.read(['test/conversations/c-err2/'])).includes('dialogStack'), false, 'dialog state was cleared');
    const after = await c.say('怎么申请法律援助');
    assert.match(after.map((x) => x.text).join('\n'), /铜山区/);
  });

  it('records feedback and unanswered questions for editors, masked', async () => {
    const b = buildBot();
    const c = chat(b.adapter, { conversationId: 'c-rec' });
    await c.say('老板拖欠我三个月工资怎么办，我电话13812345678');
    await c.say('没帮助');
    assert.equal(b.feedback.records.length, 1);
    const f = b.feedback.records[0]!;
    assert.equal(f.entryId, 'labor-wage-arrears');
    assert.equal(f.helpful, false);
    assert.equal(f.channelId, 'test');
    assert.ok(f.question && !f.question.includes('13812345678'), f.question);

    await c.say('qwerty zxcv 身份证 320311199001011234');
    const u = b.unanswered.records.at(-1)!;
    assert.ok(['weak', 'ambiguous', 'no-match'].includes(u.reason));
    assert.match(u.question, /^qwerty zxcv/);
    assert.ok(!u.question.includes('320311199001011234'), u.question);
  });

  it('a confident answer records nothing as unanswered', async () => {
    const b = buildBot();
    await chat(b.adapter).say('老板拖欠我三个月工资怎么办');
    assert.equal(b.unanswered.records.length, 0);
  });

  it('handoff event: reference to reply into, district, call-back number, masked summary, screening answers', async () => {
    const b = buildBot();
    const c = chat(b.adapter, { conversationId: 'c-handoff', channelId: 'wechat' });
    for (const t of ['法律援助预审', '2', '不是', '是', '邳州', '是', '13812345678']) await c.say(t);
    assert.equal(b.handoff.events.length, 1);
    const e: HandoffEvent = b.handoff.events[0]!;
    assert.equal(e.type, 'handoff');
    assert.equal(e.channelId, 'wechat');
    assert.equal(e.reference.conversation?.id, 'c-handoff');
    assert.equal(e.reference.channelId, 'wechat');
    assert.deepEqual(e.district, { code: '320382', name: '邳州市' });
    assert.equal(e.contact, '13812345678');
    assert.match(e.summary, /法律援助预审/);
    assert.match(e.summary, /很可能符合/);
    assert.equal(e.answers.matter, '讨要工资、确认劳动关系');
    assert.equal(e.answers.art42, '是');
  });

  it('a summary typed by the citizen is masked before it reaches staff', async () => {
    const b = buildBot();
    const c = chat(b.adapter);
    for (const t of ['转人工', '是', '跳过', '跳过', '我身份证320311199001011234 老板欠钱']) await c.say(t);
    const e = b.handoff.events[0]!;
    assert.ok(!e.summary.includes('320311199001011234'), e.summary);
    assert.equal(e.contact, undefined);
  });

  it('when the handoff cannot be delivered, the citizen is told and given 12348', async () => {
    const broken: HandoffSink = {
      async emit() {
        throw new Error('queue down');
      },
    };
    const b = buildBot({ handoff: broken });
    const c = chat(b.adapter);
    for (const t of ['转人工', '是', '跳过', '跳过']) await c.say(t);
    const r = await c.say('老板欠钱');
    assert.match(r.map((x) => x.text).join('\n'), /没能把您的请求转给工作人员.*12348/s);
    assert.doesNotMatch(r.map((x) => x.text).join('\n'), /已经转给/);
  });

  it('turns of one conversation run one after another', async () => {
    const b = buildBot();
    const c = chat(b.adapter, { conversationId: 'c-seq' });
    await c.say('法律援助预审');
    const [r1, r2] = await Promise.all([c.say('2'), c.say('不是')]);
    assert.match(r1!.map((x) => x.text).join(''), /第三十二条/);
    assert.match(r2!.map((x) => x.text).join(''), /第四十二条/);
  });

  it('other activity types (typing, events) are ignored without error', async () => {
    const b = buildBot();
    for (const type of ['typing', 'event', 'messageReaction']) {
      const r = await b.adapter.run({ type, channelId: 'test', conversation: { id: 'c-x', isGroup: false, conversationType: 'personal', name: '' }, from: { id: 'u', name: '' } } as Partial<Activity>);
      assert.equal(r.length, 0, type);
    }
  });

  it('hostile input: 10,000 characters with emoji and control characters, a message without text', async () => {
    const { logger, lines } = captureLogger();
    const b = buildBot({ logger, storage: new MemoryStorage() });
    const c = chat(b.adapter);
    const huge = `${'讨薪😀\u0000\u202e'.repeat(2500)}13812345678`;
    const r = await c.say(huge);
    assert.ok(r.length >= 1);
    const attachmentOnly = await c.say('', { attachments: [{ contentType: 'image/png', contentUrl: 'http://x/y.png' }] } as Partial<Activity>);
    assert.match(attachmentOnly[0]!.text, /只能看懂文字/);
    for (const u of b.unanswered.records) assert.ok(u.question.length <= 500);
    assert.ok(!JSON.stringify(lines).includes('13812345678'), 'a phone number reached the logs');
  });
});

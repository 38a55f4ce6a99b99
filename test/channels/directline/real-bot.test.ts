/**
 * The product bot over Direct Line gives a citizen exactly what it gives over the in-process test
 * adapter: the same conversation, turn by turn, on both. This is how shared conversation
 * transcripts run on this channel (directLineChat() speaks the harness's Chat interface).
 */
import assert from 'node:assert/strict';
import { type Chat, type Reply, buildBot, chat } from '../../bot/harness';
import { type ChatServer, startChatServer } from '../../e2e/server';
import { directLineChat } from './transcript-client';

const SCRIPT: { say: string; locale?: string }[] = [
  { say: '老板拖欠工资三个月怎么办' },
  { say: '有帮助' },
  { say: '菜单' },
  { say: '2' },
  { say: '我想离婚，孩子归谁' },
  { say: '😀😀😀' },
  { say: '被打了怎么办' },
];

async function run(c: Chat): Promise<Reply[][]> {
  const turns = [await c.join()];
  for (const step of SCRIPT) turns.push(await c.say(step.say));
  return turns;
}

describe('Direct Line with the product bot', function () {
  this.timeout(60_000);
  let server: ChatServer;

  before(async () => {
    server = await startChatServer();
  });
  after(async () => {
    await server.close();
  });

  it('a conversation over Direct Line matches the same conversation in process, turn by turn', async () => {
    const overHttp = await run(directLineChat(server.url, { locale: 'zh-CN' }));
    const inProcess = await run(chat(buildBot().adapter, { channelId: 'directline', locale: 'zh-CN' }));
    assert.equal(overHttp.length, SCRIPT.length + 1);
    assert.ok(overHttp[0]!.length > 0, 'the bot greets a new conversation');
    assert.ok(overHttp[1]!.some((r) => r.suggestions.length > 0), 'the answer offers buttons');
    assert.deepEqual(overHttp, inProcess);
  });

  it('answers in English when the page is in English', async () => {
    const c = directLineChat(server.url, { locale: 'en-US' });
    const greeting = (await c.join()).map((r) => r.text).join('\n');
    assert.ok(greeting.length > 0);
    assert.doesNotMatch(greeting, /您好|请选择/, 'the greeting is in English');
    const replies = await c.say("my boss hasn't paid me for 3 months");
    const text = replies.map((r) => r.text).join('\n');
    assert.match(text, /wages/i);
    // The answer's own words are English (the laws it cites keep their Chinese names).
    assert.match(text, /Legal basis/);
    assert.doesNotMatch(text, /依据|这个回答有帮助吗/);
  });
});

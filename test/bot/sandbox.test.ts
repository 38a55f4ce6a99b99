import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { createSandbox } from '../../src/bot/sandbox';
import { searchEngine } from '../helpers';
import { realFlows, realKb } from './harness';

const message = (text: string, id: string): Partial<Activity> => ({
  type: 'message',
  text,
  channelId: 'test',
  conversation: { id, isGroup: false, conversationType: 'personal', name: '' },
  from: { id: `user-${id}`, name: '' },
  locale: 'zh-CN',
  serviceUrl: 'http://localhost/none',
});

describe('createSandbox', () => {
  const deps = () => ({ kb: realKb(), search: searchEngine(), flows: realFlows() });

  it('answers like the real bot, in process', async () => {
    const { adapter } = createSandbox(deps());
    const replies = await adapter.run(message('怎么申请法律援助', 'sandbox-1'));
    assert.ok(replies.some((r) => (r.text ?? '').includes('法律援助')), JSON.stringify(replies.map((r) => r.text)));
  });

  it('keeps what it hears to itself: each sandbox has its own state and sinks', async () => {
    const a = createSandbox(deps());
    const b = createSandbox(deps());
    assert.notEqual(a.feedback, b.feedback);
    await a.adapter.run(message('怎么申请法律援助', 'same-id'));
    await a.adapter.run(message('有帮助', 'same-id'));
    assert.equal(b.feedback.records.length, 0);
  });
});

/** Messages outside a turn, without HTTP: addressing, "not configured", and the 48-hour window. */
import assert from 'node:assert/strict';
import pino from 'pino';
import { WeChatApi } from '../../../src/channels/wechat/api';
import { WeChatApiError } from '../../../src/channels/wechat/errors';
import type { OpenId } from '../../../src/channels/wechat/messages';
import { Outbox } from '../../../src/channels/wechat/outbox';
import { openIdOf, proactiveSink, staffDelivery } from '../../../src/channels/wechat/proactive';

const log = pino({ level: 'silent' });
const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);
const hoursAgo = (h: number) => new Date(NOW - h * 3600_000).toISOString();
const render = async (_: OpenId, activities: { text?: string }[]) => activities.map((a) => a.text ?? '').filter(Boolean);
const user = { user: { id: 'oCitizen_1', name: '' } };

describe('wechat messages outside a turn (proactive sink, staff delivery)', () => {
  it('addresses the OpenID of the user, or of the wechat: conversation, and nothing malformed', () => {
    assert.equal(openIdOf(user), 'oCitizen_1');
    assert.equal(openIdOf({ conversation: { id: 'wechat:oCitizen_2', isGroup: false, conversationType: 'personal', name: '' } }), 'oCitizen_2');
    for (const id of ['', 'has space', 'x'.repeat(65), '../etc']) assert.equal(openIdOf({ user: { id, name: '' } }), undefined, id);
  });

  it('without the customer-service API: the sink throws, the delivery fails as not-configured and calls the window closed', async () => {
    const deps = { render, log, now: () => NOW };
    await assert.rejects(proactiveSink(deps)(user, [{ text: 'x' }]), WeChatApiError);
    await assert.rejects(proactiveSink(deps)({ user: { id: 'bad id', name: '' } }, [{ text: 'x' }]), /valid OpenID/);
    const delivery = staffDelivery(deps);
    assert.deepEqual(await delivery.deliver(user, [{ text: 'x' }]), { status: 'failed', reason: 'not-configured' });
    assert.deepEqual(await delivery.deliver({ user: { id: 'bad id', name: '' } }, [{ text: 'x' }]), { status: 'failed', reason: 'no valid OpenID' });
    assert.equal(delivery.window!(user, hoursAgo(1)), 'closed');
  });

  it('the window: what the outbox knows first, else 48 hours from the citizen\'s last message', () => {
    const api = new WeChatApi({ apiBase: 'http://127.0.0.1:9', appId: 'wx0', appSecret: 's', logger: log });
    const outbox = new Outbox({ api, logger: log, clock: () => NOW });
    const delivery = staffDelivery({ outbox, render, log, now: () => NOW });
    assert.equal(delivery.window!(user), 'unknown');
    assert.equal(delivery.window!(user, hoursAgo(47)), 'open');
    assert.equal(delivery.window!(user, hoursAgo(49)), 'closed');
    outbox.onInbound('oCitizen_1' as OpenId, 'message');
    assert.equal(delivery.window!(user, hoursAgo(49)), 'open', 'a message this process saw reopens it');
  });

  it('an answer that renders to nothing is delivered without a send', async () => {
    const api = new WeChatApi({ apiBase: 'http://127.0.0.1:9', appId: 'wx0', appSecret: 's', logger: log });
    const outbox = new Outbox({ api, logger: log, clock: () => NOW });
    assert.deepEqual(await staffDelivery({ outbox, render, log, now: () => NOW }).deliver(user, [{}]), { status: 'delivered' });
    assert.equal(outbox.stats.sent, 0);
  });
});

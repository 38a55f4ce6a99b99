/** The mapping alone: a parsed WeChat message or event → what the bot receives (pure, no HTTP). */
import assert from 'node:assert/strict';
import type { District } from '../../../src/content/schema';
import { type Inbound, type InboundContext, toInbound, WECHAT_CHANNEL_ID } from '../../../src/channels/wechat/inbound';
import type { InboundMessage, OpenId } from '../../../src/channels/wechat/messages';

const openId = 'oInbound_user' as OpenId;
const common = { account: 'gh_account', openId, createTime: 1_767_225_600 };
const ctx: InboundContext = {
  clicks: new Map([['MENU_WAGES', '拖欠工资怎么办']]),
  knowledge: { findDistrict: (t) => (t.includes('鼓楼') ? ({ code: '320302', name: '鼓楼区' } as District) : undefined) },
  serviceUrl: 'https://bot.example.org/wechat',
};

function message(i: Inbound) {
  assert.equal(i.kind, 'message');
  return i as Extract<Inbound, { kind: 'message' }>;
}

describe('wechat inbound: message or event → activity', () => {
  it('a text message is a typed message turn in the user\'s own conversation, cleaned of control characters', () => {
    const m = message(toInbound({ ...common, msgId: '42', kind: 'text', content: '工资\u0000被拖欠' }, ctx));
    assert.equal(m.typed, true);
    assert.deepEqual(m.activity, {
      channelId: WECHAT_CHANNEL_ID,
      id: 'wechat-42',
      serviceUrl: 'https://bot.example.org/wechat',
      conversation: { id: `wechat:${openId}`, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: openId, name: '', role: 'user' },
      recipient: { id: 'gh_account', name: 'legal-aid-bot', role: 'bot' },
      locale: 'zh-CN',
      timestamp: new Date(common.createTime * 1000),
      channelData: { msgType: 'text', msgId: '42' },
      type: 'message',
      text: '工资被拖欠',
    });
  });

  it('voice: the recognition as text, marked as voice; without a recognition the citizen is asked to type', () => {
    const voice = { ...common, msgId: '43', kind: 'voice' as const, mediaId: 'm', format: 'amr' };
    const m = message(toInbound({ ...voice, recognition: '单位不交社保' }, ctx));
    assert.equal(m.activity.text, '单位不交社保');
    assert.deepEqual(m.activity.channelData, { msgType: 'voice', msgId: '43', voice: true });
    assert.deepEqual(toInbound({ ...voice, recognition: '' }, ctx), { kind: 'say', key: 'wechat.voice_not_understood' });
  });

  it('location: the label as text, coordinates and the district found from the label in value, a Place entity', () => {
    const m = message(toInbound({ ...common, msgId: '44', kind: 'location', lat: 34.26, lng: 117.19, scale: 15, label: '徐州市鼓楼区中山北路' }, ctx));
    assert.equal(m.activity.text, '徐州市鼓楼区中山北路');
    assert.deepEqual(m.activity.value, {
      location: { label: '徐州市鼓楼区中山北路', lat: 34.26, lng: 117.19, scale: 15, district: { code: '320302', name: '鼓楼区' } },
    });
    assert.deepEqual(m.activity.entities, [
      { type: 'Place', name: '徐州市鼓楼区中山北路', address: '徐州市鼓楼区中山北路', geo: { type: 'GeoCoordinates', latitude: 34.26, longitude: 117.19, name: '徐州市鼓楼区中山北路' } },
    ]);
    const nowhere = message(toInbound({ ...common, kind: 'location', lat: NaN, lng: NaN, scale: undefined, label: '某地' }, ctx));
    assert.deepEqual(nowhere.activity.value, { location: { label: '某地', lat: null, lng: null } });
    assert.deepEqual(nowhere.activity.entities, [{ type: 'Place', name: '某地', address: '某地' }]);
  });

  it('subscribe is the welcome: a conversationUpdate adding the user', () => {
    const w = toInbound({ ...common, kind: 'event', event: 'subscribe', eventKey: '' }, ctx);
    assert.equal(w.kind, 'welcome');
    const a = (w as Extract<Inbound, { kind: 'welcome' }>).activity;
    assert.equal(a.type, 'conversationUpdate');
    assert.deepEqual(a.membersAdded, [{ id: openId, name: '', role: 'user' }]);
    assert.equal(a.id, `wechat-evt-${common.createTime}-subscribe`);
    assert.deepEqual(a.channelData, { msgType: 'event', event: 'subscribe', eventKey: '' });
  });

  it('a menu click is the mapped text with the key in value, never an answer to offered options; an unmapped key is ignored', () => {
    const c = message(toInbound({ ...common, kind: 'event', event: 'click', eventKey: 'MENU_WAGES' }, ctx));
    assert.equal(c.typed, false);
    assert.equal(c.activity.text, '拖欠工资怎么办');
    assert.deepEqual(c.activity.value, { menuKey: 'MENU_WAGES' });
    assert.deepEqual(toInbound({ ...common, kind: 'event', event: 'click', eventKey: 'MENU_GONE' }, ctx), { kind: 'ignore', unmappedClick: 'MENU_GONE' });
  });

  it('unsubscribe makes the channel forget the user; view, scan and location reports are nothing', () => {
    assert.deepEqual(toInbound({ ...common, kind: 'event', event: 'unsubscribe', eventKey: '' }, ctx), { kind: 'unsubscribe' });
    for (const event of ['view', 'scan', 'location', 'other'] as const) {
      assert.deepEqual(toInbound({ ...common, kind: 'event', event, eventKey: 'k' }, ctx), { kind: 'ignore' }, event);
    }
  });

  it('images, links, files and unknown types get "please type", not a turn', () => {
    for (const kind of ['image', 'link', 'video', 'shortvideo', 'file', 'unknown'] as const) {
      const m: InboundMessage = { ...common, msgId: '45', kind, msgType: kind };
      assert.deepEqual(toInbound(m, ctx), { kind: 'say', key: 'wechat.please_type' }, kind);
    }
  });
});

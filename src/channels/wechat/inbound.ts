/**
 * What a WeChat message or event becomes for the bot (the counterpart of Direct Line's
 * activities.ts): a pure mapping from the parsed InboundMessage to an Activity, or to the channel
 * answering by itself. Each OpenID is one Bot Framework conversation: channelId "wechat",
 * conversation.id "wechat:<openid>", from.id = openid; every activity carries
 * channelData { msgType, msgId?, event?, eventKey? } and the message's own time.
 *
 *   text      → message, text = the content cleaned of control characters
 *   voice     → message, text = WeChat's recognition, channelData.voice; an empty recognition
 *               never reaches the bot (it is asked to type instead)
 *   location  → message, text = the place label; value = { location: { label, lat, lng, scale?,
 *               district?: { code, name } } } (district found from the label) and a schema.org
 *               Place entity with its coordinates
 *   subscribe → conversationUpdate with membersAdded [the user] (the welcome)
 *   CLICK     → message, text = what the menu file maps the key to, value = { menuKey }; an
 *               unmapped key is ignored (and reported, for the log)
 *   unsubscribe → the channel forgets the user; VIEW, SCAN, LOCATION reports → nothing
 *   images, links, files… → the channel asks for text
 * Typed messages (text, voice, location) may answer the options of the previous answer; a menu
 * click is its own command, never such an answer (`typed: false`).
 */
import type { Activity } from 'botbuilder';
import type { District } from '../../content/schema';
import { DEFAULT_LOCALE } from '../../i18n/locale';
import type { InboundMessage } from './messages';
import { cleanInboundText } from './text';

export const WECHAT_CHANNEL_ID = 'wechat';

export interface InboundContext {
  /** CLICK key → the message text the menu file maps it to. */
  clicks: ReadonlyMap<string, string>;
  /** District lookup for location labels (KnowledgeBase). */
  knowledge?: { findDistrict(text: string): District | undefined };
  /** serviceUrl of every activity (the channel's public URL, or a placeholder). */
  serviceUrl: string;
}

export type Inbound =
  | { kind: 'message'; activity: Partial<Activity> & { text: string }; typed: boolean }
  | { kind: 'welcome'; activity: Partial<Activity> }
  /** No turn: the channel answers with this UI string. */
  | { kind: 'say'; key: 'wechat.voice_not_understood' | 'wechat.please_type' }
  | { kind: 'unsubscribe' }
  | { kind: 'ignore'; unmappedClick?: string };

/** The fields every activity from this message shares. */
export function baseActivity(m: InboundMessage, serviceUrl: string): Partial<Activity> {
  return {
    channelId: WECHAT_CHANNEL_ID,
    id: m.msgId ? `wechat-${m.msgId}` : `wechat-evt-${m.createTime}-${m.kind === 'event' ? m.event : m.kind}`,
    serviceUrl,
    conversation: { id: `wechat:${m.openId}`, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: m.openId, name: '', role: 'user' },
    recipient: { id: m.account, name: 'legal-aid-bot', role: 'bot' },
    locale: DEFAULT_LOCALE,
    timestamp: new Date(m.createTime * 1000),
    channelData: {
      msgType: m.kind === 'event' ? 'event' : m.kind,
      ...(m.msgId ? { msgId: m.msgId } : {}),
      ...(m.kind === 'event' ? { event: m.event, eventKey: m.eventKey } : {}),
    },
  };
}

export function toInbound(m: InboundMessage, ctx: InboundContext): Inbound {
  const base = baseActivity(m, ctx.serviceUrl);
  const message = (text: string, extra: Partial<Activity> = {}, typed = true): Inbound => ({
    kind: 'message',
    activity: { ...base, type: 'message', text, ...extra },
    typed,
  });
  switch (m.kind) {
    case 'text':
      return message(cleanInboundText(m.content));
    case 'voice':
      if (!m.recognition) return { kind: 'say', key: 'wechat.voice_not_understood' };
      return message(cleanInboundText(m.recognition), { channelData: { ...base.channelData, voice: true } });
    case 'location': {
      const label = cleanInboundText(m.label);
      const district = label && ctx.knowledge ? ctx.knowledge.findDistrict(label) : undefined;
      const hasCoords = Number.isFinite(m.lat) && Number.isFinite(m.lng);
      const location = {
        label,
        lat: hasCoords ? m.lat : null,
        lng: hasCoords ? m.lng : null,
        ...(m.scale !== undefined ? { scale: m.scale } : {}),
        ...(district ? { district: { code: district.code, name: district.name } } : {}),
      };
      return message(label, {
        value: { location },
        entities: [
          {
            type: 'Place',
            name: label,
            address: label,
            ...(hasCoords ? { geo: { type: 'GeoCoordinates', latitude: m.lat, longitude: m.lng, name: label } } : {}),
          },
        ],
      });
    }
    case 'event':
      switch (m.event) {
        case 'subscribe':
          return { kind: 'welcome', activity: { ...base, type: 'conversationUpdate', membersAdded: [{ id: m.openId, name: '', role: 'user' }] } };
        case 'unsubscribe':
          return { kind: 'unsubscribe' };
        case 'click': {
          const text = ctx.clicks.get(m.eventKey);
          return text ? message(text, { value: { menuKey: m.eventKey } }, false) : { kind: 'ignore', unmappedClick: m.eventKey };
        }
        default:
          return { kind: 'ignore' };
      }
    default:
      return { kind: 'say', key: 'wechat.please_type' };
  }
}

/**
 * Typed view of an incoming WeChat message or event, and the key that identifies it across
 * WeChat's retries (MsgId for messages; FromUserName + CreateTime for events, which have no MsgId).
 */
import { WeChatRequestError } from './errors';
import { field, type XmlRecord } from './xml';

/** A WeChat user's OpenID (unique per user per Official Account). */
export type OpenId = string & { readonly __brand: 'OpenId' };

interface Common {
  /** Our account's original id (gh_…): the FromUserName of our replies. */
  account: string;
  openId: OpenId;
  createTime: number;
  /** MsgId (64-bit, kept as a string) for messages; undefined for events. */
  msgId?: string;
}

export type InboundMessage = Common &
  (
    | { kind: 'text'; content: string }
    | { kind: 'voice'; recognition: string; mediaId: string; format: string }
    | { kind: 'location'; lat: number; lng: number; scale: number | undefined; label: string }
    | { kind: 'image' | 'link' | 'video' | 'shortvideo' | 'file' | 'unknown'; msgType: string }
    | { kind: 'event'; event: EventName; eventKey: string; ticket?: string }
  );

export type EventName = 'subscribe' | 'unsubscribe' | 'click' | 'view' | 'scan' | 'location' | 'other';

const EVENTS: readonly EventName[] = ['subscribe', 'unsubscribe', 'click', 'view', 'scan', 'location'];

const OPENID = /^[A-Za-z0-9_-]{1,64}$/;

function num(s: string): number | undefined {
  const n = Number(s.trim());
  return s.trim() !== '' && Number.isFinite(n) ? n : undefined;
}

export function toInboundMessage(rec: XmlRecord): InboundMessage {
  const openId = field(rec, 'FromUserName').trim();
  const account = field(rec, 'ToUserName').trim();
  const createTime = num(field(rec, 'CreateTime'));
  const msgType = field(rec, 'MsgType').trim().toLowerCase();
  if (!OPENID.test(openId)) throw new WeChatRequestError(400, 'bad-openid', 'FromUserName missing or malformed');
  if (!account) throw new WeChatRequestError(400, 'bad-message', 'ToUserName missing');
  if (createTime === undefined) throw new WeChatRequestError(400, 'bad-message', 'CreateTime missing or not a number');
  if (!msgType) throw new WeChatRequestError(400, 'bad-message', 'MsgType missing');
  const msgIdRaw = field(rec, 'MsgId').trim();
  const msgId = /^\d{1,20}$/.test(msgIdRaw) ? msgIdRaw : undefined;
  const common: Common = { account, openId: openId as OpenId, createTime, msgId };
  switch (msgType) {
    case 'text':
      return { ...common, kind: 'text', content: field(rec, 'Content') };
    case 'voice':
      return {
        ...common,
        kind: 'voice',
        recognition: field(rec, 'Recognition').trim(),
        mediaId: field(rec, 'MediaId'),
        format: field(rec, 'Format'),
      };
    case 'location': {
      const lat = num(field(rec, 'Location_X'));
      const lng = num(field(rec, 'Location_Y'));
      return {
        ...common,
        kind: 'location',
        lat: lat ?? NaN,
        lng: lng ?? NaN,
        scale: num(field(rec, 'Scale')),
        label: field(rec, 'Label').trim(),
      };
    }
    case 'event': {
      const raw = field(rec, 'Event').trim().toLowerCase();
      const event = (EVENTS as readonly string[]).includes(raw) ? (raw as EventName) : 'other';
      const ticket = field(rec, 'Ticket').trim();
      return { ...common, msgId: undefined, kind: 'event', event, eventKey: field(rec, 'EventKey').trim(), ...(ticket ? { ticket } : {}) };
    }
    case 'image':
    case 'link':
    case 'video':
    case 'shortvideo':
    case 'file':
      return { ...common, kind: msgType, msgType };
    default:
      return { ...common, kind: 'unknown', msgType };
  }
}

/**
 * Identifies a message across WeChat's retries of it: account + sender + MsgId (a MsgId is only
 * unique per sender as far as we can trust it — a key without the sender let one user's reused
 * MsgId collect another user's answer).
 */
export function dedupeKey(m: InboundMessage): string {
  if (m.kind !== 'event' && m.msgId) return `msg:${m.account}:${m.openId}:${m.msgId}`;
  return `evt:${m.account}:${m.openId}:${m.createTime}:${m.kind === 'event' ? m.event : m.kind}`;
}

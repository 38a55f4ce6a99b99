/**
 * What may enter a conversation from a Direct Line client, and how replies are stamped on the way
 * out. A client's body is untrusted: only whitelisted fields are copied, `from` is always the
 * token's user, the conversation and channel come from the token, text is bounded and stripped of
 * control characters. Replies and proactive messages get the bot as sender and the conversation
 * they were addressed to, so nothing a bot sets by mistake can land in another conversation.
 */
import type { Activity, ChannelAccount } from 'botbuilder';
import type { Locale } from '../../content/schema';
import { DirectLineError } from './errors';
import type { ConversationId, DirectLineUserId } from './tokens';

export const CHANNEL_ID = 'directline';
export const MAX_TEXT_CHARS = 20_000;
const CLIENT_TYPES = new Set(['message', 'event', 'typing']);
// C0 controls except tab, line feed, carriage return; DEL. They break logs and templates, never meaning.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Web Chat sends BCP 47 tags ("zh-CN", "en-US"); the bot speaks our Locale. Others: the bot's default. */
export function normaliseLocale(raw: unknown): Locale | undefined {
  if (typeof raw !== 'string') return undefined;
  if (/^zh(-|$)/i.test(raw)) return 'zh-CN';
  if (/^en(-|$)/i.test(raw)) return 'en';
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface Participants {
  conversationId: ConversationId;
  userId: DirectLineUserId;
  bot: ChannelAccount;
}

/** Validates a client's activity and rebuilds it from allowed fields. Throws DirectLineError(400). */
export function activityFromClient(body: unknown, p: Participants, now: Date): Partial<Activity> {
  if (!isPlainObject(body)) throw new DirectLineError(400, 'BadArgument', 'the body must be a JSON object (an activity)');
  const type = body.type;
  if (typeof type !== 'string') throw new DirectLineError(400, 'MissingProperty', 'activity.type is required');
  if (!CLIENT_TYPES.has(type)) {
    throw new DirectLineError(400, 'BadArgument', `activity.type "${type.slice(0, 40)}" is not accepted from clients (message, event, typing)`);
  }
  const out: Partial<Activity> = {
    type,
    channelId: CHANNEL_ID,
    conversation: { id: p.conversationId, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: p.userId, name: '', role: 'user' },
    recipient: p.bot,
    timestamp: now,
  };
  const from = body.from;
  if (isPlainObject(from) && typeof from.name === 'string') out.from!.name = from.name.replace(CONTROL, '').slice(0, 64);

  if (body.text !== undefined) {
    if (typeof body.text !== 'string') throw new DirectLineError(400, 'BadArgument', 'activity.text must be a string');
    if (body.text.length > MAX_TEXT_CHARS) {
      throw new DirectLineError(400, 'BadArgument', `activity.text is too long (${body.text.length} characters; at most ${MAX_TEXT_CHARS})`);
    }
    out.text = body.text.replace(CONTROL, '');
  }
  if (typeof body.textFormat === 'string' && ['plain', 'markdown', 'xml'].includes(body.textFormat)) out.textFormat = body.textFormat;
  const locale = normaliseLocale(body.locale);
  if (locale) out.locale = locale;
  if (body.value !== undefined) out.value = body.value;
  if (type === 'event') {
    if (typeof body.name !== 'string' || !body.name || body.name.length > 128) {
      throw new DirectLineError(400, 'MissingProperty', 'an event activity needs a name (at most 128 characters)');
    }
    out.name = body.name;
  }
  if (Array.isArray(body.attachments) && body.attachments.length > 0) {
    throw new DirectLineError(400, 'BadArgument', 'attachments and uploads are not accepted; please type the question');
  }
  // Web Chat matches its pending message with the echoed one by channelData.clientActivityID.
  if (body.channelData !== undefined) {
    if (!isPlainObject(body.channelData)) throw new DirectLineError(400, 'BadArgument', 'activity.channelData must be an object');
    out.channelData = body.channelData;
  }
  if (Array.isArray(body.entities)) out.entities = body.entities.filter(isPlainObject).slice(0, 20) as Activity['entities'];
  // Blank text ("   ") is what the citizen sent: the bot answers it (asks for words) like on every
  // other channel. Only a message with nothing at all is a client error.
  if (type === 'message' && !out.text && out.value === undefined) {
    throw new DirectLineError(400, 'MissingProperty', 'a message needs text or a value');
  }
  return out;
}

/** Stamps a bot-sent activity (turn reply or proactive) for the log of `p.conversationId`. */
export function activityFromBot(a: Partial<Activity>, p: Participants, now: Date): Partial<Activity> {
  const { id: _id, serviceUrl: _serviceUrl, ...rest } = a;
  return {
    ...rest,
    channelId: CHANNEL_ID,
    conversation: { id: p.conversationId, isGroup: false, conversationType: 'personal', name: '' },
    from: { ...p.bot, role: 'bot' },
    recipient: { id: p.userId, name: '', role: 'user' },
    timestamp: now,
  };
}

/**
 * Messages to a citizen outside a turn: the runner's proactive sink for "wechat" (messages the
 * bot sends later) and the staff side's CitizenDelivery (12348 staff replies). Both address the
 * citizen by OpenID (reference.user.id, or conversation.id "wechat:<openid>"), render like a turn's
 * answer (numbered options remembered, long text split) and leave through customer service
 * (outbox.ts), which WeChat only lets through within 48 hours of the citizen's last message.
 *
 * Contract: the sink throws when a message cannot go (no valid OpenID, no customer-service API, a
 * failed send) so the caller sees it; the delivery never throws and says what happened instead:
 * delivered, deferred (window closed or quota used: it goes out after the citizen's next message)
 * or failed. window() answers from what this process knows of the window, else from the time of
 * the citizen's last message.
 */
import type { Activity, ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { ProactiveSink } from '../../bot/in-process-adapter';
import type { CitizenDelivery } from '../../cases/delivery';
import { WeChatApiError } from './errors';
import { WECHAT_CHANNEL_ID } from './inbound';
import type { OpenId } from './messages';
import { maskOpenId, type Outbox } from './outbox';

const WINDOW_MS = 48 * 3600_000;

export interface ProactiveDeps {
  /** Undefined without WECHAT_APPID/WECHAT_APPSECRET: nothing can be sent. */
  outbox?: Outbox;
  /** A turn's rendering for this user (remembers offered options). */
  render(openId: OpenId, activities: Partial<Activity>[]): Promise<string[]>;
  log: Logger;
  now: () => number;
}

/** The OpenID a message is addressed to, when it names a valid one. */
export function openIdOf(reference: Partial<ConversationReference>): OpenId | undefined {
  const raw = reference.user?.id ?? reference.conversation?.id?.replace(/^wechat:/, '');
  return raw && /^[A-Za-z0-9_-]{1,64}$/.test(raw) ? (raw as OpenId) : undefined;
}

export function proactiveSink({ outbox, render, log }: ProactiveDeps): ProactiveSink {
  return async (reference, activities) => {
    const openId = openIdOf(reference);
    if (!openId) throw new Error('wechat proactive message without a valid OpenID');
    if (!outbox) throw new WeChatApiError('cgi-bin/message/custom/send', undefined, 'customer-service API not configured');
    const parts = await render(openId, activities);
    if (!parts.length) return;
    const report = await outbox.deliver(openId, parts);
    log.info({ user: maskOpenId(openId), ...report, lastError: report.lastError?.message }, 'wechat proactive message');
    if (report.failed && report.lastError) throw report.lastError;
  };
}

export function staffDelivery({ outbox, render, log, now }: ProactiveDeps): CitizenDelivery {
  return {
    channelId: WECHAT_CHANNEL_ID,
    async deliver(reference, activities) {
      const openId = openIdOf(reference);
      if (!openId) return { status: 'failed', reason: 'no valid OpenID' };
      if (!outbox) return { status: 'failed', reason: 'not-configured' };
      const parts = await render(openId, activities);
      if (!parts.length) return { status: 'delivered' };
      const report = await outbox.deliver(openId, parts);
      log.info({ user: maskOpenId(openId), ...report, lastError: report.lastError?.message }, 'wechat staff message');
      if (report.deferred) return { status: 'deferred', reason: 'window-closed' };
      if (report.failed) return { status: 'failed', reason: report.lastError?.message ?? 'failed' };
      return { status: 'delivered' };
    },
    window(reference, lastCitizenAt) {
      const openId = openIdOf(reference);
      if (!openId || !outbox) return 'closed';
      const known = outbox.windowFor(openId);
      if (known !== 'unknown') return known;
      if (!lastCitizenAt) return 'unknown';
      return now() - Date.parse(lastCitizenAt) < WINDOW_MS ? 'open' : 'closed';
    },
  };
}

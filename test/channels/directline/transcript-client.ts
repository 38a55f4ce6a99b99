/**
 * A citizen on the Direct Line channel, speaking the same `Chat` interface as the in-process test
 * adapter (test/bot/harness.ts), so one set of conversation transcripts can run over both: join()
 * starts a conversation (the bot's greeting), say() posts a message and returns the bot's replies
 * to it. Everything goes over HTTP to a listening app, as Web Chat would send it.
 */
import type { Activity } from 'botbuilder';
import { type Chat, type Reply, toReply } from '../../bot/harness';

export interface DirectLineChat extends Chat {
  readonly conversationId: string;
  /**
   * Takes a token for a new conversation and talks into it without starting it: no
   * conversationUpdate, so no greeting — how a Direct Line client holding a token may post.
   */
  openWithoutGreeting(): Promise<void>;
  /** The service is now at `baseUrl` (restarted elsewhere): same conversation, token and watermark. */
  moveTo(baseUrl: string): void;
}

export function directLineChat(baseUrl: string, opts: { locale?: string; domain?: string } = {}): DirectLineChat {
  let domain = opts.domain ?? `${baseUrl}/v3/directline`;
  let token = '';
  let conversationId = '';
  let watermark = '';

  async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${domain}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** Bot messages added since the last read. The POST returns once the turn is done, so they are all there. */
  async function botMessages(): Promise<Reply[]> {
    const out: Reply[] = [];
    for (;;) {
      const page = (await call('GET', `/conversations/${conversationId}/activities?watermark=${watermark}`)) as { activities: Partial<Activity>[]; watermark: string };
      if (!page.activities.length) return out;
      watermark = page.watermark;
      out.push(...page.activities.filter((a) => a.type === 'message' && a.from?.role === 'bot').map(toReply));
    }
  }

  return {
    get conversationId() {
      return conversationId;
    },
    async openWithoutGreeting() {
      const t = await fetch(`${baseUrl}/api/webchat/token`, { method: 'POST' });
      const issued = (await t.json()) as { token: string; conversationId: string };
      token = issued.token;
      conversationId = issued.conversationId;
    },
    moveTo(to) {
      baseUrl = to;
      if (!opts.domain) domain = `${to}/v3/directline`;
    },
    async join() {
      const t = await fetch(`${baseUrl}/api/webchat/token`, { method: 'POST' });
      token = ((await t.json()) as { token: string }).token;
      const started = await call('POST', '/conversations', opts.locale ? { locale: opts.locale } : {});
      conversationId = String(started.conversationId);
      token = String(started.token);
      return botMessages();
    },
    async say(text, extra = {}) {
      if (!conversationId) await this.join();
      await call('POST', `/conversations/${conversationId}/activities`, { type: 'message', text, locale: opts.locale, ...extra });
      return botMessages();
    },
  };
}

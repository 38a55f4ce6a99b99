/**
 * Test wiring: the WeChat channel on a loopback HTTP server, an InProcessAdapter running a small
 * bot, the fake platform on the other side, and the channel's logs captured for assertions.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Activity, TurnContext } from 'botbuilder';
import express from 'express';
import pino from 'pino';
import { type BotLogic, InProcessAdapter } from '../../../src/bot/in-process-adapter';
import { createWeChatChannel, type WeChatChannel, type WeChatChannelDeps, type WeChatTuning } from '../../../src/channels/wechat';
import { type ChoiceLexicon, loadChoiceLexicon } from '../../../src/dialogs';
import { FakeWeChatPlatform, type Mode, randomAesKey } from './fake-platform';

export const TOKEN = 'test_token_42';
export const APPID = 'wx0123456789abcdef';
export const SECRET = 'app-secret-for-tests';

export const FAST: Partial<WeChatTuning> = {
  replyBudgetMs: 300,
  apiBackoffMs: 5,
  continuationDelayMs: 5,
  bodyTimeoutMs: 2000,
};

export interface Harness {
  platform: FakeWeChatPlatform;
  channel: WeChatChannel;
  adapter: InProcessAdapter;
  /** Every activity the bot received, in order. */
  seen: Partial<Activity>[];
  logs: Record<string, unknown>[];
  url: string;
  /**
   * One citizen turn as a transcript runner needs it: sends `text` as `user` and returns every
   * message the citizen receives for it (the passive reply, then customer-service messages).
   */
  say(user: string, text: string, mode?: Mode): Promise<string[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  mode?: Mode;
  logic?: BotLogic;
  tuning?: Partial<WeChatTuning>;
  encodingAESKey?: string;
  previousEncodingAESKey?: string;
  /** Key the platform encrypts with (default: the channel's current key). */
  platformKey?: string;
  publicBaseUrl?: string;
  messageMode?: 'plain' | 'compatible' | 'safe';
  deps?: Partial<WeChatChannelDeps>;
  /**
   * An already started platform to put the channel behind (its key becomes the channel's), kept
   * running by close(): a "restarted" bot process faces the same platform and the same users.
   */
  platform?: FakeWeChatPlatform;
}

/**
 * A protocol-test bot:
 *   "slow <ms> …"  answers after <ms>; "buttons" offers two choices; "long <n>" answers with n
 *   paragraphs; "cdata" answers with "]]>" inside; "throw" fails; anything else is echoed with
 *   the activity's value. A member added gets a welcome.
 */
export const echoBot = (seen: Partial<Activity>[]): BotLogic =>
  async (ctx: TurnContext) => {
    const a = ctx.activity;
    seen.push(a);
    if (a.type === 'conversationUpdate') {
      for (const m of a.membersAdded ?? []) if (m.id !== a.recipient.id) await ctx.sendActivity(`欢迎关注！我是法律助手。`);
      return;
    }
    if (a.type !== 'message') return;
    const text = a.text ?? '';
    const slow = /^slow (\d+)/.exec(text);
    if (slow) await sleep(Number(slow[1]));
    if (text === 'throw') throw new Error('bot failure for the test');
    if (text === 'buttons') {
      await ctx.sendActivity({
        type: 'message',
        text: '您遇到的是哪类问题？',
        suggestedActions: {
          to: [],
          actions: [
            { type: 'imBack', title: '劳动纠纷', value: '劳动纠纷' },
            { type: 'postBack', title: '婚姻家庭', value: { topic: 'family' } },
          ],
        },
      });
      return;
    }
    const long = /^long (\d+)$/.exec(text);
    if (long) {
      const paras = Array.from({ length: Number(long[1]) }, (_, i) => `第${i + 1}段：**${'劳动者享有取得劳动报酬的权利。'.repeat(10)}**`);
      await ctx.sendActivity(paras.join('\n\n'));
      return;
    }
    if (text === 'cdata') {
      await ctx.sendActivity('before ]]></Content></xml><xml><Content>injected ]]> after');
      return;
    }
    await ctx.sendActivity(`你说：${text}${a.value !== undefined ? ` value=${JSON.stringify(a.value)}` : ''}`);
  };

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const mode = o.mode ?? 'plain';
  const encodingAESKey = o.encodingAESKey ?? o.platform?.opts.encodingAESKey ?? (mode === 'plain' ? undefined : randomAesKey());
  const platform =
    o.platform ??
    (await new FakeWeChatPlatform({
      token: TOKEN,
      appId: APPID,
      appSecret: SECRET,
      encodingAESKey: o.platformKey ?? encodingAESKey,
    }).start());
  const seen: Partial<Activity>[] = [];
  const adapter = new InProcessAdapter(o.logic ?? echoBot(seen));
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void logs.push(JSON.parse(s) as Record<string, unknown>) });
  const channel = createWeChatChannel({
    runner: adapter,
    logger,
    config: {
      token: TOKEN,
      appId: APPID,
      appSecret: SECRET,
      encodingAESKey,
      previousEncodingAESKey: o.previousEncodingAESKey,
      apiBase: platform.apiBase,
      publicBaseUrl: o.publicBaseUrl,
      // Safe mode refuses plaintext; a harness with a key in any other mode accepts both.
      messageMode: o.messageMode ?? (mode === 'safe' ? 'safe' : encodingAESKey ? 'compatible' : 'plain'),
    },
    tuning: { ...FAST, ...o.tuning },
    ...o.deps,
  });
  const app = express();
  app.use(channel.mountPath, channel.router);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  platform.botUrl = url;
  return {
    platform,
    channel,
    adapter,
    seen,
    logs,
    url,
    async say(user, text, mode = o.mode ?? 'plain') {
      const before = platform.cs.length;
      platform.botUrl = url; // a shared platform may have been pointed at another channel since
      const r = await platform.post(platform.text(user, text), { mode });
      if (r.status !== 200) throw new Error(`the channel answered ${r.status}: ${r.body}`);
      await channel.idle();
      const later = platform.cs.slice(before).filter((c) => c.touser === user).map((c) => c.content);
      return [...(r.reply?.Content ? [r.reply.Content] : []), ...later];
    },
    async close() {
      await channel.idle();
      await channel.close?.();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (!o.platform) await platform.stop();
    },
  };
}

/** Waits until `cond` holds (polling), failing after `ms`. */
export async function eventually(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * The project's dialogs/lexicon/choices.yaml with one more word for option 2 ("双"), loaded from a
 * temporary dialogs folder: proves that ordinals come from the lexicon data, not from code.
 */
export function lexiconWithExtraTwo(): ChoiceLexicon {
  const dir = mkdtempSync(join(tmpdir(), 'wechat-lexicon-'));
  try {
    mkdirSync(join(dir, 'lexicon'));
    const yaml = readFileSync(resolve(__dirname, '../../../dialogs/lexicon/choices.yaml'), 'utf8');
    const changed = yaml.replace('  2: [二, 两,', '  2: [二, 两, 双,');
    if (changed === yaml) throw new Error('choices.yaml no longer lists "2: [二, 两, …]"; update lexiconWithExtraTwo');
    writeFileSync(join(dir, 'lexicon/choices.yaml'), changed);
    return loadChoiceLexicon(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Test support for the Direct Line channel: a scripted bot (deterministic, no knowledge content)
 * behind InProcessAdapter, the channel mounted on a bare Express app, and a movable clock.
 */
import { type Activity, ActivityTypes, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import express, { type Express } from 'express';
import { InProcessAdapter } from '../../../src/bot/in-process-adapter';
import { type DirectLineChannel, type DirectLineChannelOptions, createDirectLineChannel } from '../../../src/channels/directline';
import { createLogger } from '../../../src/logger';

export const SECRET = 'test-secret-0123456789abcdef';

/** Replies "echo: <text>"; "buttons" → suggested actions and a hero card; "boom" → throws; "slow <ms>" → waits. */
export async function scriptedBot(context: TurnContext): Promise<void> {
  const a = context.activity;
  if (a.type === ActivityTypes.ConversationUpdate) {
    if (a.membersAdded?.some((m) => m.id === a.from.id)) await context.sendActivity(`welcome ${a.locale ?? 'default'}`);
    return;
  }
  if (a.type === ActivityTypes.Event) {
    await context.sendActivity(`event ${a.name}`);
    return;
  }
  const text = a.text ?? '';
  if (text === 'boom') throw new Error('scripted failure');
  const slow = /^slow (\d+)$/.exec(text);
  if (slow) await new Promise((r) => setTimeout(r, Number(slow[1])));
  if (text === 'buttons') {
    await context.sendActivity(MessageFactory.suggestedActions(['有用', '没用'], '请选择'));
    await context.sendActivity(MessageFactory.attachment(CardFactory.heroCard('卡片', undefined, ['查看依据'])));
    return;
  }
  await context.sendActivity(`echo: ${text}${a.locale ? ` [${a.locale}]` : ''}`);
}

export interface Harness {
  app: Express;
  channel: DirectLineChannel;
  adapter: InProcessAdapter;
  clock: { now: number };
}

export function harness(opts: Partial<DirectLineChannelOptions> = {}): Harness {
  const clock = { now: Date.UTC(2030, 0, 1) };
  const adapter = new InProcessAdapter(scriptedBot);
  const channel = createDirectLineChannel({
    runner: adapter,
    logger: createLogger('silent'),
    secret: SECRET,
    now: () => clock.now,
    ...opts,
  });
  const app = express();
  app.use(channel.mountPath, channel.router);
  return { app, channel, adapter, clock };
}

export function decodeClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export type Wire = Partial<Activity> & { id: string };

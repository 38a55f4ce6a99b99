/**
 * The real bot over the real knowledge folder, search engine and dialogs/, driven through the
 * InProcessAdapter — shared by the bot, conversation and state tests.
 */
import { resolve } from 'node:path';
import { type Activity, MemoryStorage, type Storage, type TurnContext } from 'botbuilder';
import { type Bot, createBot } from '../../src/bot/bot';
import { InProcessAdapter } from '../../src/bot/in-process-adapter';
import { KnowledgeBase } from '../../src/content/knowledge';
import { type LoadedFlows, loadFlows } from '../../src/dialogs/loader';
import { type FeedbackSink, type HandoffSink, MemoryFeedbackSink, MemoryHandoffSink, MemoryUnansweredSink, type UnansweredSink } from '../../src/dialogs/sinks';
import { createLogger, type Logger } from '../../src/logger';
import type { KnowledgeSearch } from '../../src/search/types';
import { knowledge, searchEngine } from '../helpers';

export const DIALOGS_DIR = resolve(__dirname, '../../dialogs');

let kb: KnowledgeBase | undefined;
let flows: LoadedFlows | undefined;

export function realKb(): KnowledgeBase {
  kb ??= new KnowledgeBase(knowledge());
  return kb;
}

export function realFlows(): LoadedFlows {
  flows ??= loadFlows(DIALOGS_DIR, realKb());
  return flows;
}

export interface TestBot extends Bot {
  adapter: InProcessAdapter;
  feedback: MemoryFeedbackSink;
  unanswered: MemoryUnansweredSink;
  handoff: MemoryHandoffSink;
  logger: Logger;
}

export function buildBot(
  opts: {
    storage?: Storage;
    search?: KnowledgeSearch;
    logger?: Logger;
    feedback?: FeedbackSink;
    unanswered?: UnansweredSink;
    handoff?: HandoffSink;
  } = {},
): TestBot {
  const feedback = new MemoryFeedbackSink();
  const unanswered = new MemoryUnansweredSink();
  const handoff = new MemoryHandoffSink();
  const logger = opts.logger ?? createLogger('silent');
  const bot = createBot({
    kb: realKb(),
    search: opts.search ?? searchEngine(),
    flows: realFlows(),
    storage: opts.storage ?? new MemoryStorage(),
    logger,
    feedback: opts.feedback ?? feedback,
    unanswered: opts.unanswered ?? unanswered,
    handoff: opts.handoff ?? handoff,
  });
  const adapter = new InProcessAdapter((ctx) => bot.bot.run(ctx));
  adapter.onTurnError = bot.onTurnError;
  return { ...bot, adapter, feedback, unanswered, handoff, logger };
}

export interface Reply {
  text: string;
  suggestions: string[];
  /** The template that produced it (channelData.template, src/dialogs/reply.ts); null: none. */
  template: string | null;
}

export function toReply(a: Partial<Activity>): Reply {
  const template = (a.channelData as { template?: unknown } | undefined)?.template;
  return {
    text: a.text ?? '',
    template: typeof template === 'string' ? template : null,
    // A button's label: what an imBack sends (its title may carry a number, "1. 离婚"), else its title.
    suggestions: (a.suggestedActions?.actions ?? []).map((x) => String(x.type === 'imBack' && typeof x.value === 'string' ? x.value : (x.title ?? x.value ?? ''))),
  };
}

export interface Chat {
  say(text: string, extra?: Partial<Activity>): Promise<Reply[]>;
  join(): Promise<Reply[]>;
}

/** One citizen's conversation on a channel. */
export function chat(adapter: InProcessAdapter, opts: { channelId?: string; conversationId?: string; userId?: string; locale?: string } = {}): Chat {
  const channelId = opts.channelId ?? 'test';
  const conversation = { id: opts.conversationId ?? `conv-${Math.random().toString(36).slice(2)}`, isGroup: false, conversationType: 'personal', name: '' };
  const from = { id: opts.userId ?? `user-${conversation.id}`, name: '' };
  return {
    async say(text, extra = {}) {
      const replies = await adapter.run({ type: 'message', text, channelId, conversation, from, locale: opts.locale, serviceUrl: 'http://localhost/none', ...extra } as Partial<Activity>);
      return replies.filter((r) => r.type === 'message').map(toReply);
    },
    async join() {
      const replies = await adapter.run({
        type: 'conversationUpdate',
        channelId,
        conversation,
        from,
        locale: opts.locale,
        membersAdded: [from],
        serviceUrl: 'http://localhost/none',
      } as Partial<Activity>);
      return replies.filter((r) => r.type === 'message').map(toReply);
    },
  };
}

/**
 * The product bot as BotLogic (for channel and end-to-end tests that only need "the real bot"):
 * real knowledge, dialogs and search (or the one given), memory state, its turn-error handler.
 * Usage: `const { logic, onTurnError } = productLogic(search); adapter.onTurnError = onTurnError;`
 */
export function productLogic(search?: KnowledgeSearch): { logic: (ctx: TurnContext) => Promise<void>; onTurnError: Bot['onTurnError']; bot: TestBot } {
  const b = buildBot({ search });
  return { logic: (ctx) => b.bot.run(ctx), onTurnError: b.onTurnError, bot: b };
}

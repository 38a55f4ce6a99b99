/**
 * The bot: a thin ActivityHandler over the dialog engine. Per turn it loads state (lazily, via
 * the engine's accessors), runs the engine, and saves ConversationState and UserState — only
 * when the turn succeeded; a failed turn goes to onTurnError, which clears the dialog state.
 * Turns of one conversation run one after another (a citizen who sends two messages quickly, or
 * a channel retry, must not interleave two turns over the same state), through the one
 * per-conversation queue (keyed-queue.ts, keyed by channel and conversation id).
 *
 *   createBot(deps) → { bot, onTurnError }
 *     bot          ActivityHandler; give bot.run.bind(bot) (or (ctx) => bot.run(ctx)) to adapters
 *     onTurnError  set as adapter.onTurnError on every adapter (CloudAdapter, InProcessAdapter)
 */
import { ActivityHandler, ConversationState, type Storage, type TurnContext, UserState } from 'botbuilder';
import type { KnowledgeBase } from '../content/knowledge';
import {
  DialogEngine,
  type FeedbackSink,
  type HandoffSink,
  type LoadedFlows,
  MemoryFeedbackSink,
  MemoryHandoffSink,
  MemoryUnansweredSink,
  type UnansweredSink,
} from '../dialogs';
import type { Logger } from '../logger';
import type { KnowledgeSearch } from '../search/types';
import { KeyedQueue } from './keyed-queue';
import type { LiveHandoff } from './live-handoff';
import { createTurnErrorHandler } from './turn-error';

export interface BotDeps {
  kb: KnowledgeBase;
  search: KnowledgeSearch;
  flows: LoadedFlows;
  storage: Storage;
  logger: Logger;
  /** Defaults to in-memory sinks (fine for tests and a single process). */
  feedback?: FeedbackSink;
  unanswered?: UnansweredSink;
  handoff?: HandoffSink;
  /** A conversation with a 12348 case talks to staff, not the engine, until hand-back. */
  live?: LiveHandoff;
}

export interface Bot {
  bot: ActivityHandler;
  onTurnError: (context: TurnContext, error: Error) => Promise<void>;
  conversationState: ConversationState;
  userState: UserState;
  sinks: { feedback: FeedbackSink; unanswered: UnansweredSink; handoff: HandoffSink };
}

class LegalAidBot extends ActivityHandler {
  private readonly queue = new KeyedQueue<string>();

  constructor(
    private readonly engine: DialogEngine,
    private readonly conversationState: ConversationState,
    private readonly userState: UserState,
    private readonly live?: LiveHandoff,
  ) {
    super();
    this.onMessage(async (context, next) => {
      await this.engine.onMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const others = (context.activity.membersAdded ?? []).filter((m) => m.id !== context.activity.recipient?.id);
      if (others.length) await this.engine.onMembersAdded(context);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    const a = context.activity;
    const key = `${a.channelId ?? ''}/${a.conversation?.id ?? ''}`;
    await this.queue.run(key, async () => {
      if (!(await this.live?.before(context))) await super.run(context);
      await this.live?.after(context);
      await this.conversationState.saveChanges(context, false);
      await this.userState.saveChanges(context, false);
    });
  }
}

export function createBot(deps: BotDeps): Bot {
  const conversationState = new ConversationState(deps.storage);
  const userState = new UserState(deps.storage);
  const sinks = {
    feedback: deps.feedback ?? new MemoryFeedbackSink(),
    unanswered: deps.unanswered ?? new MemoryUnansweredSink(),
    handoff: deps.handoff ?? new MemoryHandoffSink(),
  };
  const engine = new DialogEngine({
    kb: deps.kb,
    search: deps.search,
    flows: deps.flows,
    sinks,
    logger: deps.logger,
    conversationState,
    userState,
  });
  const bot = new LegalAidBot(engine, conversationState, userState, deps.live);
  const onTurnError = createTurnErrorHandler({ logger: deps.logger, translator: deps.flows.translator, conversationState, userState });
  return { bot, onTurnError, conversationState, userState, sinks };
}

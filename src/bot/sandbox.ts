/**
 * A bot nobody is talking to: the real bot (createBot) over the given knowledge, search and flows,
 * with memory state, memory sinks and a silent logger, driven in process. For tools that play
 * messages against the live content without recording anything anywhere: the editors' test pane
 * and the conversation evaluator. Each sandbox keeps its own state; nothing is shared with the
 * serving bot.
 */
import { MemoryStorage } from 'botbuilder';
import type { KnowledgeBase } from '../content/knowledge';
import { type LoadedFlows, MemoryFeedbackSink, MemoryHandoffSink, MemoryUnansweredSink } from '../dialogs';
import { createLogger } from '../logger';
import type { KnowledgeSearch } from '../search/types';
import { createBot } from './bot';
import { InProcessAdapter } from './in-process-adapter';

export interface SandboxDeps {
  kb: KnowledgeBase;
  search: KnowledgeSearch;
  flows: LoadedFlows;
}

export interface Sandbox {
  adapter: InProcessAdapter;
  /** What the bot recorded as feedback (the evaluator reads it; nothing else does). */
  feedback: MemoryFeedbackSink;
}

export function createSandbox(deps: SandboxDeps): Sandbox {
  const feedback = new MemoryFeedbackSink();
  const bot = createBot({
    kb: deps.kb,
    search: deps.search,
    flows: deps.flows,
    storage: new MemoryStorage(),
    logger: createLogger('silent'),
    feedback,
    unanswered: new MemoryUnansweredSink(),
    handoff: new MemoryHandoffSink(),
  });
  const adapter = new InProcessAdapter((ctx) => bot.bot.run(ctx));
  adapter.onTurnError = bot.onTurnError;
  return { adapter, feedback };
}

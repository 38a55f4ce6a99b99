/**
 * The bot's turn logic. PLACEHOLDER until the dialog engine lands: answers a message with the best
 * knowledge entry and its source, or says it is not sure. The conversations work replaces this
 * with a thin ActivityHandler that loads state, runs the flow engine and saves state.
 */
import { ActivityHandler, MessageFactory } from 'botbuilder';
import type { KnowledgeSearch } from '../search/types';

export function createBot(deps: { search: KnowledgeSearch }): ActivityHandler {
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    const text = (context.activity.text ?? '').trim();
    const r = deps.search.search(text, { top: 3 });
    const best = r.results[0];
    if (r.confident && best) {
      const src = best.entry.sources.map((s) => ('law' in s ? `《${s.law.replace(/^中华人民共和国/, '')}》${s.article}` : s.procedure)).join('；');
      await context.sendActivity(MessageFactory.text(`${best.entry.title}\n\n${best.entry.body}\n\n依据：${src}`));
    } else {
      await context.sendActivity(MessageFactory.text('抱歉，我没有找到确定的答案。您可以换个说法，或拨打 12348 公共法律服务热线。'));
    }
    await next();
  });
  return bot;
}

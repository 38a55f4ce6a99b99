/**
 * Test support for measuring answers in the browser: a BotLogic that answers "show:<entry id>"
 * with exactly the reply the answer step sends for that entry (same view, template and activity
 * shape), so every entry can be shown in one conversation without depending on search. That the
 * reply is the product's is checked in test/e2e/answer-bot.test.ts against the real bot.
 */
import type { TurnContext } from 'botbuilder';
import type { Locale } from '../../src/content/schema';
import { localeFromTag } from '../../src/i18n/locale';
import { replyActivity } from '../../src/dialogs/interpreter';
import { answerView } from '../../src/dialogs/answer-view';
import { CODE_KEYS, CODE_TEMPLATES } from '../../src/dialogs/ids';
import type { BotLogic } from '../../src/bot/in-process-adapter';
import { realFlows, realKb } from '../bot/harness';

/** The text and button labels the answer step shows for an entry (no district known). */
export function answerReply(entryId: string, locale: Locale): { text: string; suggestions: string[]; full: string } {
  const kb = realKb();
  const flows = realFlows();
  const entry = kb.entry(entryId, locale) ?? kb.entry(entryId, 'zh-CN');
  if (!entry) throw new Error(`no entry ${entryId}`);
  const view = answerView(kb, flows.routes, entry, locale, undefined);
  const t = (k: string) => flows.translator.t(locale, k);
  const text = flows.templates.render(CODE_TEMPLATES.answer, locale, { locale, en: locale === 'en', slots: {}, labels: {}, answer: view });
  const suggestions = [
    ...view.followups.map((f) => f.title),
    t('answer.more'),
    ...(flows.offers.get(entry.topic) ?? []).map((o) => t(o.label)),
    t(CODE_KEYS.helpful),
    t(CODE_KEYS.unhelpful),
  ];
  const full = flows.templates.render('answer-full', locale, { locale, en: locale === 'en', slots: {}, labels: {}, answer: view });
  return { text, suggestions, full };
}

/** Entry ids of a locale (every entry has a Chinese one), in file order. */
export function entryIds(locale: Locale = 'zh-CN'): string[] {
  return realKb()
    .entries.filter((e) => e.locale === locale)
    .map((e) => e.id);
}

export const answerBot: BotLogic = async (ctx: TurnContext) => {
  if (ctx.activity.type !== 'message') return;
  const m = /^show:(\S+)$/.exec(ctx.activity.text?.trim() ?? '');
  if (!m) return;
  const locale = localeFromTag(ctx.activity.locale) ?? 'zh-CN';
  await ctx.sendActivity(replyActivity({ ...answerReply(m[1]!, locale), expectsInput: true }, locale));
};

/**
 * The test pane: one question through the live base, everything an editor needs to see why the bot
 * answers as it does — the analysed terms (segmentation, synonyms, concept classes), every ranked
 * entry with its score and which words matched in which field, the verdict with its probability,
 * threshold and features, the emergency detector's decision and signals, and the reply itself as
 * a citizen would get it on web chat and on WeChat. The reply comes from the real bot in a sandbox
 * (bot/sandbox.ts: over the live knowledge, search and flows, memory state and sinks: nothing is
 * recorded) and, for WeChat, the channel's own renderer (renderActivities + planMessages).
 * Contract: never records anything about the question; never throws for any string.
 */
import type { Activity } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import { createSandbox } from '../bot/sandbox';
import { DEFAULT_TUNING } from '../channels/wechat';
import { planMessages, renderActivities } from '../channels/wechat/render';
import type { KnowledgeBase } from '../content/knowledge';
import type { Locale } from '../content/schema';
import { detectEmergency, type LoadedFlows } from '../dialogs';
import { CALIBRATION } from '../search/calibration';
import type { SearchEngine } from '../search/engine';
import type { KnowledgeSearch } from '../search/types';
import { BIGRAM_MARK, CONCEPT_MARK } from '../search/pipeline';

export interface TryDeps {
  /** The live search: what the bot asks, and its engine for the explanation. */
  search: KnowledgeSearch & { engine: SearchEngine };
  kb: KnowledgeBase;
  flows: LoadedFlows;
}

export interface WebReply {
  text: string;
  buttons: string[];
}

export function createTryPane(deps: TryDeps) {
  const { adapter } = createSandbox(deps);
  const t = (locale: Locale, key: string, vars?: Record<string, unknown>) => deps.flows.translator.t(locale, key, vars);

  async function turn(q: string, channelId: string, locale: Locale): Promise<Partial<Activity>[]> {
    const id = `editor-try-${randomUUID()}`;
    const out = await adapter.run({
      type: 'message',
      text: q,
      channelId,
      conversation: { id, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: `editor-${id}`, name: '' },
      locale,
      serviceUrl: 'http://localhost/none',
    } as Partial<Activity>);
    return out.filter((a) => a.type === 'message');
  }

  return async function tryQuestion(q: string, locale: Locale = 'zh-CN') {
    const engine = deps.search.engine;
    const analysis = engine.analyzer.analyse(q);
    const r = engine.judge(q, { locale });
    const danger = detectEmergency(q, deps.flows.emergency);
    const [web, wechatActs] = await Promise.all([turn(q, 'directline', locale), turn(q, 'wechat', locale)]);
    const wechat = await planMessages(renderActivities(wechatActs, t, locale), { t, maxPartBytes: DEFAULT_TUNING.maxPartBytes, maxParts: DEFAULT_TUNING.maxPartsPerAnswer });
    return {
      q,
      locale,
      analysis: {
        words: analysis.words.filter((w) => !w.startsWith(CONCEPT_MARK)),
        concepts: analysis.words.filter((w) => w.startsWith(CONCEPT_MARK)).map((w) => w.slice(CONCEPT_MARK.length)),
        bigrams: analysis.bigrams.map((b) => b.replace(BIGRAM_MARK, '')),
      },
      verdict: {
        confident: r.confident,
        reason: r.reason,
        probability: r.probability === undefined ? null : Number(r.probability.toFixed(3)),
        threshold: CALIBRATION.threshold,
        features: r.features ?? null,
      },
      results: r.results.slice(0, 8).map((h) => ({
        id: h.id,
        title: h.title,
        topic: h.topic,
        score: Number(h.score.toFixed(4)),
        resembles: h.resembles,
        explain: h.explain,
      })),
      emergency: danger ? { level: danger.level, categories: danger.categories, calls: danger.calls, matched: danger.matched, frames: danger.frames } : null,
      reply: {
        web: web.map((a) => ({ text: a.text ?? '', buttons: (a.suggestedActions?.actions ?? []).map((x) => String(x.title ?? '')) })) as WebReply[],
        wechat,
      },
    };
  };
}

export type TryResult = Awaited<ReturnType<ReturnType<typeof createTryPane>>>;

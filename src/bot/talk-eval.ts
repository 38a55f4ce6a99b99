/**
 * Conversation-level evaluation: the real bot in a sandbox (sandbox.ts: createBot over the given
 * knowledge, search and flows, memory state and sinks, driven in process), one new conversation per
 * item of a talk set (test/fixtures/blind/talk.yaml, talk-b.yaml, talk-c.yaml: `{ tune: TalkSet, holdout: TalkSet }`).
 * It measures what a unit test of one matcher cannot: what the citizen actually gets back.
 *   acknowledgement  "好的", "谢谢": no knowledge entry, not "please rephrase", no "您想问的是"
 *   chitchat         "今天天气怎么样": told what the bot covers (a scope template), no entry, no rephrase
 *   out_of_scope     "红烧肉怎么做": the same
 *   feedback         after an answer, a typed "有"/"没用" is recorded helpful/unhelpful as expected
 *   followup         `first`, then the elliptical `then`: the entry shown in reply to `then` has
 *                    one of the expected topics (counted apart, not as passed: a "您想问的是"
 *                    whose every option is an entry of an expected topic — narrowed, not answered)
 * Replies carry no template id, so they are read by text: an entry is shown when a reply starts
 * with its bold title (the answer template), a template produced a reply when the reply contains
 * the template's first rendered line.
 * Contract: evaluateTalk(set, deps) → TalkReport; readTalkFile(path) validates the file with zod
 * (errors name the field). Never writes anywhere but memory.
 */
import { readFileSync } from 'node:fs';
import type { Activity } from 'botbuilder';
import { parse } from 'yaml';
import { z } from 'zod';
import type { KnowledgeBase } from '../content/knowledge';
import type { Locale } from '../content/schema';
import type { LoadedFlows } from '../dialogs';
import type { KnowledgeSearch } from '../search/types';
import { createSandbox } from './sandbox';

const text = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1));
const topics = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
export const talkSetSchema = z
  .object({
    acknowledgement: z.array(text).default([]),
    chitchat: z.array(text).default([]),
    out_of_scope: z.array(text).default([]),
    feedback: z.array(z.object({ q: text, helpful: z.boolean() }).strict()).default([]),
    followup: z.array(z.object({ first: text, then: text, topic: topics }).strict()).default([]),
  })
  .strict();
export type TalkSet = z.infer<typeof talkSetSchema>;
export const talkFileSchema = z.object({ tune: talkSetSchema, holdout: talkSetSchema }).strict();
export type TalkFile = z.infer<typeof talkFileSchema>;

export class TalkSetError extends Error {
  constructor(
    readonly file: string,
    readonly issues: string[],
  ) {
    super(`${file}: ${issues.join('; ')}`);
    this.name = 'TalkSetError';
  }
}

export function readTalkFile(path: string): TalkFile {
  const r = talkFileSchema.safeParse(parse(readFileSync(path, 'utf8')));
  if (!r.success) throw new TalkSetError(path, r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return r.data;
}

export interface TalkDeps {
  kb: KnowledgeBase;
  search: KnowledgeSearch;
  flows: LoadedFlows;
  locale?: Locale;
}

/** One item that did not pass, with what the bot said (for the tuning half only). */
export interface TalkFailure {
  input: string;
  why: string;
  reply: string;
}

export interface TalkScore {
  total: number;
  passed: number;
  failures: TalkFailure[];
}

export interface TalkReport {
  acknowledgement: TalkScore;
  chitchat: TalkScore;
  out_of_scope: TalkScore;
  feedback: TalkScore;
  followup: TalkScore;
  /** Follow-ups whose first message was not answered with an entry (the second cannot be read in context). */
  followupFirstUnanswered: number;
  /** Follow-ups not answered but narrowed: every option offered is an entry of an expected topic. */
  followupNarrowed: number;
  /** Follow-ups answered with an entry of another topic (the worst outcome: confidently wrong). */
  followupWrongTopic: number;
}

/** A question the bot answers confidently, asked before each feedback item. */
export const FEEDBACK_PRIMER = '老板拖欠我三个月工资怎么办';
/** Templates that tell the citizen what the bot covers. */
export const SCOPE_TEMPLATES = ['out-of-scope', 'small-talk', 'welcome', 'help'] as const;
const REPHRASE = 'rephrase';
const CLARIFY = 'clarify';

interface Reply {
  text: string;
  suggestions: string[];
}

function firstLine(flows: LoadedFlows, name: string, locale: Locale): string | undefined {
  if (!flows.templates.has(name)) return undefined;
  try {
    const out = flows.templates.render(name, locale, { locale, en: locale === 'en', slots: {}, labels: {} });
    return out.split('\n').map((l) => l.trim()).find((l) => l.length >= 4);
  } catch {
    return undefined;
  }
}

class Reader {
  private readonly titles = new Map<string, { id: string; topic: string }>();
  private readonly scope: string[];
  private readonly rephrase?: string;
  private readonly clarify?: string;

  constructor(deps: TalkDeps, locale: Locale) {
    for (const e of deps.kb.entries) if (!this.titles.has(e.title)) this.titles.set(e.title, { id: e.id, topic: e.topic });
    this.scope = SCOPE_TEMPLATES.map((t) => firstLine(deps.flows, t, locale)).filter((l): l is string => !!l);
    this.rephrase = firstLine(deps.flows, REPHRASE, locale);
    this.clarify = firstLine(deps.flows, CLARIFY, locale);
  }

  /** The entries offered as buttons ("您想问的是：" lists entry titles), if every button but the last names one. */
  offered(replies: Reply[]): { id: string; topic: string }[] {
    const buttons = replies.flatMap((r) => r.suggestions);
    // Buttons may be numbered ("1. 劳动仲裁怎么申请").
    const found = buttons.map((b) => this.titles.get(b.replace(/^\d+[.、]\s*/, ''))).filter((e): e is { id: string; topic: string } => !!e);
    return found.length && found.length >= buttons.length - 1 ? found : [];
  }

  /** The knowledge entry a reply shows (the answer template starts with its bold title). */
  entry(replies: Reply[]): { id: string; topic: string } | undefined {
    for (const r of replies) {
      const m = /^\*\*(.+?)\*\*/m.exec(r.text);
      // Phone numbers in titles are rendered as links ("[12315](tel:12315)"): compare the text.
      const e = m ? this.titles.get(m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').trim()) : undefined;
      if (e) return e;
    }
    return undefined;
  }

  rephrased = (replies: Reply[]) => !!this.rephrase && replies.some((r) => r.text.includes(this.rephrase!));
  clarified = (replies: Reply[]) => !!this.clarify && replies.some((r) => r.text.includes(this.clarify!));
  toldScope = (replies: Reply[]) => replies.some((r) => this.scope.some((l) => r.text.includes(l)));
}

const shown = (replies: Reply[]) => replies.map((r) => r.text.split('\n')[0]).join(' / ').slice(0, 160);

/** Plays every item of `set` against a fresh bot; one conversation per item. */
export async function evaluateTalk(set: TalkSet, deps: TalkDeps): Promise<TalkReport> {
  const locale = deps.locale ?? 'zh-CN';
  const { adapter, feedback } = createSandbox(deps);
  const read = new Reader(deps, locale);
  let n = 0;
  const conversation = () => {
    const id = `talk-eval-${++n}`;
    return async (message: string): Promise<Reply[]> => {
      const out = await adapter.run({
        type: 'message',
        text: message,
        channelId: 'test',
        conversation: { id, isGroup: false, conversationType: 'personal', name: '' },
        from: { id: `user-${id}`, name: '' },
        locale,
        serviceUrl: 'http://localhost/none',
      } as Partial<Activity>);
      return out
        .filter((a) => a.type === 'message')
        .map((a) => ({ text: a.text ?? '', suggestions: (a.suggestedActions?.actions ?? []).map((x) => String(x.title ?? '')) }));
    };
  };
  const score = (): TalkScore => ({ total: 0, passed: 0, failures: [] });
  const report: TalkReport = {
    acknowledgement: score(),
    chitchat: score(),
    out_of_scope: score(),
    feedback: score(),
    followup: score(),
    followupFirstUnanswered: 0,
    followupNarrowed: 0,
    followupWrongTopic: 0,
  };
  const tally = (s: TalkScore, input: string, why: string | undefined, replies: Reply[]) => {
    s.total++;
    if (!why) s.passed++;
    else s.failures.push({ input, why, reply: shown(replies) });
  };

  for (const q of set.acknowledgement) {
    const r = await conversation()(q);
    const e = read.entry(r);
    tally(report.acknowledgement, q, e ? `entry ${e.id}` : read.rephrased(r) ? 'rephrase' : read.clarified(r) ? 'clarify' : undefined, r);
  }
  for (const [key, list] of [['chitchat', set.chitchat], ['out_of_scope', set.out_of_scope]] as const) {
    for (const q of list) {
      const r = await conversation()(q);
      const e = read.entry(r);
      const why = e ? `entry ${e.id}` : read.rephrased(r) ? 'rephrase' : !read.toldScope(r) ? 'scope not told' : undefined;
      tally(report[key], q, why, r);
    }
  }
  for (const item of set.feedback) {
    const say = conversation();
    const first = await say(FEEDBACK_PRIMER);
    const before = feedback.records.length;
    const r = await say(item.q);
    const rec = feedback.records.slice(before);
    let why: string | undefined;
    if (!read.entry(first)) why = 'primer not answered';
    else if (rec.length !== 1) why = rec.length ? `${rec.length} records` : `not recorded (expected ${item.helpful ? 'helpful' : 'unhelpful'})`;
    else if (rec[0]!.helpful !== item.helpful) why = `recorded ${rec[0]!.helpful ? 'helpful' : 'unhelpful'}`;
    tally(report.feedback, item.q, why, r);
  }
  for (const item of set.followup) {
    const say = conversation();
    const first = await say(item.first);
    if (!read.entry(first)) report.followupFirstUnanswered++;
    const r = await say(item.then);
    const want = Array.isArray(item.topic) ? item.topic : [item.topic];
    const e = read.entry(r);
    const offered = !e && read.clarified(r) ? read.offered(r) : [];
    if (offered.length && offered.every((o) => want.includes(o.topic))) report.followupNarrowed++;
    if (e && !want.includes(e.topic)) report.followupWrongTopic++;
    const why = !e ? (read.clarified(r) ? `clarify, no entry (${offered.map((o) => o.topic).join(',')})` : 'no entry') : !want.includes(e.topic) ? `entry ${e.id} (${e.topic})` : undefined;
    tally(report.followup, `${item.first} → ${item.then}`, why, r);
  }
  return report;
}

/** "acknowledgement 24/25 (96.0 %)" lines; failures only when asked (never for a held-out half). */
export function formatTalkReport(report: TalkReport, opts: { failures?: boolean } = {}): string {
  const lines: string[] = [];
  for (const key of ['acknowledgement', 'chitchat', 'out_of_scope', 'feedback', 'followup'] as const) {
    const s = report[key];
    const pct = s.total ? ((100 * s.passed) / s.total).toFixed(1) : '-';
    lines.push(`${key.padEnd(16)} ${s.passed}/${s.total} (${pct} %)${key === 'followup' ? `; not answered but narrowed to the topic ${report.followupNarrowed}, answered in a wrong topic ${report.followupWrongTopic}, first message unanswered ${report.followupFirstUnanswered}` : ''}`);
    if (opts.failures) for (const f of s.failures) lines.push(`    ✗ ${f.input}: ${f.why} — ${f.reply}`);
  }
  return lines.join('\n');
}

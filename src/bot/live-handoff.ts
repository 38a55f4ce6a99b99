/**
 * LiveHandoff: the bot turn's check, before the dialog engine, for a conversation that has a
 * 12348 case. While the case waits or a staff member holds it, the citizen's messages go to the
 * case (staff see them live), not to the bot — except:
 *   - danger now ("他又来打我了"): relayed and the case marked urgent, and the engine still answers
 *     with 110 first (safety before everything);
 *   - "取消": the case closes (outcome "cancelled") and the bot resumes;
 *   - "什么时候回复我" / "有人吗": answered from the case (queue position, who holds it), not search.
 * After staff hand back, the next message is read as the rating (1–5 and a word); anything else
 * goes to the bot and the rating is not asked again.
 * After the turn that created a case: the queue position, staffed hours (and outside them the
 * hotline and call-back), and Bot Framework's handoff.initiate event with the transcript, so an
 * agent hub of the deployment can take over instead.
 * It also keeps the recent transcript of every conversation (RecentTranscripts) for new cases.
 */
import { type Activity, ActivityTypes, EventFactory, type TurnContext } from 'botbuilder';
import type { Case } from '../cases/model';
import type { CaseEvents } from '../cases/events';
import type { CaseHandoffSink } from '../cases/handoff-sink';
import type { StaffedHours } from '../cases/hours';
import { type HandoffLexicon, isCancel, isStatusQuestion } from '../cases/lexicon';
import type { CaseStore } from '../cases/store';
import { conversationKey, type RecentTranscripts } from '../cases/transcripts';
import type { Locale } from '../content/schema';
import { detectEmergency, type EmergencyRules, replyActivity, sanitizeInput, storedText } from '../dialogs';
import type { Translator } from '../i18n/i18n';
import { isLocale } from '../i18n/locale';
import type { Logger } from '../logger';

export interface LiveHandoffDeps {
  cases: CaseStore;
  sink: CaseHandoffSink;
  events: CaseEvents;
  transcripts: RecentTranscripts;
  lexicon: HandoffLexicon;
  emergency: EmergencyRules;
  hours: StaffedHours;
  translator: Translator;
  logger: Logger;
  /** A staff member's display name (the citizen is told who holds their case). */
  staffName?: (username: string) => Promise<string | undefined>;
  now?: () => Date;
}

const RATING = /^\s*([1-5１-５一二三四五])(?![0-9０-９十百千万])\s*(?:分|星|颗星|stars?)?\s*[,，.。!！:：、;；\-—~～\s]*([\s\S]*)$/u;
const CN_SCORE: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5 };

/** "5", "4分 很耐心", "五星" → score and comment; anything else → undefined. */
export function parseRating(text: string): { score: 1 | 2 | 3 | 4 | 5; comment?: string } | undefined {
  const m = RATING.exec(text.normalize('NFKC'));
  if (!m) return undefined;
  const score = (CN_SCORE[m[1]!] ?? Number(m[1])) as 1 | 2 | 3 | 4 | 5;
  const comment = m[2]?.trim();
  return comment ? { score, comment: storedText(comment) } : { score };
}

export const RATING_CHOICES = ['1', '2', '3', '4', '5'];

/** "1-5 09:00-17:00" → "周一至周五 09:00–17:00" in the citizen's language. */
export function describeHours(hours: StaffedHours, t: (key: string, vars?: Record<string, unknown>) => string): string {
  const days = t('live.days').split('|');
  return hours.spec
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const m = /^([1-7])(?:-([1-7]))?\s+(\S+)-(\S+)$/.exec(p);
      if (!m) return p;
      const from = days[Number(m[1]) - 1] ?? m[1];
      const range = m[2] && m[2] !== m[1] ? t('live.day-range', { from, to: days[Number(m[2]) - 1] ?? m[2] }) : from;
      return `${range} ${m[3]}–${m[4]}`;
    })
    .join('；');
}

export class LiveHandoff {
  private readonly now: () => Date;

  constructor(private readonly deps: LiveHandoffDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private locale(c: Case | undefined, context: TurnContext): Locale {
    const l = c?.locale ?? context.activity.locale;
    return isLocale(l) ? l : 'zh-CN';
  }

  private t(locale: Locale, key: string, vars?: Record<string, unknown>): string {
    return this.deps.translator.t(locale, key, vars);
  }

  private async reply(context: TurnContext, c: Case | undefined, text: string, suggestions: string[] = []): Promise<void> {
    await context.sendActivity({ ...replyActivity({ text, suggestions }, this.locale(c, context)), textFormat: 'plain' });
  }

  /** Keeps what the bot says in the recent transcript (and in the case while one is live). */
  private watchReplies(context: TurnContext, key: string): void {
    context.onSendActivities(async (_ctx, activities, next) => {
      const at = this.now().toISOString();
      for (const a of activities) {
        if ((a.type ?? 'message') === 'message' && a.text) this.deps.transcripts.add(key, { at, kind: 'bot', text: a.text });
      }
      return next();
    });
  }

  /**
   * True when the turn is handled here and the dialog engine must not run. If the case store
   * fails, the bot answers as if there were no case (logged): a database outage must never keep
   * a citizen from the bot — least of all from the 110 answer to danger.
   */
  async before(context: TurnContext): Promise<boolean> {
    try {
      return await this.relay(context);
    } catch (err) {
      this.deps.logger.error({ err, conversation: context.activity.conversation?.id }, 'live handoff check failed; the bot answers');
      return false;
    }
  }

  private async relay(context: TurnContext): Promise<boolean> {
    const a = context.activity;
    const channelId = a.channelId ?? 'unknown';
    const conversationId = a.conversation?.id ?? 'unknown';
    const key = conversationKey(channelId, conversationId);
    this.watchReplies(context, key);
    if (a.type !== ActivityTypes.Message) return false;
    const { text } = sanitizeInput(a.text);
    const at = this.now().toISOString();
    if (text) this.deps.transcripts.add(key, { at, kind: 'citizen', text });
    const c = await this.deps.cases.findForConversation(channelId, conversationId);
    if (!c || !text) return false;
    const log = { case: c.id, channel: channelId };
    const locale = this.locale(c, context);

    if (c.status === 'waiting' || c.status === 'active') {
      if (isCancel(text, this.deps.lexicon)) {
        await this.deps.cases.append(c.id, { at, kind: 'citizen', text });
        await this.deps.cases.close(c.id, 'cancelled', at);
        await this.deps.cases.audit({ at, actor: 'citizen', action: 'cancel', caseId: c.id });
        this.deps.events.emit('updated', c.id);
        this.deps.logger.info(log, 'handoff cancelled by the citizen');
        await context.sendActivity(EventFactory.createHandoffStatus(a.conversation, 'completed', 'cancelled by the user'));
        await this.reply(context, c, this.t(locale, 'live.cancelled'));
        return true;
      }
      await this.deps.cases.append(c.id, { at, kind: 'citizen', text });
      this.deps.events.emit('message', c.id);
      if (detectEmergency(text, this.deps.emergency)) {
        await this.deps.cases.markUrgent(c.id);
        this.deps.events.emit('updated', c.id);
        this.deps.logger.warn(log, 'emergency signal during a live handoff: case marked urgent, the bot answers');
        return false;
      }
      if (isStatusQuestion(text, this.deps.lexicon)) {
        await this.say(context, c, await this.statusText(c, locale));
        return true;
      }
      if (c.status === 'waiting') await this.say(context, c, this.t(locale, 'live.ack'));
      return true;
    }

    if (c.awaitingRating) {
      const rating = parseRating(text);
      await this.deps.cases.rate(c.id, rating);
      this.deps.events.emit('updated', c.id);
      if (!rating) return false;
      await this.deps.cases.append(c.id, { at, kind: 'citizen', text });
      await this.reply(context, c, this.t(locale, 'live.rating-thanks'));
      return true;
    }
    return false;
  }

  /** A reply that also goes into the case transcript (staff see what the bot told the citizen). */
  private async say(context: TurnContext, c: Case, text: string): Promise<void> {
    await this.deps.cases.append(c.id, { at: this.now().toISOString(), kind: 'bot', text });
    await this.reply(context, c, text);
  }

  private async statusText(c: Case, locale: Locale): Promise<string> {
    if (c.status === 'active') {
      const name = c.assignee ? ((await this.deps.staffName?.(c.assignee).catch(() => undefined)) ?? '') : '';
      return this.t(locale, 'live.status-active', { name });
    }
    const position = (await this.deps.cases.queuePosition(c.id)) ?? 1;
    const parts = [this.t(locale, 'live.status-waiting', { position })];
    if (!this.deps.hours.isOpen(this.now())) parts.push(this.afterHours(c, locale));
    return parts.join('\n\n');
  }

  private afterHours(c: Case, locale: Locale): string {
    const hours = describeHours(this.deps.hours, (k, v) => this.t(locale, k, v));
    return [this.t(locale, 'live.after-hours', { hours }), this.t(locale, c.contact ? 'live.after-hours-callback' : 'live.after-hours-no-callback')].join('');
  }

  /** After the engine: a case created in this turn gets its queue message and handoff.initiate. */
  async after(context: TurnContext): Promise<void> {
    try {
      await this.announce(context);
    } catch (err) {
      this.deps.logger.error({ err, conversation: context.activity.conversation?.id }, 'could not announce a new case (it is stored)');
    }
  }

  private async announce(context: TurnContext): Promise<void> {
    const a = context.activity;
    const c = this.deps.sink.takeCreated(a.channelId ?? 'unknown', a.conversation?.id ?? 'unknown');
    if (!c) return;
    // What the bot said in this turn after the case was stored ("已经转给 12348 …") belongs to it too.
    const said = this.deps.transcripts.get(conversationKey(c.channelId, c.conversationId)).filter((e) => e.kind === 'bot' && e.at > c.createdAt);
    for (const e of said) await this.deps.cases.append(c.id, e);
    const locale = this.locale(c, context);
    const position = (await this.deps.cases.queuePosition(c.id)) ?? 1;
    const hours = describeHours(this.deps.hours, (k, v) => this.t(locale, k, v));
    const open = this.deps.hours.isOpen(this.now());
    const text = [this.t(locale, 'live.queued', { position }), open ? this.t(locale, 'live.open-now', { hours }) : this.afterHours(c, locale)].join('');
    await this.say(context, c, text);
    const full = await this.deps.cases.getWithTranscript(c.id);
    const activities: Partial<Activity>[] = (full?.transcript ?? []).map((e) => ({
      type: ActivityTypes.Message,
      text: e.text,
      timestamp: new Date(e.at),
      from: e.kind === 'citizen' ? a.from : a.recipient,
    }));
    const initiate = EventFactory.createHandoffInitiation(
      context,
      { caseId: c.id, skill: '12348', district: c.district?.code, topic: c.topic, urgent: c.urgent, summary: c.summary.line },
      { activities: activities as Activity[] },
    );
    await context.sendActivity(initiate);
    this.deps.logger.info({ case: c.id, channel: c.channelId, urgent: c.urgent, position }, 'case created from handoff');
  }
}

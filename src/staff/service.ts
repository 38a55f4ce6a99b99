/**
 * What staff do with cases, with the rules around it: who may act (the holder of a case, or an
 * admin), the audit log (who opened, claimed, replied to, noted, transferred, handed back and
 * closed which case), live events for the console, the citizen's side (their own channel gets the
 * staff message; hand-back and the rating question) and Bot Framework handoff.status events.
 * The HTTP API (api.ts) is a thin layer over this; so is anything else that integrates.
 */
import { type Activity, EventFactory } from 'botbuilder';
import type { Deliveries, DeliveryResult } from '../cases/delivery';
import type { CaseEvents } from '../cases/events';
import { type Case, type CaseFilter, type CaseId, type CaseWithTranscript, OUTCOMES, type Outcome } from '../cases/model';
import type { CaseStore } from '../cases/store';
import type { Locale } from '../content/schema';
import { replyActivity } from '../dialogs';
import type { Translator } from '../i18n/i18n';
import { isLocale } from '../i18n/locale';
import type { Logger } from '../logger';
import { RATING_CHOICES } from '../bot/live-handoff';
import type { StaffUser, StaffUsers } from './users';

export const MAX_MESSAGE_CHARS = 2000;
/** WeChat's customer-service window after the citizen's last message. */
export const WECHAT_WINDOW_MS = 48 * 3600_000;

export class StaffError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StaffError';
  }
}

export interface MessageOutcome {
  delivery: DeliveryResult;
  /** Set when the message could not reach the citizen now: what staff can do instead. */
  callback?: { contact?: string; advice: string };
}

export interface StaffServiceDeps {
  cases: CaseStore;
  users: StaffUsers;
  events: CaseEvents;
  deliveries: Deliveries;
  translator: Translator;
  logger: Logger;
  now?: () => Date;
}

/** One "open" audit entry per person and case in this window (the console re-reads a case on every live update). */
const OPEN_AUDIT_WINDOW_MS = 10 * 60_000;

export class StaffService {
  private readonly now: () => Date;
  private readonly lastOpen = new Map<string, number>();

  constructor(private readonly deps: StaffServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private ts(): string {
    return this.now().toISOString();
  }

  private async audit(actor: StaffUser, action: string, caseId?: CaseId, detail?: string): Promise<void> {
    await this.deps.cases.audit({ at: this.ts(), actor: actor.username, action, caseId, detail });
  }

  private async load(id: CaseId): Promise<Case> {
    const c = await this.deps.cases.get(id);
    if (!c) throw new StaffError(404, 'not-found', 'no such case');
    return c;
  }

  private mustHold(c: Case, actor: StaffUser, action: string): void {
    if (c.status !== 'active') throw new StaffError(409, 'not-active', `cannot ${action}: the case is ${c.status}`);
    if (c.assignee !== actor.username && actor.role !== 'admin') {
      throw new StaffError(403, 'not-yours', `cannot ${action}: the case is held by ${c.assignee}`);
    }
  }

  private locale(c: Case): Locale {
    return isLocale(c.locale) ? c.locale : 'zh-CN';
  }

  private say(c: Case, key: string, vars?: Record<string, unknown>, suggestions: string[] = []): Partial<Activity> {
    return { ...replyActivity({ text: this.deps.translator.t(this.locale(c), key, vars), suggestions }, this.locale(c)), textFormat: 'plain' };
  }

  private async send(c: Case, activities: Partial<Activity>[]): Promise<DeliveryResult> {
    const r = await this.deps.deliveries.deliver(c.reference, activities);
    if (r.status !== 'delivered') this.deps.logger.warn({ case: c.id, channel: c.channelId, status: r.status, reason: r.reason }, 'staff message not delivered now');
    return r;
  }

  private status(c: Case, state: 'accepted' | 'completed' | 'failed', message?: string): Partial<Activity> {
    return EventFactory.createHandoffStatus({ id: c.conversationId, isGroup: false, conversationType: 'personal', name: '' }, state, message);
  }

  private async displayName(username: string): Promise<string> {
    return (await this.deps.users.get(username))?.displayName ?? username;
  }

  list(f: CaseFilter): Promise<Case[]> {
    return this.deps.cases.list(f);
  }

  async open(id: CaseId, actor: StaffUser): Promise<CaseWithTranscript> {
    const c = await this.deps.cases.getWithTranscript(id);
    if (!c) throw new StaffError(404, 'not-found', 'no such case');
    const key = `${actor.username}/${id}`;
    const t = this.now().getTime();
    if (t - (this.lastOpen.get(key) ?? -Infinity) >= OPEN_AUDIT_WINDOW_MS) {
      await this.audit(actor, 'open', id);
      this.lastOpen.set(key, t);
      if (this.lastOpen.size > 50_000) this.lastOpen.clear();
    }
    return c;
  }

  /** Whether a message can reach the citizen now (WeChat: 48 hours after their last message). */
  windowOf(c: Case): 'open' | 'closed' | 'unknown' {
    const d = this.deps.deliveries.for(c.channelId);
    if (d?.window) return d.window(c.reference, c.lastCitizenAt);
    return d ? 'open' : 'unknown';
  }

  async claim(id: CaseId, actor: StaffUser): Promise<Case> {
    await this.load(id);
    const c = await this.deps.cases.claim(id, actor.username, this.ts());
    await this.audit(actor, 'claim', id);
    this.deps.events.emit('updated', id);
    await this.send(c, [this.status(c, 'accepted'), this.say(c, 'live.claimed', { name: actor.displayName })]);
    return c;
  }

  async message(id: CaseId, actor: StaffUser, text: string): Promise<MessageOutcome> {
    const body = cleanStaffText(text);
    const c = await this.load(id);
    this.mustHold(c, actor, 'reply');
    await this.deps.cases.append(id, { at: this.ts(), kind: 'staff', author: actor.username, text: body });
    await this.audit(actor, 'message', id);
    this.deps.events.emit('message', id);
    const delivery = await this.send(c, [this.say(c, 'live.staff-says', { name: actor.displayName, text: body })]);
    if (delivery.status === 'delivered') return { delivery };
    return {
      delivery,
      callback: {
        contact: c.contact,
        advice: c.contact
          ? 'The message cannot reach the citizen now (WeChat only allows replies within 48 hours of their last message, a few at a time). Call them back on the number they gave.'
          : 'The message cannot reach the citizen now and they left no number; it will be delivered when they write again. Close the case as "no-response" if they do not.',
      },
    };
  }

  async note(id: CaseId, actor: StaffUser, text: string): Promise<void> {
    const body = cleanStaffText(text);
    await this.load(id);
    await this.deps.cases.append(id, { at: this.ts(), kind: 'note', author: actor.username, text: body });
    await this.audit(actor, 'note', id);
    this.deps.events.emit('updated', id);
  }

  async transfer(id: CaseId, actor: StaffUser, to: string): Promise<Case> {
    const c = await this.load(id);
    this.mustHold(c, actor, 'transfer');
    const target = typeof to === 'string' ? await this.deps.users.get(to) : undefined;
    if (!target || target.disabled) throw new StaffError(400, 'bad-target', 'transfer to: no such active colleague');
    if (target.username === c.assignee) throw new StaffError(400, 'bad-target', 'the case is already held by that colleague');
    const t = await this.deps.cases.transfer(id, c.assignee!, target.username, this.ts());
    await this.audit(actor, 'transfer', id, `to ${target.username}`);
    this.deps.events.emit('updated', id);
    await this.send(t, [this.say(t, 'live.claimed', { name: target.displayName })]);
    return t;
  }

  async handBack(id: CaseId, actor: StaffUser): Promise<MessageOutcome & { case: Case }> {
    const c = await this.load(id);
    this.mustHold(c, actor, 'hand back');
    const back = await this.deps.cases.handBack(id, c.assignee!, this.ts());
    await this.audit(actor, 'handback', id);
    this.deps.events.emit('updated', id);
    const delivery = await this.send(back, [
      this.status(back, 'completed'),
      this.say(back, 'live.handed-back'),
      this.say(back, 'live.rating-ask', undefined, RATING_CHOICES),
    ]);
    await this.deps.cases.append(id, { at: this.ts(), kind: 'system', text: this.deps.translator.t(this.locale(back), 'live.handed-back') });
    return { case: back, delivery };
  }

  async close(id: CaseId, actor: StaffUser, outcome: unknown): Promise<Case> {
    if (typeof outcome !== 'string' || !(OUTCOMES as readonly string[]).includes(outcome) || outcome === 'cancelled') {
      throw new StaffError(400, 'bad-outcome', `outcome must be one of ${OUTCOMES.filter((o) => o !== 'cancelled').join(', ')}`);
    }
    let c = await this.load(id);
    if (c.status === 'active') {
      this.mustHold(c, actor, 'close');
      // Closing a live conversation hands it back first: the citizen is told and may rate.
      c = (await this.handBack(id, actor)).case;
    } else if (c.status === 'waiting') {
      await this.send(c, [this.status(c, 'completed', outcome), this.say(c, 'live.handed-back')]);
    }
    const closed = await this.deps.cases.close(id, outcome as Outcome, this.ts());
    await this.audit(actor, 'close', id, outcome);
    this.deps.events.emit('updated', id);
    return closed;
  }

  async recordExport(actor: StaffUser, rows: number): Promise<void> {
    await this.audit(actor, 'export', undefined, `${rows} cases`);
  }
}

function cleanStaffText(text: unknown): string {
  if (typeof text !== 'string') throw new StaffError(400, 'bad-text', 'text must be a string');
  // eslint-disable-next-line no-control-regex
  const t = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
  if (!t) throw new StaffError(400, 'bad-text', 'text is empty');
  if (t.length > MAX_MESSAGE_CHARS) throw new StaffError(400, 'bad-text', `text is too long (at most ${MAX_MESSAGE_CHARS} characters)`);
  return t;
}

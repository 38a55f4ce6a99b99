/**
 * Bot replies → WeChat text. One turn's message activities become one answer: their text
 * (Markdown made plain), card titles and text, link buttons as "title：url" lines, and every
 * choice (suggested actions of the last activity, card buttons) as numbered lines ("回复 1：…")
 * at the end. Phone numbers are digits (tel: links show their text), which WeChat makes
 * tappable itself; a dial button stays a numbered choice. The answer is then cut into parts that fit one message each; the choices always
 * stay in the last part, and when the answer needs more than one message a link to the full
 * answer is added (when a public base URL is configured). Past `maxParts` the rest is left to
 * that link. A short answer that carries its whole text (channelData.fullText, the answer step's
 * 展开全文) gets that page link right away. All wording comes from i18n keys "wechat.*".
 */
import type { Activity, Attachment, CardAction } from 'botbuilder';
import type { Locale } from '../../content/schema';
import { localeFromTag } from '../../i18n/locale';
import type { Choice } from './choices';
import { markdownToPlain, splitText, utf8Bytes } from './text';

export type Translate = (locale: Locale, key: string, vars?: Record<string, unknown>) => string;

export interface RenderedAnswer {
  locale: Locale;
  /** Plain text of all messages of the turn, without the choice lines. */
  body: string;
  choices: Choice[];
  /** The whole text behind a short answer (channelData.fullText), plain: linked as a page when there is one. */
  full?: string;
}

const CHOICE_ACTIONS = new Set(['imBack', 'postBack', 'messageBack']);
const LINK_ACTIONS = new Set(['openUrl', 'signin', 'playAudio', 'playVideo', 'showImage', 'downloadFile']);

function actionToChoice(a: CardAction): Choice | undefined {
  if (!a || !CHOICE_ACTIONS.has(a.type)) return undefined;
  const title = String(a.title ?? a.text ?? (typeof a.value === 'string' ? a.value : '')).trim();
  if (!title) return undefined;
  const text = typeof a.value === 'string' && a.value.trim() ? a.value : String(a.text ?? a.displayText ?? title);
  const value = a.value !== undefined && typeof a.value !== 'string' ? a.value : undefined;
  // A button numbered for the web ("2. 离婚") is numbered here by its line ("回复 2：离婚").
  const bare = /^\d{1,2}\.\s(.+)$/.exec(title)?.[1];
  const shown = bare !== undefined && bare === text ? text : title;
  return value === undefined ? { title: shown, text } : { title: shown, text, value };
}

interface CardParts {
  lines: string[];
  actions: CardAction[];
}

function cardParts(att: Attachment): CardParts {
  const out: CardParts = { lines: [], actions: [] };
  const c = att.content as Record<string, unknown> | undefined;
  if (!c || typeof c !== 'object') return out;
  if (att.contentType === 'application/vnd.microsoft.card.adaptive') {
    const walk = (node: unknown, depth: number): void => {
      if (!node || typeof node !== 'object' || depth > 8) return;
      if (Array.isArray(node)) return node.forEach((n) => walk(n, depth + 1));
      const n = node as Record<string, unknown>;
      if (n.type === 'TextBlock' && typeof n.text === 'string') out.lines.push(n.text);
      if (n.type === 'FactSet' && Array.isArray(n.facts)) {
        for (const f of n.facts as { title?: string; value?: string }[]) out.lines.push(`${f.title ?? ''}：${f.value ?? ''}`);
      }
      if (n.type === 'Action.Submit' && typeof n.title === 'string') {
        const data = n.data;
        out.actions.push({ type: 'postBack', title: n.title, value: data ?? n.title });
      }
      if (n.type === 'Action.OpenUrl' && typeof n.url === 'string') out.actions.push({ type: 'openUrl', title: String(n.title ?? n.url), value: n.url });
      for (const k of ['body', 'items', 'columns', 'actions']) if (k in n) walk(n[k], depth + 1);
    };
    walk(c, 0);
    if (!out.lines.length && typeof c.fallbackText === 'string') out.lines.push(c.fallbackText);
    return out;
  }
  for (const k of ['title', 'subtitle', 'text']) if (typeof c[k] === 'string' && (c[k] as string).trim()) out.lines.push(c[k] as string);
  if (Array.isArray(c.buttons)) out.actions.push(...(c.buttons as CardAction[]));
  return out;
}

/** The message activities of one turn (or one proactive send) as one text answer. */
export function renderActivities(activities: Partial<Activity>[], t: Translate, fallbackLocale: Locale): RenderedAnswer {
  const messages = activities.filter((a) => (a.type ?? 'message') === 'message');
  const locale = [...messages].reverse().map((a) => localeFromTag(a.locale)).find(Boolean) ?? fallbackLocale;
  const paragraphs: string[] = [];
  const choices: Choice[] = [];
  const lastWithSuggestions = [...messages].reverse().find((a) => a.suggestedActions?.actions?.length);
  for (const a of messages) {
    if (typeof a.text === 'string' && a.text.trim()) paragraphs.push(markdownToPlain(a.text));
    for (const att of a.attachments ?? []) {
      const { lines, actions } = cardParts(att);
      if (lines.length) paragraphs.push(markdownToPlain(lines.join('\n')));
      const links: string[] = [];
      for (const act of actions) {
        const choice = actionToChoice(act);
        if (choice) choices.push(choice);
        else if (act && act.type === 'openUrl' && typeof act.value === 'string' && /^tel:/i.test(act.value)) {
          links.push(t(locale, 'wechat.link_line', { title: String(act.title ?? '').trim(), url: act.value.slice(4) }));
        } else if (act && LINK_ACTIONS.has(act.type) && typeof act.value === 'string' && /^https?:\/\//i.test(act.value)) {
          links.push(t(locale, 'wechat.link_line', { title: String(act.title ?? '').trim() || act.value, url: act.value }));
        }
      }
      if (links.length) paragraphs.push(links.join('\n'));
    }
  }
  for (const act of lastWithSuggestions?.suggestedActions?.actions ?? []) {
    const choice = actionToChoice(act);
    if (choice && !choices.some((c) => c.title === choice.title)) choices.push(choice);
    // A dial button ("拨打 12348 热线" → tel:12348) stays a numbered choice (the bot then gives the
    // number in text), so numbers mean the same option on every channel.
    else if (act?.type === 'openUrl' && typeof act.value === 'string' && /^tel:/i.test(act.value) && String(act.title ?? '').trim()) {
      const title = String(act.title).trim();
      if (!choices.some((c) => c.title === title)) choices.push({ title, text: title });
    }
  }
  const fullText = [...messages].reverse().map((a) => (a.channelData as { fullText?: unknown } | undefined)?.fullText).find((x) => typeof x === 'string' && x.trim());
  const out: RenderedAnswer = { locale, body: paragraphs.filter(Boolean).join('\n\n'), choices };
  if (typeof fullText === 'string') out.full = markdownToPlain(fullText);
  return out;
}

export interface PlanOptions {
  t: Translate;
  maxPartBytes: number;
  maxParts: number;
  /** Stores the full answer and returns its public URL, or undefined when there is no public page. */
  publishFull?: (text: string, locale: Locale) => Promise<string | undefined>;
}

/** The messages to send for an answer, in order: the first goes passively when it can. */
export async function planMessages(r: RenderedAnswer, o: PlanOptions): Promise<string[]> {
  const choiceBlock = r.choices.map((c, i) => o.t(r.locale, 'wechat.choice_line', { n: i + 1, title: c.title })).join('\n');
  const join = (...xs: (string | undefined)[]) => xs.filter((x) => x && x.trim()).join('\n\n');
  // A short answer with its whole text behind it: the page link goes with the first message.
  if (r.full && o.publishFull) {
    const page = await o.publishFull(r.full, r.locale);
    if (page) {
      const withLink = join(r.body, o.t(r.locale, 'wechat.full_answer', { url: page }), choiceBlock);
      if (utf8Bytes(withLink) <= o.maxPartBytes) return [withLink];
    }
  }
  const whole = join(r.body, choiceBlock);
  if (!whole) return [];
  if (utf8Bytes(whole) <= o.maxPartBytes) return [whole];

  const url = o.publishFull ? await o.publishFull(whole, r.locale) : undefined;
  let parts = splitText(r.body, o.maxPartBytes);
  let tail = join(url ? o.t(r.locale, 'wechat.full_answer', { url }) : undefined, choiceBlock);
  const tailNeedsOwnPart = (ps: string[]) => !!tail && utf8Bytes(join(ps[ps.length - 1], tail)) > o.maxPartBytes;
  if (parts.length + (tailNeedsOwnPart(parts) ? 1 : 0) > o.maxParts) {
    tail = join(url ? o.t(r.locale, 'wechat.truncated_with_link', { url }) : o.t(r.locale, 'wechat.truncated'), choiceBlock);
    parts = parts.slice(0, o.maxParts);
    if (tailNeedsOwnPart(parts)) {
      // Shorten the last kept part so the notice and the choices still fit into it.
      const budget = o.maxPartBytes - utf8Bytes(tail) - 2;
      const last = parts.length - 1;
      if (budget >= 64) parts[last] = splitText(parts[last]!, budget)[0] ?? '';
      else if (parts.length > 1 && parts.length >= o.maxParts) parts.pop();
    }
  }
  if (!tail) return parts;
  if (tailNeedsOwnPart(parts)) return [...parts, ...splitText(tail, o.maxPartBytes)];
  const last = parts.length - 1;
  parts[last] = join(parts[last], tail);
  return parts;
}

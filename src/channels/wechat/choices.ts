/**
 * Buttons on a text-only channel. The options offered in the last answer are remembered per user;
 * the next message is turned into the chosen option's value when it is the option's number
 * ("1", "１", "第一个", "选2"), its title, or a close match (the only option whose words it
 * contains or that contains it). Anything else passes through unchanged and the memory is
 * cleared: options are valid for the very next message only.
 */
import type { OpenId } from './messages';

export interface Choice {
  /** What the citizen sees in the numbered line. */
  title: string;
  /** The text the bot receives when this option is chosen. */
  text: string;
  /** A structured value (postBack/messageBack data) passed as activity.value, when the button had one. */
  value?: unknown;
}

export interface ChoiceMemory {
  get(user: OpenId): Promise<Choice[] | undefined>;
  set(user: OpenId, choices: Choice[]): Promise<void>;
  clear(user: OpenId): Promise<void>;
}

export class MemoryChoiceMemory implements ChoiceMemory {
  private readonly map = new Map<OpenId, { choices: Choice[]; expiresAt: number }>();

  constructor(
    private readonly ttlMs = 24 * 3600_000,
    private readonly maxUsers = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(user: OpenId): Promise<Choice[] | undefined> {
    const e = this.map.get(user);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.map.delete(user);
      return undefined;
    }
    return e.choices;
  }

  async set(user: OpenId, choices: Choice[]): Promise<void> {
    this.map.delete(user);
    if (this.map.size >= this.maxUsers) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(user, { choices, expiresAt: this.now() + this.ttlMs });
  }

  async clear(user: OpenId): Promise<void> {
    this.map.delete(user);
  }
}

const CN_DIGITS: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩';

function chineseNumber(s: string): number | undefined {
  if (/^[0-9]{1,2}$/.test(s)) return Number(s);
  if (s.length === 1 && CIRCLED.includes(s)) return CIRCLED.indexOf(s) + 1;
  if (s === '十') return 10;
  const m = /^([一二三四五六七八九])?十([一二三四五六七八九])?$/.exec(s);
  if (m) return (m[1] ? CN_DIGITS[m[1]]! : 1) * 10 + (m[2] ? CN_DIGITS[m[2]]! : 0);
  if (s.length === 1 && s in CN_DIGITS) return CN_DIGITS[s];
  return undefined;
}

/** Full-width → half-width, lower case, no spaces or punctuation: for comparing short replies. */
export function normalizeReply(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

const ORDINAL =
  /^(?:回复|我选择?|选择?|选项|要|就)?第?([0-9]{1,2}|[一二两三四五六七八九十]{1,3}|[①-⑩])(?:个|项|条|号|种|个选项)?(?:吧|吗|呢)?$/;

const EN_WORDS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];
const EN_ORDINAL = /^(?:the)?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)(?:one|option)?$|^(?:option|number|no|choice)([0-9]{1,2})$/;

/** The option the reply selects, or undefined when it selects none (or is ambiguous). */
export function resolveChoice(reply: string, choices: readonly Choice[]): Choice | undefined {
  if (choices.length === 0) return undefined;
  const raw = reply.normalize('NFKC').trim();
  const n = normalizeReply(raw);
  if (!n) return undefined;
  const keyed = choices.map((c) => ({ c, title: normalizeReply(c.title), text: normalizeReply(c.text) }));
  const exact = keyed.filter((k) => k.title === n || k.text === n);
  if (exact.length === 1) return exact[0]!.c;
  if (exact.length > 1) return undefined;
  const ord = ORDINAL.exec(n) ?? ORDINAL.exec(raw.replace(/\s+/g, ''));
  const en = EN_ORDINAL.exec(n);
  if (ord?.[1] || en) {
    const k = ord?.[1] ? chineseNumber(ord[1]) : en![1] ? EN_WORDS.indexOf(en![1]) + 1 : Number(en![2]);
    return k !== undefined && k >= 1 && k <= choices.length ? choices[k - 1] : undefined;
  }
  // The reply is an option's words plus a little ("婚姻家庭吧", "有帮助，谢谢"): the longest such
  // option when it is unique. A longer message is a new question, not a choice.
  const contained = keyed.filter((k) => k.title.length >= 2 && n.includes(k.title) && n.length <= k.title.length + 4);
  if (contained.length) {
    const longest = Math.max(...contained.map((k) => k.title.length));
    const best = contained.filter((k) => k.title.length === longest);
    return best.length === 1 ? best[0]!.c : undefined;
  }
  // A short reply that is part of exactly one option ("援助" for "申请法律援助").
  if (n.length >= 2 && n.length <= 12) {
    const within = keyed.filter((k) => k.title.includes(n));
    if (within.length === 1) return within[0]!.c;
  }
  return undefined;
}

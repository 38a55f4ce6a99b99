/**
 * Buttons on a text-only channel. The options offered in the last answer are remembered per user;
 * the next message is turned into the chosen option's value when the engine's one choice
 * recogniser (recognizeChoice over dialogs/lexicon/choices.yaml) reads it as picking one: its
 * number ("1", "１", "一", "第一个", "选2", "回复1", "the second one", "最后一个" — the ordinal words
 * and the words around a number are that lexicon's data), its title, or a short reply that is
 * mostly one option's words. The next message may as well be a new question, so the recogniser
 * runs in its free-text mode: "我的劳动纠纷公司不给钱怎么办" is a question, not option "劳动纠纷".
 * Anything else passes through unchanged and the memory is cleared: options are valid for the
 * very next message only.
 */
import { type ChoiceLexicon, recognizeChoice } from '../../dialogs';
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

/** The option the reply selects, or undefined when it selects none (or is ambiguous). */
export function resolveChoice(reply: string, choices: readonly Choice[], lexicon: ChoiceLexicon): Choice | undefined {
  const candidates = choices.map((c, i) => ({ value: String(i), label: c.title, synonyms: c.text === c.title ? [] : [c.text] }));
  const match = recognizeChoice(reply, candidates, lexicon, { freeText: true });
  return match ? choices[match.index] : undefined;
}

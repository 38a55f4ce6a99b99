/**
 * Full answers for WeChat users whose answer was too long for a few chat messages: kept under an
 * unguessable id (128 random bits) for a limited time and shown at {PUBLIC_BASE_URL}/wechat/a/<id>.
 * The id is the only key: whoever has the link sees that one answer and nothing else. In memory
 * here; a shared store (Redis) fits the same interface when the bot runs on several machines.
 */
import { randomBytes } from 'node:crypto';
import type { Locale } from '../../content/schema';

export interface AnswerPage {
  text: string;
  locale: Locale;
  createdAt: number;
}

export interface AnswerPageStore {
  put(page: Omit<AnswerPage, 'createdAt'>): Promise<string>;
  get(id: string): Promise<AnswerPage | undefined>;
}

export const ANSWER_ID = /^[A-Za-z0-9_-]{22}$/;

export class MemoryAnswerPageStore implements AnswerPageStore {
  private readonly pages = new Map<string, AnswerPage>();

  constructor(
    private readonly ttlMs = 7 * 24 * 3600_000,
    private readonly maxPages = 20_000,
    private readonly now: () => number = Date.now,
  ) {}

  async put(page: Omit<AnswerPage, 'createdAt'>): Promise<string> {
    const id = randomBytes(16).toString('base64url');
    while (this.pages.size >= this.maxPages) {
      const oldest = this.pages.keys().next();
      if (oldest.done) break;
      this.pages.delete(oldest.value);
    }
    this.pages.set(id, { ...page, createdAt: this.now() });
    return id;
  }

  async get(id: string): Promise<AnswerPage | undefined> {
    if (!ANSWER_ID.test(id)) return undefined;
    const p = this.pages.get(id);
    if (p && this.now() - p.createdAt > this.ttlMs) {
      this.pages.delete(id);
      return undefined;
    }
    return p;
  }
}

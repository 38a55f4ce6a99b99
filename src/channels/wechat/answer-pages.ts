/**
 * Full answers for WeChat users whose answer was too long for a few chat messages: kept under an
 * unguessable id (128 random bits) for a limited time and shown at {PUBLIC_BASE_URL}/wechat/a/<id>.
 * The id is the only key: whoever has the link sees that one answer and nothing else. In memory
 * here; a shared store (Redis) fits the same interface when the bot runs on several machines.
 * answerPage() serves it: plain text in a page that runs nothing (CSP default-src 'none'), is not
 * cached or indexed and sends no referrer; an unknown or expired id is a 404 page saying so.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import Handlebars from 'handlebars';
import type { Locale } from '../../content/schema';
import { DEFAULT_LOCALE } from '../../i18n/locale';
import type { Translate } from './render';

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

const PAGE_TEMPLATE = Handlebars.compile(readFileSync(join(__dirname, 'answer-page.hbs'), 'utf8'));

/** GET /a/:id: the full answer, in the language it was written in. */
export function answerPage(answers: AnswerPageStore, t: Translate): RequestHandler {
  return async (req, res) => {
    const page = await answers.get(String(req.params.id ?? ''));
    const locale: Locale = page?.locale ?? DEFAULT_LOCALE;
    res
      .status(page ? 200 : 404)
      .type('text/html')
      .setHeader('Cache-Control', 'private, no-store')
      .setHeader('X-Content-Type-Options', 'nosniff')
      .setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
      .setHeader('Referrer-Policy', 'no-referrer')
      .send(
        PAGE_TEMPLATE({
          lang: locale,
          title: t(locale, 'wechat.answer_page_title'),
          text: page?.text,
          expired: t(locale, 'wechat.answer_page_expired'),
          note: t(locale, 'wechat.answer_page_note'),
        }),
      );
  };
}

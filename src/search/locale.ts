/**
 * Which index a message is searched in: Chinese text in Chinese whatever the chat language, Latin
 * text in English (a citizen who types English in a Chinese chat is answered from the English
 * entries), anything else (digits, emoji) in the chat's own language. The bot and the evaluation
 * both ask this, so a measured question is searched as a citizen's would be.
 */
import { hasHan } from '../content/normalise';
import type { Locale } from '../content/schema';

const LATIN = /[a-z]/i;

export function searchLocale(text: string, chat: Locale): Locale {
  if (hasHan(text)) return 'zh-CN';
  return LATIN.test(text) ? 'en' : chat;
}

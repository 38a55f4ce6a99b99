/**
 * Locale resolution. The bot speaks zh-CN (default) and en; a channel may send any BCP-47 tag.
 */
import { LOCALES, type Locale } from '../content/schema';

export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** "en-US" → en, "zh-Hans-CN"/"zh-TW" → zh-CN; anything else → undefined (keep what we have). */
export function localeFromTag(tag: string | undefined | null): Locale | undefined {
  if (!tag || typeof tag !== 'string') return undefined;
  const t = tag.trim().toLowerCase();
  if (t === 'en' || t.startsWith('en-') || t.startsWith('en_')) return 'en';
  if (t === 'zh' || t.startsWith('zh-') || t.startsWith('zh_')) return 'zh-CN';
  return undefined;
}

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

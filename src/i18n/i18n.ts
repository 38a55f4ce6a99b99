/**
 * UI strings: dialogs/locales/<lng>/*.json read into one i18next instance (zh-CN default, en).
 * Keys are dotted paths ("menu.wages"); all files of a locale share one key space.
 * Contract: loadLocales() never throws on bad files; it returns issues (file + key). A key present
 * in one locale and missing in another is an error, so a citizen never sees a raw key.
 * Interpolation does not HTML-escape: values are plain chat text, made safe by the caller
 * (dialogs/input.ts chatSafe) where they come from a citizen.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n as I18nInstance } from 'i18next';
import type { ContentIssue } from '../content/errors';
import { LOCALES, type Locale } from '../content/schema';
import { DEFAULT_LOCALE } from './locale';

type Tree = { [k: string]: string | Tree };

export interface Translator {
  t(locale: Locale, key: string, vars?: Record<string, unknown>): string;
  has(locale: Locale, key: string): boolean;
  keys(locale: Locale): string[];
}

function flatten(tree: Tree, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out[key] = v;
    else if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
  }
  return out;
}

export function loadLocales(dir: string): { translator: Translator; issues: ContentIssue[] } {
  const issues: ContentIssue[] = [];
  const flat = new Map<Locale, Record<string, string>>();
  const resources: Record<string, { translation: Tree }> = {};
  for (const locale of LOCALES) {
    const ldir = join(dir, locale);
    const merged: Tree = {};
    const keys: Record<string, string> = {};
    if (!existsSync(ldir) || !statSync(ldir).isDirectory()) {
      issues.push({ severity: 'error', file: `locales/${locale}`, field: '', message: `missing locale folder for ${locale}` });
    } else {
      for (const name of readdirSync(ldir).sort()) {
        if (!name.endsWith('.json')) continue;
        const file = `locales/${locale}/${name}`;
        let data: unknown;
        try {
          data = JSON.parse(readFileSync(join(ldir, name), 'utf8'));
        } catch (e) {
          issues.push({ severity: 'error', file, field: '', message: `not valid JSON: ${(e as Error).message}` });
          continue;
        }
        if (!data || typeof data !== 'object' || Array.isArray(data)) {
          issues.push({ severity: 'error', file, field: '', message: 'must be a JSON object of keys' });
          continue;
        }
        const f = flatten(data as Tree);
        for (const [k, v] of Object.entries(f)) {
          if (k in keys) issues.push({ severity: 'error', file, field: k, message: `key "${k}" is defined twice in ${locale}` });
          if (!v.trim()) issues.push({ severity: 'error', file, field: k, message: 'empty text' });
          keys[k] = v;
        }
        deepMerge(merged, data as Tree);
      }
    }
    flat.set(locale, keys);
    resources[locale] = { translation: merged };
  }
  // Every key must exist in every locale.
  const all = new Set<string>();
  for (const m of flat.values()) for (const k of Object.keys(m)) all.add(k);
  for (const k of [...all].sort()) {
    for (const locale of LOCALES) {
      if (!(k in (flat.get(locale) ?? {}))) {
        issues.push({ severity: 'error', file: `locales/${locale}`, field: k, message: `missing translation of "${k}" in ${locale}` });
      }
    }
  }

  const inst: I18nInstance = i18next.createInstance();
  void inst.init({
    resources,
    lng: DEFAULT_LOCALE,
    fallbackLng: false,
    supportedLngs: [...LOCALES],
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  } as Parameters<I18nInstance['init']>[0]);
  const fixed = new Map<Locale, ReturnType<I18nInstance['getFixedT']>>();
  for (const l of LOCALES) fixed.set(l, inst.getFixedT(l));

  const translator: Translator = {
    t(locale, key, vars) {
      const table = flat.get(locale) ?? {};
      // Validation guarantees presence; if it is missing anyway, fall back to zh-CN rather than
      // show the key itself.
      const use: Locale = key in table ? locale : DEFAULT_LOCALE;
      const out = fixed.get(use)!(key, vars ?? {});
      return typeof out === 'string' ? out : String(out);
    },
    has: (locale, key) => key in (flat.get(locale) ?? {}),
    keys: (locale) => Object.keys(flat.get(locale) ?? {}),
  };
  return { translator, issues };
}

function deepMerge(into: Tree, from: Tree): void {
  for (const [k, v] of Object.entries(from)) {
    const cur = into[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object') deepMerge(cur, v);
    else into[k] = v;
  }
}

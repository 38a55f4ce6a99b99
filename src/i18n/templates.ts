/**
 * Reply templates: dialogs/templates/<locale>/<name>.hbs, Handlebars, one set per locale. Files
 * whose name starts with "_" are partials ({{> _route}}).
 *
 * Helpers available in every template:
 *   {{t "key" name=value}}   a UI string from the locale files (same locale as the template)
 *   {{tk someKey}}           a UI string whose key is computed (e.g. route.officeKey); the code
 *                            that computes such keys lists them for validation
 *   {{#each list}}…{{/each}}, {{#if}}, {{add @index 1}} for numbering
 *   {{join list "、"}}       join a list of strings
 *   {{tel number}}           a phone number as a Markdown tel: link ("[12348](tel:12348)"); only
 *                            for numbers from knowledge/directory (hotlines, verified offices)
 *
 * Every rendered reply also gets the numbers of options.telNumbers (the directory's) linked
 * wherever they stand alone in the text, so a phone can dial them with one tap.
 *
 * Escaping: replies are chat text, not HTML, so HTML-escaping would show "&amp;" to citizens.
 * Instead, every value that comes from a citizen is passed through chatSafe() before it reaches a
 * template (the engine does that), and knowledge content (already validated Markdown) is inserted
 * as is. Templates therefore compile with noEscape.
 *
 * Contract: loadTemplates() never throws on bad files; it returns issues (file + reason) — a
 * template missing in one locale, a syntax error, an unknown partial or an i18n key that does not
 * exist are all errors, found before the bot starts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { ContentIssue } from '../content/errors';
import { LOCALES, type Locale } from '../content/schema';
import type { Translator } from './i18n';
import { telLinks, telLink } from './tel';

export interface TemplateSet {
  has(name: string): boolean;
  /** Renders and tidies whitespace (at most one blank line, no trailing spaces). */
  render(name: string, locale: Locale, context: Record<string, unknown>): string;
  names(): string[];
}

export class TemplateRenderError extends Error {
  constructor(
    readonly template: string,
    readonly locale: Locale,
    cause: unknown,
  ) {
    super(`template "${template}" (${locale}) failed: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'TemplateRenderError';
  }
}

interface Parsed {
  source: string;
  keys: { key: string; line: number }[];
  partials: { name: string; line: number }[];
}

/** Walks a template's syntax tree for {{t "literal"}} keys and {{> partial}} names. */
function scan(ast: hbs.AST.Program): Pick<Parsed, 'keys' | 'partials'> {
  const keys: Parsed['keys'] = [];
  const partials: Parsed['partials'] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown> & { type?: string; loc?: { start: { line: number } } };
    if ((n.type === 'MustacheStatement' || n.type === 'SubExpression' || n.type === 'BlockStatement') && n.path) {
      const path = n.path as { original?: string };
      const params = (n.params as { type: string; value?: unknown }[]) ?? [];
      if (path.original === 't' && params[0]?.type === 'StringLiteral') {
        keys.push({ key: String(params[0].value), line: n.loc?.start.line ?? 0 });
      }
    }
    if (n.type === 'PartialStatement' || n.type === 'PartialBlockStatement') {
      const pn = n.name as { original?: string; value?: string };
      partials.push({ name: String(pn.original ?? pn.value), line: n.loc?.start.line ?? 0 });
    }
    for (const v of Object.values(n)) {
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object') visit(v);
    }
  };
  visit(ast);
  return { keys, partials };
}

export function tidy(text: string): string {
  return text
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export interface TemplateOptions {
  /** Phrase → number: phone numbers (and hotline names) that become tel: links wherever a rendered reply shows them (the directory's). */
  telNumbers?: () => ReadonlyMap<string, string>;
}

export function loadTemplates(dir: string, translator: Translator, options: TemplateOptions = {}): { templates: TemplateSet; issues: ContentIssue[] } {
  const issues: ContentIssue[] = [];
  const parsed = new Map<Locale, Map<string, Parsed>>();
  for (const locale of LOCALES) {
    const m = new Map<string, Parsed>();
    parsed.set(locale, m);
    const ldir = join(dir, locale);
    if (!existsSync(ldir) || !statSync(ldir).isDirectory()) {
      issues.push({ severity: 'error', file: `templates/${locale}`, field: '', message: `missing template folder for ${locale}` });
      continue;
    }
    for (const f of readdirSync(ldir).sort()) {
      if (!f.endsWith('.hbs')) continue;
      const name = f.slice(0, -4);
      const file = `templates/${locale}/${f}`;
      const source = readFileSync(join(ldir, f), 'utf8');
      try {
        const ast = Handlebars.parse(source);
        m.set(name, { source, ...scan(ast) });
      } catch (e) {
        issues.push({ severity: 'error', file, field: '', message: `template syntax error: ${(e as Error).message.split('\n')[0]}` });
      }
    }
  }
  const allNames = new Set<string>();
  for (const m of parsed.values()) for (const n of m.keys()) allNames.add(n);
  for (const name of [...allNames].sort()) {
    for (const locale of LOCALES) {
      const p = parsed.get(locale)!.get(name);
      if (!p) {
        issues.push({ severity: 'error', file: `templates/${locale}/${name}.hbs`, field: '', message: `missing translation: template "${name}" exists in another locale but not in ${locale}` });
        continue;
      }
      for (const k of p.keys) {
        if (!translator.has(locale, k.key)) {
          issues.push({ severity: 'error', file: `templates/${locale}/${name}.hbs`, field: `line ${k.line}`, message: `unknown i18n key "${k.key}" in ${locale}` });
        }
      }
      for (const pa of p.partials) {
        if (!parsed.get(locale)!.has(pa.name)) {
          issues.push({ severity: 'error', file: `templates/${locale}/${name}.hbs`, field: `line ${pa.line}`, message: `unknown partial "${pa.name}"` });
        }
      }
    }
  }

  // One Handlebars environment per locale, so {{t}} and partials resolve in that locale.
  const envs = new Map<Locale, typeof Handlebars>();
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  for (const locale of LOCALES) {
    const env = Handlebars.create();
    env.registerHelper('t', (key: unknown, options: Handlebars.HelperOptions) => translator.t(locale, String(key), options?.hash ?? {}));
    env.registerHelper('tk', (key: unknown) => (typeof key === 'string' && translator.has(locale, key) ? translator.t(locale, key) : ''));
    env.registerHelper('add', (a: unknown, b: unknown) => Number(a) + Number(b));
    env.registerHelper('join', (list: unknown, sep: unknown) => (Array.isArray(list) ? list.map(String).join(typeof sep === 'string' ? sep : '、') : ''));
    env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    env.registerHelper('tel', (n: unknown) => (typeof n === 'string' || typeof n === 'number' ? telLink(String(n)) : ''));
    for (const [name, p] of parsed.get(locale)!) {
      if (name.startsWith('_')) env.registerPartial(name, p.source);
    }
    envs.set(locale, env);
  }

  const templates: TemplateSet = {
    has: (name) => LOCALES.every((l) => parsed.get(l)!.has(name)),
    names: () => [...allNames].filter((n) => !n.startsWith('_')),
    render(name, locale, context) {
      const key = `${locale}:${name}`;
      let fn = compiled.get(key);
      try {
        if (!fn) {
          const p = parsed.get(locale)!.get(name);
          if (!p) throw new Error('no such template');
          fn = envs.get(locale)!.compile(p.source, { noEscape: true, strict: false });
          compiled.set(key, fn);
        }
        const text = tidy(fn(context));
        return options.telNumbers ? telLinks(text, options.telNumbers()) : text;
      } catch (e) {
        throw new TemplateRenderError(name, locale, e);
      }
    },
  };
  return { templates, issues };
}

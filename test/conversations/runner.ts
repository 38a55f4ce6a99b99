/**
 * Conversation transcripts as data (test/conversations/*.yaml) and a runner that plays one
 * against any transport. The runner knows nothing about adapters: it gets
 * `send(text) → BotReply[]` (the replies to one message), so the same transcripts run through the
 * InProcessAdapter here and through Direct Line or WeChat in the channel tests.
 *
 * Transcript format:
 *   name: what the conversation shows
 *   locale: zh-CN | en-US …        the channel's locale on every activity (optional)
 *   channel: test                   channelId (optional)
 *   store: memory | sqlite          sqlite is needed for `restart` steps
 *   steps:
 *     - user: 老板拖欠我三个月工资怎么办
 *       repeat: 1                   send `user` repeated n times (long messages)
 *       bot:
 *         template: screening-result-likely    a reply was rendered from this template (or all of a list)
 *         contains: ["依据", "12348"]          in the text of all replies to this message
 *         notContains: ["110"]
 *         first: { contains: ["110"], template: emergency-now }   in the first reply only
 *         suggests: ["讨薪要准备哪些证据"]        among the buttons (suggested actions)
 *         notSuggests: [...]
 *         routes: "12348"                        shorthand for where the citizen is sent; it counts
 *                                                only in a reply made from a template, never in
 *                                                the turn-error apology (which names 12348 too)
 *     - restart: true                 new process objects over the same store (sqlite only)
 * Templates are read from channelData.template (src/dialogs/reply.ts). A transport that cannot
 * carry it (WeChat's XML) leaves BotReply.template undefined and its `template` checks are
 * skipped there; the in-process and Direct Line runs assert them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export interface BotReply {
  text: string;
  suggestions: string[];
  /** The template that produced the reply; null: none (a UI string, the apology); undefined: not carried. */
  template?: string | null;
}

export type Send = (text: string) => Promise<BotReply[]>;

const ROUTE_MARKERS: Record<string, { zh: string[]; en: string[] }> = {
  '12348': { zh: ['12348'], en: ['12348'] },
  '12345': { zh: ['12345'], en: ['12345'] },
  '110': { zh: ['110'], en: ['110'] },
  '119': { zh: ['119'], en: ['119'] },
  '120': { zh: ['120'], en: ['120'] },
  'zero-barrier-desk': { zh: ['零障碍'], en: ['zero-barrier'] },
  mediation: { zh: ['人民调解委员会'], en: ['mediation committee'] },
  'legal-aid-centre': { zh: ['法律援助'], en: ['legal aid'] },
  handoff: { zh: ['已经转给 12348 的工作人员'], en: ['passed to 12348 staff'] },
};

/** The turn-error apology in every locale (dialogs/locales/<locale>/ui.json): it never counts as a route. */
const APOLOGIES: string[] = (() => {
  const dir = resolve(__dirname, '../../dialogs/locales');
  return readdirSync(dir).map((l) => (JSON.parse(readFileSync(join(dir, l, 'ui.json'), 'utf8')) as { error: { apology: string } }).error.apology.trim());
})();
export const isApology = (r: BotReply) => r.template === undefined || r.template === null ? APOLOGIES.includes(asRead(r.text).trim()) : false;

const texts = z.array(z.string().min(1));
const templateName = z.string().regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, 'must be a template name like "screening-result-likely"');
const templates = z.union([templateName, z.array(templateName).min(1)]).transform((t) => (Array.isArray(t) ? t : [t]));
const expectSchema = z
  .object({
    template: templates.optional(),
    contains: texts.optional(),
    notContains: texts.optional(),
    first: z.object({ template: templateName.optional(), contains: texts.optional(), notContains: texts.optional() }).strict().optional(),
    suggests: texts.optional(),
    notSuggests: texts.optional(),
    noSuggestions: z.boolean().optional(),
    routes: z.union([z.enum(Object.keys(ROUTE_MARKERS) as [string, ...string[]]), z.array(z.enum(Object.keys(ROUTE_MARKERS) as [string, ...string[]]))]).optional(),
  })
  .strict();

const stepSchema = z.union([
  z
    .object({
      user: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string()),
      repeat: z.number().int().min(1).max(100_000).optional(),
      bot: expectSchema.optional(),
    })
    .strict(),
  z.object({ restart: z.literal(true) }).strict(),
]);

export const transcriptSchema = z
  .object({
    name: z.string().min(3),
    locale: z.string().optional(),
    channel: z.string().optional(),
    store: z.enum(['memory', 'sqlite']).default('memory'),
    steps: z.array(stepSchema).min(1),
  })
  .strict();
export type Transcript = z.infer<typeof transcriptSchema> & { file: string };
export type TranscriptStep = Transcript['steps'][number];

export function loadTranscripts(dir: string): Transcript[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) => {
      const data = parse(readFileSync(join(dir, file), 'utf8')) as unknown;
      const list = Array.isArray(data) ? data : [data];
      return list.map((t, i) => {
        const r = transcriptSchema.safeParse(t);
        if (!r.success) throw new Error(`${file}#${i}: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
        return { ...r.data, file };
      });
    });
}

/** Transcripts with restart steps need a persistent store the transport can reopen. */
export const needsRestart = (t: Transcript) => t.steps.some((s) => 'restart' in s);

/** "[12348 公共法律服务热线](tel:12348)" → "12348 公共法律服务热线". */
export const asRead = (text: string) => text.replace(/\[([^\]]*)\]\(tel:[^)]*\)/g, '$1');

function show(replies: BotReply[]): string {
  return replies.map((r, i) => `  [${i}]${r.template ? ` (${r.template})` : ''} ${r.text.replace(/\n/g, '\n      ')}${r.suggestions.length ? `\n      buttons: ${r.suggestions.join(' | ')}` : ''}`).join('\n');
}

export async function runTranscript(t: Transcript, send: Send, opts: { restart?: () => Promise<void> } = {}): Promise<void> {
  const en = /^en/i.test(t.locale ?? '');
  for (const [i, step] of t.steps.entries()) {
    if ('restart' in step) {
      if (!opts.restart) throw new Error(`${t.file}: "${t.name}" needs restart support`);
      await opts.restart();
      continue;
    }
    const text = step.repeat ? step.user.repeat(step.repeat) : step.user;
    const replies = await send(text);
    const where = `${t.file}: "${t.name}", step ${i + 1} (user: ${JSON.stringify(step.user.slice(0, 40))})\nreplies:\n${show(replies)}`;
    assert.ok(replies.length > 0, `no reply at ${where}`);
    const e = step.bot;
    if (!e) continue;
    // Assertions read the text as a citizen sees it: a tel: link is its words (the target is
    // checked in the browser and renderer tests).
    const seen = replies.map((r) => ({ ...r, text: asRead(r.text) }));
    const all = seen.map((r) => r.text).join('\n');
    const buttons = replies.flatMap((r) => r.suggestions);
    for (const c of e.contains ?? []) assert.ok(all.includes(c), `expected "${c}" at ${where}`);
    for (const c of e.notContains ?? []) assert.ok(!all.includes(c), `did not expect "${c}" at ${where}`);
    for (const c of e.first?.contains ?? []) assert.ok(seen[0]!.text.includes(c), `expected "${c}" in the first reply at ${where}`);
    for (const c of e.first?.notContains ?? []) assert.ok(!seen[0]!.text.includes(c), `did not expect "${c}" in the first reply at ${where}`);
    for (const s of e.suggests ?? []) assert.ok(buttons.includes(s), `expected button "${s}" at ${where}`);
    for (const s of e.notSuggests ?? []) assert.ok(!buttons.includes(s), `did not expect button "${s}" at ${where}`);
    if (e.noSuggestions) assert.equal(buttons.length, 0, `expected no buttons at ${where}`);
    // Templates: asserted where the transport carries them (any reply says which, or that it had none).
    const carried = replies.some((r) => r.template !== undefined);
    if (carried) {
      const made = replies.map((r) => r.template);
      for (const tpl of e.template ?? []) assert.ok(made.includes(tpl), `expected a reply from template "${tpl}" at ${where}`);
      if (e.first?.template) assert.equal(made[0], e.first.template, `expected the first reply from template "${e.first.template}" at ${where}`);
    }
    // A route is where a reply made from a template sends the citizen, not the apology's hotline line.
    const routed = seen.filter((r) => !isApology(r) && r.template !== null).map((r) => r.text).join('\n');
    for (const r of e.routes === undefined ? [] : Array.isArray(e.routes) ? e.routes : [e.routes]) {
      const markers = ROUTE_MARKERS[r]![en ? 'en' : 'zh'];
      assert.ok(markers.some((m) => routed.includes(m)), `expected a route to ${r} at ${where}`);
    }
  }
}

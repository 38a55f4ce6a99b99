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
 *         contains: ["依据", "12348"]          in the text of all replies to this message
 *         notContains: ["110"]
 *         first: { contains: ["110"] }          in the first reply only
 *         suggests: ["讨薪要准备哪些证据"]        among the buttons (suggested actions)
 *         notSuggests: [...]
 *         routes: "12348"                        shorthand for where the citizen is sent
 *     - restart: true                 new process objects over the same store (sqlite only)
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export interface BotReply {
  text: string;
  suggestions: string[];
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

const texts = z.array(z.string().min(1));
const expectSchema = z
  .object({
    contains: texts.optional(),
    notContains: texts.optional(),
    first: z.object({ contains: texts.optional(), notContains: texts.optional() }).strict().optional(),
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
  return replies.map((r, i) => `  [${i}] ${r.text.replace(/\n/g, '\n      ')}${r.suggestions.length ? `\n      buttons: ${r.suggestions.join(' | ')}` : ''}`).join('\n');
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
    for (const r of e.routes === undefined ? [] : Array.isArray(e.routes) ? e.routes : [e.routes]) {
      const markers = ROUTE_MARKERS[r]![en ? 'en' : 'zh'];
      assert.ok(markers.some((m) => all.includes(m)), `expected a route to ${r} at ${where}`);
    }
  }
}

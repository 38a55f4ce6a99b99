/**
 * Synthetic knowledge bases for the scale runs, recombined from the shipped entries so their
 * vocabulary, term frequencies and lengths look like real content:
 *
 *   questions  8–12 per entry, each the head of one real question joined to the tail of another
 *              (cut at jieba word boundaries, so no word is broken at the seam)
 *   title      the same mix of two real titles
 *   keywords   4–10 keywords drawn from random entries
 *   body       whole sentences from random real bodies until the length of a randomly chosen real
 *              body is reached
 *   topic      cycled through the topic list
 *
 * The shipped entries stay in the base (the real answers are there, among the synthetic ones), so a
 * base of N entries has N − shipped synthetic entries. Deterministic for a given seed.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import type { KnowledgeContent } from '../../src/content/loader';
import type { KnowledgeEntry } from '../../src/content/schema';
import { rng } from './stats';

export function syntheticContent(base: KnowledgeContent, size: number, seed = 12348): KnowledgeContent {
  const real = base.entries.filter((e) => e.locale === 'zh-CN');
  const extra = Math.max(0, size - base.entries.length);
  if (!extra) return base;
  if (!real.length) throw new Error('no zh-CN entries to recombine');
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

  const jieba = Jieba.withDict(dict);
  const cut = (s: string) => jieba.cut(s, false).filter((t) => t.length > 0);
  const questions = real.flatMap((e) => e.questions).map(cut).filter((t) => t.length > 0);
  const titles = real.map((e) => cut(e.title)).filter((t) => t.length > 0);
  const keywords = real.flatMap((e) => e.keywords);
  const sentences = real.flatMap((e) => e.body.match(/[^。！？\n]+[。！？]?\n?/g) ?? []).filter((s) => s.trim().length > 0);
  const bodyLengths = real.map((e) => e.body.length);
  const topics = base.topics.length ? base.topics.map((t) => t.id) : [...new Set(real.map((e) => e.topic))];

  const mix = (pool: string[][]): string => {
    const a = pick(pool);
    const b = pick(pool);
    const head = a.slice(0, a.length > 1 ? between(1, a.length - 1) : 1);
    const tail = b.slice(b.length > 1 ? between(1, b.length - 1) : 0);
    return [...head, ...tail].join('');
  };

  const entries: KnowledgeEntry[] = [...base.entries];
  for (let i = 0; i < extra; i++) {
    const template = real[i % real.length]!;
    const qs = new Set<string>();
    const want = between(8, 12);
    for (let tries = 0; qs.size < want && tries < want * 5; tries++) qs.add(mix(questions));
    const kws = new Set<string>();
    const wantKw = between(4, 10);
    for (let tries = 0; kws.size < wantKw && tries < wantKw * 5; tries++) kws.add(pick(keywords));
    const target = pick(bodyLengths);
    let body = '';
    for (let n = 0; body.length < target && n < 200; n++) body += pick(sentences);
    entries.push({
      ...template,
      id: `syn-${i}`,
      topic: topics[i % topics.length]!,
      title: mix(titles).slice(0, 60),
      questions: [...qs],
      keywords: [...kws],
      body: body.trim(),
      followups: [],
      file: `synthetic/syn-${i}.md`,
    });
  }
  return { ...base, entries };
}

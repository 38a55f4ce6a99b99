/**
 * The English knowledge base as a foreign resident reads it: every topic's main entry translated,
 * keeping the Chinese entry's topic and route, and every legal basis named by its Chinese title
 * plus an English name ("中华人民共和国劳动合同法 (Labour Contract Law of the PRC)", "第四十七条
 * (Art. 47), 第四十八条 (Art. 48)"), so a citizen can show the citation to a Chinese office and still understand it.
 */
import assert from 'node:assert/strict';
import type { KnowledgeEntry } from '../../src/content/schema';
import { knowledge } from '../helpers';

const HAN = /\p{Script=Han}/u;
const LATIN = /[A-Za-z]/;

/** "一千零八十四" → 1084: the numerals of article numbers. */
function chineseNumber(s: string): number {
  const digits: Record<string, number> = { 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
  const units: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
  let total = 0;
  let digit = 0;
  for (const ch of s) {
    if (ch in digits) digit = digits[ch]!;
    else if (ch in units) {
      total += (digit || 1) * units[ch]!;
      digit = 0;
    } else throw new Error(`not a Chinese numeral: ${s}`);
  }
  return total + digit;
}

/** "中华人民共和国民法典 (Civil Code of the PRC)" → both names; the English one is the last bracket. */
function bilingual(name: string): { zh: string; en: string } | undefined {
  const at = name.indexOf(' (');
  if (at < 0 || !name.endsWith(')')) return undefined;
  return { zh: name.slice(0, at), en: name.slice(at + 2, -1) };
}

describe('the English knowledge base', () => {
  const c = knowledge();
  const en = c.entries.filter((e) => e.locale === 'en');
  const zhById = new Map(c.entries.filter((e) => e.locale === 'zh-CN').map((e) => [e.id, e]));

  it('translates every topic’s main entry, keeping its topic and route', () => {
    for (const t of c.topics) {
      const e = en.find((x) => x.id === t.id);
      assert.ok(e, `no English main entry for ${t.id}`);
      assert.equal(e.topic, t.id, e.file);
      assert.equal(e.route, zhById.get(t.id)?.route, `${e.file}: route differs from the Chinese entry`);
    }
  });

  it('names every law by its Chinese title plus an English name, one English name per title', () => {
    const names = new Map<string, string>();
    for (const e of en) {
      for (const s of e.sources) {
        if (!('law' in s)) continue;
        const n = bilingual(s.law);
        assert.ok(n && HAN.test(n.zh) && LATIN.test(n.en) && !HAN.test(n.en), `${e.file}: "${s.law}" is not "中文标题 (English name)"`);
        const seen = names.get(n.zh);
        assert.ok(!seen || seen === n.en, `${e.file}: ${n.zh} is "${n.en}" here but "${seen}" elsewhere`);
        names.set(n.zh, n.en);
      }
    }
  });

  it('gives every article as 第…条 (Art. N), each with its own number, a range as 第…条至第…条 (Arts. a-b)', () => {
    for (const e of en) {
      for (const s of e.sources) {
        if (!('law' in s)) continue;
        // Each article carries its own number, so a line that shows only the first articles still pairs them.
        for (const part of s.article.split(/、|, (?=第)/)) {
          const one = /^第([零一二三四五六七八九十百千]+)条 \(Art\. (\d+)\)$/.exec(part);
          const range = /^第([零一二三四五六七八九十百千]+)条至第([零一二三四五六七八九十百千]+)条 \(Arts\. (\d+)-(\d+)\)$/.exec(part);
          assert.ok(one || range, `${e.file}: "${part}" is not "第…条 (Art. N)"`);
          if (one) assert.equal(Number(one[2]), chineseNumber(one[1]!), `${e.file}: ${part}`);
          if (range) assert.deepEqual([Number(range[3]), Number(range[4])], [chineseNumber(range[1]!), chineseNumber(range[2]!)], `${e.file}: ${part}`);
        }
      }
    }
  });

  it('gives official procedures and their issuers in Chinese with an English name', () => {
    for (const e of en) {
      for (const s of e.sources) {
        if ('law' in s) continue;
        for (const text of [s.procedure, s.issuer]) {
          assert.ok(HAN.test(text) && /\([^)]*[A-Za-z][^)]*\)$/.test(text), `${e.file}: "${text}" lacks its English name`);
        }
      }
    }
  });

  it('lists the legal basis in the answer the same way: the Chinese title, then the English name', () => {
    for (const e of en) {
      const basis = e.body.split('**Legal basis**')[1];
      assert.ok(basis, `${e.file}: no **Legal basis** list`);
      for (const line of basis.split('\n').filter((l) => l.startsWith('- '))) {
        assert.match(line, /^- (?:《[^》]+》\s?\([^)]*[A-Za-z]|[^(]*\p{Script=Han}[^(]*\([^)]*[A-Za-z])/u, `${e.file}: "${line}"`);
      }
    }
  });

  it('cites in its sources every article its legal-basis list names', () => {
    const numbers = (articles: string) => {
      const n = [...articles.matchAll(/第([零一二三四五六七八九十百千]+)条/g)].map((x) => chineseNumber(x[1]!));
      return /至/.test(articles) && n.length === 2 ? Array.from({ length: n[1]! - n[0]! + 1 }, (_, i) => n[0]! + i) : n;
    };
    for (const e of en) {
      const cited = new Map<string, Set<number>>();
      for (const s of e.sources) {
        if (!('law' in s)) continue;
        const zh = bilingual(s.law)?.zh ?? s.law;
        cited.set(zh, new Set([...(cited.get(zh) ?? []), ...numbers(s.article)]));
      }
      const basis = e.body.split('**Legal basis**')[1] ?? '';
      // 《title》(English name) 第…条: the title may itself quote a law (《…《民法典》…》).
      for (const m of basis.matchAll(/《((?:[^《》]|《[^《》]*》)+)》\s?\((?:[^()]|\([^()]*\))*\)\s?((?:(?:、|, |至)?第[零一二三四五六七八九十百千]+条(?: \(Arts?\. [\d, -]+\))?)+)/g)) {
        for (const n of numbers(m[2]!)) assert.ok(cited.get(m[1]!)?.has(n), `${e.file}: 《${m[1]}》 Art. ${n} is in the legal basis but not in sources`);
      }
    }
  });

  it('follows up only to entries a reader of English can open', () => {
    const ids = new Set(en.map((e: KnowledgeEntry) => e.id));
    for (const e of en) for (const f of e.followups) assert.ok(ids.has(f), `${e.file} → ${f} has no English version`);
  });
});

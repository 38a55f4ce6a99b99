/**
 * The shipped knowledge base as the product promises it: every topic covered, every entry cited
 * and asked about in many ways, links that resolve, and no contact data nobody verified.
 */
import assert from 'node:assert/strict';
import { KnowledgeBase } from '../../src/content/knowledge';
import { knowledge } from '../helpers';

// The only phone numbers an entry may state: national and provincial hotlines.
const HOTLINES = new Set(['12348', '12345', '12309', '12333', '12315', '110', '119', '120', '122', '96110', '12338', '12356']);

describe('the knowledge base', () => {
  const c = knowledge();
  const zh = c.entries.filter((e) => e.locale === 'zh-CN');
  const en = c.entries.filter((e) => e.locale === 'en');

  it('holds at least 100 Chinese entries, 3 per topic on average, and every topic has one', () => {
    assert.ok(zh.length >= 100, `${zh.length} entries`);
    assert.ok(zh.length / c.topics.length >= 3);
    for (const t of c.topics) assert.ok(zh.some((e) => e.topic === t.id), `no entry for ${t.id}`);
  });

  it('has a main entry per topic whose id is the topic id', () => {
    for (const t of c.topics) assert.ok(zh.some((e) => e.id === t.id && e.topic === t.id), t.id);
  });

  it('cites a law article or an official procedure in every entry and asks it at least 8 ways', () => {
    for (const e of c.entries) {
      assert.ok(e.sources.length > 0, e.file);
      for (const s of e.sources) assert.ok('law' in s ? /第.+条/.test(s.article) : s.issuer.length > 1, `${e.file}: ${JSON.stringify(s)}`);
      assert.ok(e.questions.length >= 8, `${e.file}: ${e.questions.length} questions`);
    }
  });

  it('has the regulations citizens ask about as entries of their own', () => {
    const regs = zh.filter((e) => e.kind === 'regulation');
    const cites = (law: RegExp, article: RegExp) =>
      regs.some((e) => e.sources.some((s) => 'law' in s && law.test(s.law) && article.test(s.article)));
    for (const a of ['三十一', '三十二', '四十二', '四十三', '四十九']) assert.ok(cites(/法律援助法/, new RegExp(`第${a}条`)), `法律援助法 ${a}`);
    assert.ok(cites(/人民调解法/, /第三十三条/));
    assert.ok(cites(/劳动争议调解仲裁法/, /第二十七条/) && cites(/劳动争议调解仲裁法/, /第五十三条/));
    assert.ok(cites(/民法典/, /一千零七十六|1076/) && cites(/民法典/, /一千零七十九|1079/) && cites(/民法典/, /一千零八十四|1084/));
    assert.ok(cites(/消费者权益保护法/, /第二十五条/) && cites(/消费者权益保护法/, /第五十五条/));
    assert.ok(cites(/道路交通安全法/, /第七十六条/));
    assert.ok(cites(/保障农民工工资支付条例/, /./) && cites(/信访工作条例/, /./));
  });

  it('offers follow-ups that resolve, and the wage-arrears answer leads on to arbitration and legal aid', () => {
    const kb = new KnowledgeBase(c);
    for (const e of c.entries) for (const f of e.followups) assert.ok(kb.hasTranslation(f, e.locale), `${e.file} → ${f}`);
    const wage = kb.entry('labor-wage-arrears')!;
    const next = wage.followups.map((f) => kb.entry(f)!);
    assert.ok(next.some((x) => x.topic === 'labor-arbitration'), next.map((x) => x.id).join());
    assert.ok(next.some((x) => /法律援助/.test(x.title)), next.map((x) => x.title).join());
  });

  it('has an English version of every topic’s main entry', () => {
    for (const t of c.topics) assert.ok(en.some((e) => e.id === t.id && e.topic === t.id), `no English main entry for ${t.id}`);
  });

  it('states no phone number but the national hotlines', () => {
    for (const e of c.entries) {
      const text = `${e.title}\n${e.summary}\n${e.body}`;
      // Any 5+ digit number, and any number after "拨打/打/call/dial", must be a hotline.
      for (const m of text.matchAll(/(?<![\d.])\d{5,}(?![\d年月日元%％])/g)) {
        assert.ok(HOTLINES.has(m[0]), `${e.file}: "${m[0]}" looks like a phone number that is not a national hotline`);
      }
      for (const m of text.matchAll(/(?:拨打|拨|打|致电|call|dial|ring)\s*(\d{3,})/gi)) {
        assert.ok(HOTLINES.has(m[1]!), `${e.file}: "${m[0]}" — not a national hotline`);
      }
      assert.doesNotMatch(text, /0516[-\s]?\d{7,8}/, `${e.file}: a Xuzhou landline`);
    }
  });

  it('keeps every unverified office contact empty, so the bot gives the hotline instead', () => {
    assert.equal(c.districts.length, 10);
    for (const d of c.districts) {
      for (const o of d.offices) {
        if (o.status === 'unconfirmed') assert.deepEqual([o.address, o.phone, o.hours], ['', '', ''], `${d.name} ${o.name}`);
      }
      for (const kind of ['legal-aid-centre', 'public-legal-service-centre', 'mediation-committee', 'zero-barrier-desk']) {
        assert.ok(d.offices.some((o) => o.kind === kind), `${d.name} lacks ${kind}`);
      }
    }
  });

  it('warns editors, in kb check, about each unconfirmed office', () => {
    const unconfirmed = c.districts.flatMap((d) => d.offices.filter((o) => o.status === 'unconfirmed'));
    const warnings = c.issues.filter((i) => i.severity === 'warning' && /unconfirmed/.test(i.message));
    assert.equal(warnings.length, unconfirmed.length);
  });
});

/**
 * Staff-side content and figures: canned replies (knowledge/canned, validated with file and
 * field), the rating parser, the CSV export (formula cells defused) and the centre's counts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseRating } from '../../src/bot/live-handoff';
import type { Case, CaseId } from '../../src/cases/model';
import { KnowledgeBase } from '../../src/content/knowledge';
import { loadCanned } from '../../src/staff/canned';
import { checkDeskContent } from '../../src/staff/check';
import { caseStats, casesCsv, summaryCsv } from '../../src/staff/report';
import { knowledge } from '../helpers';

const closed = (over: Partial<Case>): Case => ({
  id: 'c_aaaaaaaaaaaa' as CaseId,
  status: 'closed',
  channelId: 'directline',
  conversationId: 'dl_x',
  reference: {},
  locale: 'zh-CN',
  urgent: false,
  summary: { answers: {}, amounts: [], dates: [], urgency: [], line: 'x' },
  consentCallback: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:10:00.000Z',
  firstResponseAt: '2026-01-01T00:02:00.000Z',
  closedAt: '2026-01-01T00:10:00.000Z',
  awaitingRating: false,
  ...over,
});

describe('canned replies (knowledge/canned)', () => {
  it('loads the shipped files without problems, every topic known', () => {
    const kb = new KnowledgeBase(knowledge());
    const { replies, issues } = loadCanned(resolve(__dirname, '../../knowledge/canned'), (t) => !!kb.topic(t));
    assert.deepEqual(issues, []);
    assert.ok(replies.length >= 5);
    assert.ok(replies.every((r) => r.text.length >= 4 && r.title.length >= 2));
  });

  it('names file and field for bad entries, duplicate ids and unknown topics', () => {
    const dir = mkdtempSync(join(tmpdir(), 'canned-'));
    try {
      writeFileSync(join(dir, 'a.yaml'), 'replies:\n  - id: Bad_Id\n    title: x\n    text: 短短的话\n');
      writeFileSync(join(dir, 'b.yaml'), 'replies:\n  - id: hi\n    title: 问候\n    text: 您好，请讲\n');
      writeFileSync(join(dir, 'c.yaml'), 'replies:\n  - id: hi\n    title: 再问候\n    text: 您好，请讲\n  - id: t1\n    title: 主题\n    text: 有主题的回复\n    topics: [no-such-topic]\n');
      writeFileSync(join(dir, 'd.yaml'), 'replies: [\n');
      const { replies, issues } = loadCanned(dir, (t) => t === 'labor-wage-arrears');
      assert.deepEqual(replies.map((r) => `${r.file}:${r.id}`), ['canned/b.yaml:hi']);
      const where = issues.map((i) => `${i.file} ${i.field}`);
      for (const w of ['canned/a.yaml replies.0.id', 'canned/a.yaml replies.0.title', 'canned/c.yaml replies.0.id', 'canned/c.yaml replies.1.topics', 'canned/d.yaml ']) {
        assert.ok(where.includes(w), `${w} in ${where.join(' | ')}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('kb check of the desk content', () => {
  it('finds nothing wrong in the shipped canned replies and handoff lexicon, and names file and field when something is', () => {
    const kb = new KnowledgeBase(knowledge());
    assert.deepEqual(checkDeskContent(resolve(__dirname, '../../knowledge'), resolve(__dirname, '../../dialogs'), kb), []);
    const dir = mkdtempSync(join(tmpdir(), 'desk-content-'));
    try {
      mkdirSync(join(dir, 'canned'));
      mkdirSync(join(dir, 'lexicon'));
      writeFileSync(join(dir, 'canned/x.yaml'), 'replies:\n  - id: ok\n    title: 好的\n    text: 好的好的\n    topics: [nope]\n');
      writeFileSync(join(dir, 'lexicon/handoff.yaml'), 'cancel: [取消]\n');
      const issues = checkDeskContent(dir, dir, kb);
      assert.ok(issues.some((i) => i.file === 'canned/x.yaml' && i.field === 'replies.0.topics' && i.severity === 'error'));
      assert.ok(issues.some((i) => i.file === 'dialogs/lexicon/handoff.yaml' && i.field === 'status'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('rating after hand-back', () => {
  it('reads 1–5 with an optional word, in digits or Chinese', () => {
    assert.deepEqual(parseRating('5'), { score: 5 });
    assert.deepEqual(parseRating('４分 很耐心'), { score: 4, comment: '很耐心' });
    assert.deepEqual(parseRating('五星，很清楚'), { score: 5, comment: '很清楚' });
    assert.deepEqual(parseRating('1, 没解决 13800138000'), { score: 1, comment: '没解决 138****8000' });
    assert.equal(parseRating('6'), undefined);
    assert.equal(parseRating('离婚怎么办'), undefined);
    assert.equal(parseRating('10分'), undefined);
  });
});

describe('reporting', () => {
  it('exports closed cases as CSV with formula cells defused and quotes escaped', () => {
    const csv = casesCsv([closed({ topic: 'labor-wage-arrears', district: { code: '320302', name: '鼓楼区' }, outcome: 'answered', assignee: 'wang', rating: { score: 4, comment: '=HYPERLINK("x"),好' } })]);
    const [head, row] = csv.replace(/^\uFEFF/, '').split('\r\n');
    assert.equal(head, 'id,created_at,closed_at,channel,district,topic,urgent,outcome,assignee,first_response_seconds,rating,rating_comment');
    assert.equal(row, `c_aaaaaaaaaaaa,2026-01-01T00:00:00.000Z,2026-01-01T00:10:00.000Z,directline,鼓楼区,labor-wage-arrears,no,answered,wang,120,4,"'=HYPERLINK(""x""),好"`);
  });

  it('counts by topic, district and outcome, with mean first response and satisfaction', () => {
    const s = caseStats([
      closed({ topic: 'a', outcome: 'answered', rating: { score: 5 } }),
      closed({ topic: 'a', outcome: 'mediation', rating: { score: 3 }, firstResponseAt: '2026-01-01T00:04:00.000Z' }),
      closed({ topic: 'b', outcome: 'no-response', firstResponseAt: undefined }),
    ]);
    assert.deepEqual(s.byTopic, { a: 2, b: 1 });
    assert.deepEqual(s.byOutcome, { answered: 1, mediation: 1, 'no-response': 1 });
    assert.equal(s.meanFirstResponseSeconds, 180);
    assert.equal(s.meanRating, 4);
    assert.equal(s.rated, 2);
  });

  it('writes the counts as CSV by topic, district, outcome and channel', () => {
    const csv = summaryCsv([
      closed({ topic: 'a', outcome: 'answered', rating: { score: 5 } }),
      closed({ topic: 'a', outcome: 'mediation', rating: { score: 3 } }),
      closed({ topic: 'b', outcome: 'answered' }),
    ]);
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines[0], 'dimension,value,cases,mean_first_response_seconds,mean_rating,rated');
    assert.ok(lines.includes('all,all,3,120,4,2'));
    assert.ok(lines.includes('topic,a,2,120,4,2'));
    assert.ok(lines.includes('topic,b,1,120,,0'));
    assert.ok(lines.includes('outcome,answered,2,120,5,1'));
    assert.ok(lines.includes('channel,directline,3,120,4,2'));
  });
});

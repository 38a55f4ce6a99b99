/**
 * The structured summary staff read first: amounts and dates taken from what the citizen wrote,
 * urgency from a near legal deadline or an earlier danger signal; the staffed-hours parser; the
 * handoff lexicon file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { StaffedHours, parseStaffedHours } from '../../src/cases/hours';
import { isCancel, isStatusQuestion, LexiconError, loadHandoffLexicon } from '../../src/cases/lexicon';
import { buildSummary, deadlineSignal, extractAmounts, extractDates } from '../../src/cases/summary';

const DIALOGS = resolve(__dirname, '../../dialogs');
const lex = loadHandoffLexicon(DIALOGS);

describe('case summary', () => {
  it('takes the amounts of money the citizen gave, not time spans', () => {
    assert.deepEqual(extractAmounts('老板欠我三个月工资，一共3万元，还有押金5,000块'), ['3万元', '5,000块']);
    assert.deepEqual(extractAmounts('欠了两万多元'), ['两万多元']);
    assert.deepEqual(extractAmounts('三个月没发工资'), []);
  });

  it('takes dates and spans', () => {
    assert.deepEqual(extractDates('2025年3月5日入职，干了三个月，下周一开庭'), ['2025年3月5日', '三个月', '下周一']);
    assert.deepEqual(extractDates('没有日期'), []);
  });

  it('calls a legal deadline within a week urgent, and a far or missing one not', () => {
    assert.equal(deadlineSignal('后天就开庭了', lex)?.kind, 'deadline');
    assert.equal(deadlineSignal('仲裁还有3天就到期', lex)?.kind, 'deadline');
    assert.equal(deadlineSignal('上诉期限还有五天内要交', lex)?.kind, 'deadline');
    assert.equal(deadlineSignal('下个月20号开庭', lex), undefined);
    assert.equal(deadlineSignal('还有30天就到期', lex), undefined);
    assert.equal(deadlineSignal('明天想去问问', lex), undefined, 'a near time without a deadline is not urgent');
  });

  it('builds the summary from the handoff and the transcript, with an earlier danger signal as urgency', () => {
    const s = buildSummary({
      event: {
        type: 'handoff',
        id: 'h1',
        at: '2026-01-01T00:00:00Z',
        reference: {},
        channelId: 'directline',
        locale: 'zh-CN',
        district: { code: '320302', name: '鼓楼区' },
        summary: '想离婚，对方打我',
        answers: { consent: '是' },
        lastQuestion: '离婚孩子归谁',
      },
      transcript: [
        { at: '2026-01-01T00:00:00Z', kind: 'citizen', text: '他现在拿刀在门口' },
        { at: '2026-01-01T00:00:01Z', kind: 'bot', text: '请立即拨打 110' },
        { at: '2026-01-01T00:00:02Z', kind: 'citizen', text: '结婚五年，彩礼8万元' },
      ],
      lexicon: lex,
      isEmergency: (t) => t.includes('拿刀'),
      matterType: '离婚',
    });
    assert.equal(s.matterType, '离婚');
    assert.deepEqual(s.district, { code: '320302', name: '鼓楼区' });
    assert.deepEqual(s.amounts, ['8万元']);
    assert.deepEqual(s.dates, ['五年']);
    assert.deepEqual(s.urgency, [{ kind: 'emergency', evidence: '他现在拿刀在门口' }]);
    assert.equal(s.line, '想离婚，对方打我');
    assert.equal(s.lastQuestion, '离婚孩子归谁');
  });
});

describe('staffed hours', () => {
  it('parses day ranges and times, and says when staff are on duty in Xuzhou time', () => {
    assert.deepEqual(parseStaffedHours('1-5 09:00-17:00; 6 09:00-12:00'), [
      { days: [1, 2, 3, 4, 5], from: 540, to: 1020 },
      { days: [6], from: 540, to: 720 },
    ]);
    const h = new StaffedHours('1-5 09:00-17:00');
    assert.equal(h.isOpen(new Date('2026-12-01T02:00:00Z')), true, 'Tuesday 10:00 in Xuzhou');
    assert.equal(h.isOpen(new Date('2026-12-01T10:00:00Z')), false, 'Tuesday 18:00 in Xuzhou');
    assert.equal(h.isOpen(new Date('2026-12-05T02:00:00Z')), false, 'Saturday');
    for (const bad of ['', 'weekdays', '5-1 09:00-17:00', '1 17:00-09:00', '1 09:00-25:00']) assert.throws(() => parseStaffedHours(bad), Error, bad);
    assert.throws(() => new StaffedHours('1 09:00-17:00', 'Mars/Base'), RangeError);
  });
});

describe('handoff lexicon (dialogs/lexicon/handoff.yaml)', () => {
  it('knows cancel as a whole message and status questions inside one', () => {
    assert.ok(isCancel('取消', lex));
    assert.ok(isCancel('不用了！', lex));
    assert.ok(!isCancel('取消合同怎么赔', lex), 'a question about cancelling is not a cancel');
    assert.ok(isStatusQuestion('工作人员什么时候回复我？', lex));
    assert.ok(isStatusQuestion('有人吗', lex));
    assert.ok(!isStatusQuestion('老板欠工资', lex));
  });

  it('names the file and field of a mistake', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lex-'));
    try {
      mkdirSync(join(dir, 'lexicon'));
      writeFileSync(join(dir, 'lexicon/handoff.yaml'), 'cancel: []\nstatus: [有人吗]\ndeadline_words: [开庭]\nnear_time: [明天]\nnear_days_max: 99\n');
      assert.throws(
        () => loadHandoffLexicon(dir),
        (e: unknown) => e instanceof LexiconError && /handoff\.yaml/.test(e.message) && e.problems.some((p) => p.startsWith('cancel')) && e.problems.some((p) => p.startsWith('near_days_max')),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

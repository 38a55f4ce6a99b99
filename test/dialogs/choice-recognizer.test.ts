import assert from 'node:assert/strict';
import { type ChoiceCandidate, isSkip, parseNumber, recognizeChoice, recognizeFeedback, recognizeYesNo } from '../../src/dialogs/choice-recognizer';
import { choiceLexicon } from './lexicon';

const lex = choiceLexicon();
const YES_NO: ChoiceCandidate[] = [
  { value: 'yes', label: '是' },
  { value: 'no', label: '不是' },
];
const YES_NO_UNSURE: ChoiceCandidate[] = [...YES_NO, { value: 'unsure', label: '说不准', synonyms: ['不知道', '不清楚'] }];
const MATTERS: ChoiceCandidate[] = [
  { value: 'criminal', label: '刑事案件（被抓、被起诉，或被害人）', synonyms: ['刑事', '被抓', '看守所'] },
  { value: 'pay', label: '讨要工资、确认劳动关系', synonyms: ['工资', '讨薪', '欠薪', '工钱'] },
  { value: 'injury', label: '工伤、交通事故、医疗事故等人身损害赔偿', synonyms: ['工伤', '车祸'] },
  { value: 'support', label: '赡养费、抚养费、扶养费', synonyms: ['赡养', '抚养费'] },
  { value: 'other', label: '其他（离婚、借钱、房屋、邻里等）', synonyms: ['离婚', '借钱', '其他'] },
];
const CLARIFY: ChoiceCandidate[] = [
  { value: 'labor-work-injury', label: '工伤认定与赔偿' },
  { value: 'traffic-accident-compensation-items', label: '交通事故赔偿项目有哪些' },
  { value: 'none', label: '都不是', synonyms: ['都不对', '没有'] },
];
const EN: ChoiceCandidate[] = [
  { value: 'screening', label: 'Legal aid check' },
  { value: 'wages', label: 'Unpaid wages' },
  { value: 'human', label: 'Talk to a person' },
];

const value = (input: string, options: ChoiceCandidate[]) => recognizeChoice(input, options, lex)?.value;

describe('choice recognition (Chinese and English)', () => {
  describe('numbers', () => {
    const cases: [string, string | undefined][] = [
      ['1', 'criminal'],
      ['１', 'criminal'],
      ['2', 'pay'],
      ['２', 'pay'],
      ['2.', 'pay'],
      ['二', 'pay'],
      ['两', 'pay'],
      ['第二个', 'pay'],
      ['第2个', 'pay'],
      ['第二', 'pay'],
      ['选2', 'pay'],
      ['我选第三个', 'injury'],
      ['三号', 'injury'],
      ['第四项', 'support'],
      ['5', 'other'],
      ['最后一个', 'other'],
      ['6', undefined],
      ['0', undefined],
      ['第十个', undefined],
    ];
    for (const [input, want] of cases) {
      it(`"${input}" → ${want ?? 'nothing'}`, () => assert.equal(value(input, MATTERS), want));
    }
    it('English ordinals', () => {
      assert.equal(value('2', EN), 'wages');
      assert.equal(value('the second one', EN), 'wages');
      assert.equal(value('Option 3', EN), 'human');
      assert.equal(value('first', EN), 'screening');
      assert.equal(value('last one', EN), 'human');
    });
    it('parseNumber knows digits inside emoji and full-width text', () => {
      assert.equal(parseNumber('👉２', lex, 3), 2);
      assert.equal(parseNumber('第一个吧', lex, 3), 1);
      assert.equal(parseNumber('一个人', lex, 3), undefined);
      assert.equal(parseNumber('第一个', lex, 3), 1);
      assert.equal(parseNumber('最后一个', lex, 4), 4);
    });
  });

  describe('yes / no', () => {
    const yes = ['是', '是的', '对', '对的', '好', '好的', '嗯', '嗯嗯', '可以', '行', '要', '需要', '同意', '好的，谢谢', '对，我在工地干活', '可以吗', 'yes', 'Yes please', 'ok', 'OK!', '好👍'];
    const no = ['不是', '不是的', '不', '不对', '不用了', '不用', '不要', '不需要', '算了', '算了吧', '没有', '不用了谢谢', '不了', 'no', 'No thanks', 'nope', '跳过'];
    for (const y of yes) it(`"${y}" is yes`, () => assert.equal(value(y, YES_NO), 'yes'));
    for (const n of no) it(`"${n}" is no`, () => assert.equal(value(n, YES_NO), 'no'));
    it('"不知道" picks "说不准" when offered, and is neither yes nor no', () => {
      assert.equal(value('不知道', YES_NO_UNSURE), 'unsure');
      assert.equal(recognizeYesNo('不知道', lex), undefined);
    });
    it('negation is never read as yes', () => {
      assert.notEqual(value('不是的，我不同意', YES_NO), 'yes');
      assert.equal(recognizeYesNo('是不是啊', lex), undefined);
    });
    it('unrelated text is neither', () => {
      assert.equal(value('我想问离婚的事', YES_NO), undefined);
      assert.equal(value('今天天气怎么样', YES_NO), undefined);
    });
  });

  describe('answers in traditional characters', () => {
    it('are read as their simplified forms', () => {
      assert.equal(value('離婚的事', MATTERS), 'other');
      assert.equal(value('討要工資、確認勞動關係', MATTERS), 'pay');
      assert.equal(value('第二個', MATTERS), 'pay');
      assert.equal(value('對的', YES_NO), 'yes');
      assert.equal(value('不用了，謝謝', YES_NO), 'no');
      assert.equal(value('說不準', YES_NO_UNSURE), 'unsure');
    });
  });

  describe('option text and paraphrase', () => {
    it('exact option text, ignoring punctuation, spaces and case', () => {
      assert.equal(value('讨要工资、确认劳动关系', MATTERS), 'pay');
      assert.equal(value('讨要工资 确认劳动关系！', MATTERS), 'pay');
      assert.equal(value('unpaid WAGES', EN), 'wages');
    });
    it('a synonym inside the answer', () => {
      assert.equal(value('我是讨薪的', MATTERS), 'pay');
      assert.equal(value('家里人被抓了', MATTERS), 'criminal');
      assert.equal(value('出了车祸', MATTERS), 'injury');
      assert.equal(value('要赡养费', MATTERS), 'support');
      assert.equal(value('离婚的事', MATTERS), 'other');
    });
    it('part of a longer option text', () => {
      assert.equal(value('交通事故赔偿', CLARIFY), 'traffic-accident-compensation-items');
      assert.equal(value('工伤认定', CLARIFY), 'labor-work-injury');
    });
    it('close paraphrase by shared characters', () => {
      assert.equal(value('工伤怎么认定赔偿', CLARIFY), 'labor-work-injury');
      assert.equal(value('交通事故都赔些什么项目', CLARIFY), 'traffic-accident-compensation-items');
    });
    it('"都不是" and its shorter forms', () => {
      assert.equal(value('都不是', CLARIFY), 'none');
      assert.equal(value('不是', CLARIFY), 'none');
      assert.equal(value('都不对', CLARIFY), 'none');
    });
    it('English word overlap', () => {
      assert.equal(value('legal aid', EN), 'screening');
      assert.equal(value('I want to talk to a person', EN), 'human');
      assert.equal(value('wages', EN), 'wages');
    });
    it('a negated option is not picked ("不要转人工")', () => {
      const opts: ChoiceCandidate[] = [
        { value: 'human', label: '转人工' },
        { value: 'menu', label: '回到主菜单' },
      ];
      assert.equal(value('不要转人工', opts), undefined);
      assert.equal(value('转人工', opts), 'human');
    });
    it('ambiguous answers return nothing rather than guess', () => {
      const opts: ChoiceCandidate[] = [
        { value: 'a', label: '劳动仲裁怎么申请' },
        { value: 'b', label: '劳动仲裁要什么材料' },
      ];
      assert.equal(value('劳动仲裁', opts), undefined);
    });
  });

  describe('skip and hostile input', () => {
    it('skip words', () => {
      for (const s of ['跳过', '不知道', '不想说', '不用了', 'skip', '不在徐州']) assert.ok(isSkip(s, lex), s);
      for (const s of ['铜山区', '13812345678', '是']) assert.ok(!isSkip(s, lex), s);
    });
    it('empty, emoji-only, control characters and huge input never throw', () => {
      for (const s of ['', '   ', '😀😀', '\u0000\u0007', '1'.repeat(10_000), '第'.repeat(5000), '\uD800']) {
        assert.doesNotThrow(() => recognizeChoice(s, MATTERS, lex));
      }
      assert.equal(value('😀😀', MATTERS), undefined);
      assert.equal(recognizeChoice('anything', [], lex), undefined);
    });
  });
});

describe('choice recognition where the citizen may also ask a question (menus, follow-ups)', () => {
  const MENU: ChoiceCandidate[] = [
    { value: 'screening', label: '法律援助预审', synonyms: ['预审', '能不能申请法律援助', '法律援助', 'legal aid check', 'legal aid'] },
    { value: 'traffic', label: '交通事故赔偿', synonyms: ['车祸', '交通事故'] },
    { value: 'disputes', label: '邻里、家庭纠纷调解', synonyms: ['调解', '邻居'] },
    { value: 'gov', label: '办事难、找办事窗口', synonyms: ['办事难', '被刁难', '办事'] },
  ];
  const free = (input: string) => recognizeChoice(input, MENU, lex, { freeText: true })?.value;

  it('still takes numbers, the label and a synonym said on its own', () => {
    assert.equal(free('1'), 'screening');
    assert.equal(free('第二个'), 'traffic');
    assert.equal(free('交通事故赔偿'), 'traffic');
    assert.equal(free('车祸'), 'traffic');
    assert.equal(free('纠纷调解'), 'disputes');
  });

  it('leaves whole questions to search instead of reading them as an option', () => {
    for (const q of ['法律援助怎么申请', '怎么申请法律援助', '去办事被刁难怎么办', '邻居装修噪音太大怎么办', '赔偿', 'how do I apply for legal aid']) {
      assert.equal(free(q), undefined, q);
    }
  });

  it('reads the same questions as options where only options are possible', () => {
    assert.equal(value('去办事被刁难怎么办', MENU), 'gov');
  });
});

describe('feedback typed instead of tapped ("这个回答有帮助吗？")', () => {
  const FEEDBACK: ChoiceCandidate[] = [
    { value: 'labor-arbitration', label: '劳动仲裁怎么申请' },
    { value: 'helpful', label: '有帮助' },
    { value: 'unhelpful', label: '没帮助' },
  ];
  const cases: [string, 'helpful' | 'unhelpful' | undefined][] = [
    ['有', 'helpful'],
    ['有用', 'helpful'],
    ['挺好的', 'helpful'],
    ['非常有帮助！', 'helpful'],
    ['有的，谢谢', 'helpful'],
    ['明白了', 'helpful'],
    ['没有', 'unhelpful'],
    ['没用', 'unhelpful'],
    ['看不懂', 'unhelpful'],
    ['不是我想问的', 'unhelpful'],
    ['没有帮助', 'unhelpful'],
    ['写得太复杂', 'unhelpful'],
    ['不是', 'unhelpful'],
    ['👍', 'helpful'],
    ['👎👎', 'unhelpful'],
    ['不是很有用', 'unhelpful'],
    ['帮助不大', 'unhelpful'],
    ['不太明白', 'unhelpful'],
    ['好像没什么用', 'unhelpful'],
    ['对我有帮助', 'helpful'],
    // Softened at the start or end: the cue is counted against what is left.
    ['根本没回答我问的', 'unhelpful'],
    ['压根没解决我的问题', 'unhelpful'],
    ['明白多了 谢谢', 'helpful'],
    ['懂了一些 谢谢你', 'helpful'],
    ['不用了', undefined],
    ['用什么材料', undefined],
    ['好的', undefined],
    ['嗯', undefined],
    ['还有呢', undefined],
    ['老板不给钱我不知道怎么办', undefined],
    ['有用吗这个东西到底怎么申请才行', undefined],
    // Said the way people talk: the use put first, dialect for "not much good".
    ['一点用没有', 'unhelpful'],
    ['啥用也没有', 'unhelpful'],
    ['不咋地', 'unhelpful'],
    ['太差了', 'unhelpful'],
    ['有一点用', 'helpful'],
    // Asking ends in 吗: "有用吗" asks whether doing what the answer says is of use.
    ['有用吗', undefined],
    ['有帮助么', undefined],
    ['没用吗', undefined],
  ];
  for (const [text, want] of cases) it(`"${text}" → ${want ?? 'not feedback'}`, () => assert.equal(recognizeFeedback(text, lex), want));
  describe('feedback with a comment after it, where the caller can tell whether the comment asks', () => {
    const asks = (t: string) => /[吗呢怎咋啥谁哪?？]|什么|多少/.test(t);
    const long: [string, 'helpful' | 'unhelpful' | undefined][] = [
      ['挺好的 说得很清楚', 'helpful'],
      ['有，比我问的那几个人说得明白', 'helpful'],
      ['没用 说来说去还是那几句', 'unhelpful'],
      ['没有，还是不知道咋办', 'unhelpful'],
      ['有的，谢谢', 'helpful'],
      ['我觉得 挺有用', 'helpful'],
      // "知道咋办了" says what the citizen now knows: it holds a question word but asks nothing.
      ['还行 大概知道咋办了', 'helpful'],
      ['还是不知道咋办', 'unhelpful'],
      // The comment asks: a new question, not feedback.
      ['没用 我问的是工伤怎么认定', undefined],
      ['有 那仲裁去哪里申请', undefined],
      ['报警有用吗 上回警察来了只是劝了劝', undefined],
      // The comment says the opposite.
      ['有用 但是看不懂', undefined],
      // Not feedback to begin with.
      ['好的 我回去跟家里人商量商量', undefined],
    ];
    for (const [text, want] of long) it(`"${text}" → ${want ?? 'not feedback'}`, () => assert.equal(recognizeFeedback(text, lex, { asks }), want));
    it('without a way to tell, a long answer is left to search', () => {
      assert.equal(recognizeFeedback('有，比我问的那几个人说得明白', lex), undefined);
    });
  });
  it('is read only where the options are helpful/unhelpful', () => {
    assert.equal(recognizeChoice('有用', FEEDBACK, lex, { freeText: true })?.value, 'helpful');
    assert.equal(recognizeChoice('看不懂', FEEDBACK, lex, { freeText: true })?.value, 'unhelpful');
    assert.equal(recognizeChoice('有用', YES_NO, lex), undefined);
    assert.equal(recognizeChoice('👍', FEEDBACK, lex, { freeText: true })?.value, 'helpful');
    assert.equal(recognizeChoice('👍', YES_NO, lex), undefined);
  });
});

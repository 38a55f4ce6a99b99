/** The project's one text normaliser (src/content/normalise.ts) in each of its three forms. */
import assert from 'node:assert/strict';
import { normalise } from '../../src/content/normalise';

describe('the text normaliser', () => {
  describe('what every form does first', () => {
    it('folds full-width digits and letters to ASCII and lower case', () => {
      assert.equal(normalise('第２个ＯＫ'), '第2个ok');
      assert.equal(normalise('ＡＢＣ１２３４８', { form: 'words' }), 'abc12348');
      assert.equal(normalise('ＡＢＣ１２３４８', { form: 'text' }), 'abc12348');
    });
    it('turns traditional characters into simplified ones, in every form', () => {
      assert.equal(normalise('謝謝'), '谢谢');
      assert.equal(normalise('我想離婚，孩子歸誰？'), '我想离婚孩子归谁');
      assert.equal(normalise('老闆欠我三個月工資', { form: 'words' }), '老板欠我三个月工资');
      assert.equal(normalise('離婚後孩子歸誰', { form: 'text' }), '离婚后孩子归谁');
    });
    it('leaves simplified text as it is', () => {
      for (const s of ['离婚后孩子归谁', '干燥的天气', '皇后', '头发', '只有', '面条', '于是']) assert.equal(normalise(s, { form: 'text' }), s);
    });
    it('turns compatibility ideographs and Kangxi radicals into the simplified characters', () => {
      assert.equal(normalise('\u2FBA'), '马');
      assert.equal(normalise('\uF900'), '岂');
    });
  });

  describe('compact (the matchers\u2019 form)', () => {
    it('drops punctuation, symbols, spaces and emoji', () => {
      assert.equal(normalise('第２个！😀 OK'), '第2个ok');
      assert.equal(normalise('“转人工”，谢谢～'), '转人工谢谢');
      assert.equal(normalise('talk to a person'), 'talktoaperson');
      assert.equal(normalise('a\tb\nc\u3000d\u00a0e'), 'abcde');
    });
    it('can keep pictographs, without skin tones, joiners or variation selectors', () => {
      assert.equal(normalise('好的👌！', { keepEmoji: true }), '好的👌');
      assert.equal(normalise('✌️', { keepEmoji: true }), '✌');
      assert.equal(normalise('👍🏻', { keepEmoji: true }), '👍');
      assert.equal(normalise('👍🏻'), '');
    });
    it('can say every repeated unit once', () => {
      assert.equal(normalise('谢谢谢谢谢谢', { collapseRepeats: true }), '谢');
      assert.equal(normalise('謝謝', { collapseRepeats: true }), '谢');
      assert.equal(normalise('哈哈哈哈', { collapseRepeats: true }), '哈');
      assert.equal(normalise('👍🏻👍', { keepEmoji: true, collapseRepeats: true }), '👍');
      assert.equal(normalise('谢谢谢谢'), '谢谢谢谢', 'no option, no change');
    });
  });

  describe('words', () => {
    it('keeps one space between Latin words', () => {
      assert.equal(normalise('  Speak,   ENGLISH please! ', { form: 'words' }), 'speak english please');
      assert.equal(normalise('talk to a person', { form: 'words' }), 'talk to a person');
    });
    it('makes punctuation, symbols and emoji separate words', () => {
      assert.equal(normalise('救命！他拿着刀😱在门口', { form: 'words' }), '救命 他拿着刀 在门口');
      assert.equal(normalise('yes👍no', { form: 'words' }), 'yes no');
    });
    it('drops control and format characters without a space (a line break joins the lines)', () => {
      assert.equal(normalise('有人\u200b砸门\n快来', { form: 'words' }), '有人砸门快来');
    });
  });

  describe('text (search\u2019s form)', () => {
    it('keeps punctuation and emoji for the segmenter', () => {
      assert.equal(normalise('老板欠薪，怎么办？👍', { form: 'text' }), '老板欠薪,怎么办?👍');
    });
    it('turns control, format and private-use characters into one space', () => {
      assert.equal(normalise('  工资\u0000\u200b欠\ue000薪\n\n怎么办  ', { form: 'text' }), '工资 欠 薪 怎么办');
    });
  });

  it('never throws, whatever it is given', () => {
    for (const s of ['', '\uD800', '\uDC00x', '😀'.repeat(5000), '\u0000\u0007\u202e', '（）【】《》'])
      for (const form of ['compact', 'words', 'text'] as const) assert.equal(typeof normalise(s, { form }), 'string');
  });
});

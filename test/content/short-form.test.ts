/**
 * The Chinese entries as a phone shows them first (src/dialogs/answer-view.ts answerShape): every entry
 * names its steps under a "步骤" heading (the fallback, the body's first list, is often a list of
 * facts rather than what to do), its "现在可以做的" line fits one or two phone lines, and its
 * summary one. Failures name the entry and the measured length so an editor knows what to shorten.
 */
import assert from 'node:assert/strict';
import { answerShape, chatBody } from '../../src/dialogs/answer-view';
import { knowledge } from '../helpers';

/** The same heading answer-view.ts looks for, as a line of the chat body (headings are bold there). */
const STEPS_HEADING = /^\*\*[^*\n]*步骤[^*\n]*\*\*/;
const MAX_NOW = 90;
const MAX_SUMMARY = 60;

describe('Short form of every zh-CN entry', () => {
  const entries = knowledge().entries.filter((e) => e.locale === 'zh-CN');

  it('reads some entries (the check below is not vacuous)', () => {
    assert.ok(entries.length > 50, `only ${entries.length} zh-CN entries`);
  });

  it('takes its steps from a list under a 步骤 heading', () => {
    const lacking = entries
      .filter((e) => {
        const body = chatBody(e.body);
        const lines = body.split('\n');
        const at = lines.findIndex((l) => STEPS_HEADING.test(l.trim()));
        return at < 0 || answerShape(body, e.locale).steps.length === 0;
      })
      .map((e) => e.id);
    assert.deepEqual(lacking, []);
  });

  it(`has a 现在可以做的 line of at most ${MAX_NOW} characters`, () => {
    const long = entries
      .map((e) => ({ id: e.id, now: answerShape(chatBody(e.body), e.locale).now }))
      .filter((x) => !x.now || x.now.length > MAX_NOW)
      .map((x) => `${x.id} (${x.now?.length ?? 'none'})`);
    assert.deepEqual(long, []);
  });

  it(`has a summary of at most ${MAX_SUMMARY} characters`, () => {
    const long = entries.filter((e) => e.summary.length > MAX_SUMMARY).map((e) => `${e.id} (${e.summary.length})`);
    assert.deepEqual(long, []);
  });
});

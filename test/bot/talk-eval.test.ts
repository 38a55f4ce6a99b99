/**
 * The conversation-level evaluation on the blind talk set's TUNE half (the held-out half is only
 * counted, in `npm run kb -- eval`): the real bot over the real knowledge, search and dialogs.
 * Floors, not targets: they keep what the dialog engine does for courtesies, small talk, typed
 * feedback and follow-ups from silently getting worse.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { evaluateTalk, formatTalkReport, readTalkFile, type TalkReport, TalkSetError } from '../../src/bot/talk-eval';
import { FIXTURES, searchEngine } from '../helpers';
import { realFlows, realKb } from './harness';

const share = (s: { passed: number; total: number }) => s.passed / s.total;

describe('conversation-level evaluation (blind talk set, tune half)', function () {
  this.timeout(120_000);
  let report: TalkReport;
  let shown: string;
  before(async () => {
    const file = readTalkFile(join(FIXTURES, 'blind/talk.yaml'));
    report = await evaluateTalk(file.tune, { kb: realKb(), search: searchEngine(), flows: realFlows() });
    shown = formatTalkReport(report, { failures: true });
  });

  it('acknowledgements and thanks never get a knowledge entry, a rephrase or a "您想问的是"', () => {
    assert.ok(share(report.acknowledgement) >= 0.95, shown);
  });
  it('small talk is told what the bot covers', () => {
    assert.ok(share(report.chitchat) >= 0.9, shown);
  });
  it('out-of-scope questions are told what the bot covers, never given an entry', () => {
    assert.ok(share(report.out_of_scope) >= 0.5, shown);
    assert.ok(report.out_of_scope.failures.every((f) => !f.why.startsWith('entry')), shown);
  });
  it('feedback typed after an answer is recorded helpful or unhelpful as meant', () => {
    assert.ok(share(report.feedback) >= 0.9, shown);
  });
  it('follow-ups stay in their topic: answered there or narrowed to it, seldom answered elsewhere', () => {
    const f = report.followup;
    assert.ok((f.passed + report.followupNarrowed) / f.total >= 0.6, shown);
    assert.ok(report.followupWrongTopic / f.total <= 0.1, shown);
  });
  it('a malformed talk set is refused with the field named', () => {
    assert.throws(() => readTalkFile(join(FIXTURES, 'blind/stories-a.yaml')), (e: unknown) => e instanceof TalkSetError && /tune|holdout/.test(e.message));
  });
});

/**
 * The conversation-level evaluation on the blind talk sets' TUNE halves (talk.yaml, talk-b.yaml, talk-c.yaml, talk-d.yaml;
 * the held-out halves are only counted, in `npm run kb -- eval`): the real bot over the real
 * knowledge, search and dialogs.
 * Floors, not targets: they keep what the dialog engine does for courtesies, small talk, typed
 * feedback and follow-ups from silently getting worse.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { evaluateTalk, formatTalkReport, readTalkFile, type TalkReport, TalkSetError } from '../../src/bot/talk-eval';
import { FIXTURES, searchEngine } from '../helpers';
import { realFlows, realKb } from './harness';

const share = (s: { passed: number; total: number }) => s.passed / s.total;

/** Floors per talk set (tune half), just under what was reached when they were last raised. */
const FLOORS = {
  'talk.yaml': { acknowledgement: 0.95, chitchat: 0.9, outOfScope: 0.5, feedback: 0.9, answered: 0.87, stayed: 0.95, wrongTopic: 0.1 },
  // Set B's follow-ups are mostly after stories: a first answer in the wrong topic takes the
  // follow-up with it, hence the looser wrong-topic bound.
  'talk-b.yaml': { acknowledgement: 0.95, chitchat: 0.9, outOfScope: 0, feedback: 0.9, answered: 0.75, stayed: 0.78, wrongTopic: 0.12 },
  // Set C's follow-ups often come after a long story, or after a first message that was not
  // answered (a "您想问的是", a district question, an emergency reply).
  'talk-c.yaml': { acknowledgement: 0.95, chitchat: 0.95, outOfScope: 0, feedback: 0.95, answered: 0.72, stayed: 0.76, wrongTopic: 0.12 },
  // Set D's follow-ups cover all 33 topics; a third of its first messages are not answered with an
  // entry (search's), and two of its small-talk items ask for a person, who is offered (the hand-off).
  // Reached 2026-12-01: acknowledgement 25/25, chitchat 18/20, feedback 20/20, answered 59/70,
  // stayed 62/70, wrong topic 4/70.
  'talk-d.yaml': { acknowledgement: 0.95, chitchat: 0.85, outOfScope: 0, feedback: 0.95, answered: 0.8, stayed: 0.84, wrongTopic: 0.1 },
} as const;

for (const [name, floor] of Object.entries(FLOORS)) {
  describe(`conversation-level evaluation (blind ${name}, tune half)`, function () {
    this.timeout(120_000);
    let report: TalkReport;
    let shown: string;
    before(async () => {
      const file = readTalkFile(join(FIXTURES, 'blind', name));
      report = await evaluateTalk(file.tune, { kb: realKb(), search: searchEngine(), flows: realFlows() });
      shown = formatTalkReport(report, { failures: true });
    });

    it('acknowledgements and thanks never get a knowledge entry, a rephrase or a "您想问的是"', () => {
      assert.ok(share(report.acknowledgement) >= floor.acknowledgement, shown);
    });
    it('small talk is told what the bot covers', () => {
      assert.ok(share(report.chitchat) >= floor.chitchat, shown);
    });
    it('out-of-scope questions are told what the bot covers, never given an entry', () => {
      if (report.out_of_scope.total) assert.ok(share(report.out_of_scope) >= floor.outOfScope, shown);
      assert.ok(report.out_of_scope.failures.every((f) => !f.why.startsWith('entry')), shown);
    });
    it('feedback typed after an answer is recorded helpful or unhelpful as meant', () => {
      assert.ok(share(report.feedback) >= floor.feedback, shown);
    });
    it('follow-ups are answered from the topic on screen ("要钱吗", "在哪办", "能赔多少"), not just narrowed to it', () => {
      assert.ok(share(report.followup) >= floor.answered, shown);
    });
    it('follow-ups stay in their topic: answered there or narrowed to it, seldom answered elsewhere', () => {
      const f = report.followup;
      assert.ok((f.passed + report.followupNarrowed) / f.total >= floor.stayed, shown);
      assert.ok(report.followupWrongTopic / f.total <= floor.wrongTopic, shown);
    });
  });
}

describe('talk sets', () => {
  it('a malformed talk set is refused with the field named', () => {
    assert.throws(() => readTalkFile(join(FIXTURES, 'blind/stories-a.yaml')), (e: unknown) => e instanceof TalkSetError && /tune|holdout/.test(e.message));
  });
});

import assert from 'node:assert/strict';
import { type BotReply, runTranscript, type Transcript, transcriptSchema } from './runner';

const t = (data: unknown): Transcript => ({ ...transcriptSchema.parse(data), file: 'inline.yaml' });
const fixed = (replies: BotReply[]) => async () => replies;

describe('transcript runner', () => {
  const answer: BotReply[] = [{ text: '被拖欠工资怎么办\n依据：《劳动合同法》第三十条\n☎ 12348', suggestions: ['有帮助', '没帮助'] }];

  it('passes when every expectation holds', async () => {
    await runTranscript(t({ name: 'ok case', steps: [{ user: 'q', bot: { contains: ['依据'], suggests: ['有帮助'], routes: '12348', first: { notContains: ['110'] } } }] }), fixed(answer));
  });

  it('fails on a missing text, button, route or an unexpected text, naming the step', async () => {
    const cases = [
      { contains: ['不存在的文字'] },
      { suggests: ['转人工'] },
      { routes: 'mediation' },
      { notContains: ['12348'] },
      { first: { contains: ['110'] } },
      { noSuggestions: true },
    ];
    for (const bot of cases) {
      await assert.rejects(runTranscript(t({ name: 'bad case', steps: [{ user: 'q', bot }] }), fixed(answer)), /inline\.yaml: "bad case", step 1/);
    }
  });

  it('fails when the bot says nothing, and when a restart is needed but unsupported', async () => {
    await assert.rejects(runTranscript(t({ name: 'silent', steps: [{ user: 'q' }] }), fixed([])), /no reply/);
    await assert.rejects(runTranscript(t({ name: 'restart', steps: [{ restart: true }] }), fixed(answer)), /needs restart support/);
  });

  it('repeats a message for long-input steps', async () => {
    let seen = '';
    await runTranscript(t({ name: 'long one', steps: [{ user: 'ab', repeat: 3 }] }), async (text) => ((seen = text), answer));
    assert.equal(seen, 'ababab');
  });

  it('rejects malformed transcripts', () => {
    assert.throws(() => transcriptSchema.parse({ name: 'x', steps: [] }));
    assert.throws(() => transcriptSchema.parse({ name: 'bad', steps: [{ user: 'q', bot: { says: 'x' } }] }));
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

  it('asserts the template a reply came from, where the transport carries it', async () => {
    const made: BotReply[] = [{ ...answer[0]!, template: 'answer' }, { text: '还有什么想问的？', suggestions: [], template: 'anything-else' }];
    await runTranscript(t({ name: 'named', steps: [{ user: 'q', bot: { template: ['answer', 'anything-else'], first: { template: 'answer' } } }] }), fixed(made));
    await assert.rejects(runTranscript(t({ name: 'named', steps: [{ user: 'q', bot: { template: 'screening-result-likely' } }] }), fixed(made)), /expected a reply from template "screening-result-likely"/);
    await assert.rejects(runTranscript(t({ name: 'named', steps: [{ user: 'q', bot: { first: { template: 'anything-else' } } }] }), fixed(made)), /first reply from template "anything-else"/);
    // WeChat's XML carries no template: the check is left to the transports that do.
    await runTranscript(t({ name: 'plain', steps: [{ user: 'q', bot: { template: 'answer' } }] }), fixed(answer));
  });

  it('never counts the turn-error apology (which names 12348) as a route to 12348', async () => {
    const apology = JSON.parse(readFileSync(join(__dirname, '../../dialogs/locales/zh-CN/ui.json'), 'utf8')).error.apology as string;
    assert.ok(apology.includes('12348'), 'the apology names the hotline, so the check matters');
    const step = { name: 'apology', steps: [{ user: 'q', bot: { routes: '12348' } }] };
    // In-process / Direct Line: a reply made from no template; WeChat: recognised by its text.
    await assert.rejects(runTranscript(t(step), fixed([{ text: apology, suggestions: [], template: null }])), /expected a route to 12348/);
    await assert.rejects(runTranscript(t(step), fixed([{ text: apology, suggestions: [] }])), /expected a route to 12348/);
    await runTranscript(t(step), fixed([{ ...answer[0]!, template: 'answer' }]));
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

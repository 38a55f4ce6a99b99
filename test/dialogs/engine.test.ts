import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { type Activity, MemoryStorage } from 'botbuilder';
import pino from 'pino';
import { createBot } from '../../src/bot/bot';
import { InProcessAdapter } from '../../src/bot/in-process-adapter';
import { type StepDef, stepSchema } from '../../src/dialogs/flow-schema';
import { asFlowId } from '../../src/dialogs/ids';
import type { Flow, LoadedFlows } from '../../src/dialogs/loader';
import { searchEngine } from '../helpers';
import { realFlows, realKb, toReply } from '../bot/harness';

/** The flow `id` with its steps replaced by these (editor-style objects, parsed by the real schema). */
function withFlow(flows: LoadedFlows, id: string, defs: Record<string, unknown>[]): LoadedFlows {
  const steps: StepDef[] = defs.map((d) => stepSchema.parse(d));
  const map = new Map(flows.flows);
  const old = map.get(asFlowId(id))!;
  const flow: Flow = { ...old, first: steps[0]!.id, steps: new Map(steps.map((s) => [s.id, s])) };
  map.set(asFlowId(id), flow);
  return { ...flows, flows: map };
}

function botWith(flows: LoadedFlows) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'error' },
    new Writable({
      write(c, _e, cb) {
        lines.push(...String(c).split('\n').filter(Boolean).map((l) => JSON.parse(l)));
        cb();
      },
    }),
  );
  const b = createBot({ kb: realKb(), search: searchEngine(), flows, storage: new MemoryStorage(), logger });
  const adapter = new InProcessAdapter((ctx) => b.bot.run(ctx));
  adapter.onTurnError = b.onTurnError;
  const say = async (text: string) =>
    (
      await adapter.run({ type: 'message', text, channelId: 'test', conversation: { id: 'c', isGroup: false, conversationType: 'personal', name: '' }, from: { id: 'u', name: '' } } as Partial<Activity>)
    ).map(toReply);
  return { say, lines };
}

describe('dialog engine', function () {
  this.timeout(30_000);
  before(() => searchEngine());

  it('a loop that validation would reject stops with an error at run time instead of hanging', async () => {
    const looping = withFlow(realFlows(), 'welcome', [
      { id: 'greet', kind: 'say', template: 'welcome', next: 'again' },
      { id: 'again', kind: 'branch', cases: [{ when: { x: 'never' }, next: 'greet' }], else: 'greet' },
      { id: 'menu', kind: 'say', template: 'menu' },
    ]);
    const { say, lines } = botWith(looping);
    const r = await say('你好');
    assert.match(r.at(-1)!.text, /抱歉，刚才出了点问题/);
    assert.ok(lines.some((l) => l.msg === 'turn failed' && JSON.stringify(l).includes('too many steps')));
  });

  it('flow triggers start their flow from free text; other text goes to search', async () => {
    const { say } = botWith(realFlows());
    assert.match((await say('帮我看看能不能申请法律援助')).map((r) => r.text).join(''), /第一个问题/);
    const { say: say2 } = botWith(realFlows());
    assert.match((await say2('房东不退押金怎么办')).map((r) => r.text).join(''), /依据：/);
  });

  it('a trigger typed in traditional characters starts its flow too', async () => {
    const { say } = botWith(realFlows());
    assert.match((await say('幫我看看能不能申請法律援助')).map((r) => r.text).join(''), /第一个问题/);
  });

  it('saved state pointing at a step that no longer exists (content changed) fails cleanly and recovers', async () => {
    const map = new Map(realFlows().flows);
    const flows: LoadedFlows = { ...realFlows(), flows: map };
    const { say } = botWith(flows);
    await say('法律援助预审'); // now waiting at screening#matter
    const screening = map.get(asFlowId('screening'))!;
    map.set(asFlowId('screening'), { ...screening, steps: new Map([...screening.steps].filter(([id]) => id !== 'matter')) });
    const r = await say('2');
    assert.match(r.at(-1)!.text, /抱歉，刚才出了点问题/);
    const again = await say('你好');
    assert.match(again[0]!.text, /您好！/, 'the conversation is usable again');
  });
});

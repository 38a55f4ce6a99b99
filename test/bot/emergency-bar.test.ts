/**
 * The emergency bar on the product's development set (test/fixtures/dev.yaml) and our own
 * extra set: every emergency question's FIRST reply names 110; no in-scope question gets the
 * emergency reply (its answer may still mention 110 where the topic's route is 110).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FIXTURES, searchEngine } from '../helpers';
import { buildBot, chat } from './harness';

interface EvalFile {
  in_scope: { q: string }[];
  out_of_scope?: string[];
  emergency?: string[];
}
const read = (f: string) => parse(readFileSync(join(FIXTURES, f), 'utf8')) as EvalFile;
const dev = read('dev.yaml');
const extra = read('extra.yaml');
const EMERGENCY_OPENING = /^⚠️/;

describe('emergency bar (dev.yaml)', function () {
  this.timeout(60_000);
  before(() => searchEngine());

  it('dev.yaml has emergency questions to check', () => assert.ok((dev.emergency ?? []).length >= 3));

  for (const q of dev.emergency ?? []) {
    it(`emergency: "${q}" → the first reply names 110`, async () => {
      const replies = await chat(buildBot().adapter).say(q);
      assert.match(replies[0]!.text, /110/);
      assert.match(replies[0]!.text, EMERGENCY_OPENING);
    });
  }

  it('the gas-and-unconscious question also names 119 and 120', async () => {
    const q = (dev.emergency ?? []).find((x) => x.includes('煤气'));
    assert.ok(q);
    const [first] = await chat(buildBot().adapter).say(q);
    assert.match(first!.text, /119/);
    assert.match(first!.text, /120/);
  });

  const inScope = [...dev.in_scope, ...extra.in_scope].map((x) => x.q);
  it(`none of the ${inScope.length} in-scope questions gets the emergency reply`, async () => {
    const b = buildBot();
    const alarms: string[] = [];
    for (const [i, q] of inScope.entries()) {
      const replies = await chat(b.adapter, { conversationId: `in-scope-${i}` }).say(q);
      if (EMERGENCY_OPENING.test(replies[0]?.text ?? '')) alarms.push(q);
    }
    assert.deepEqual(alarms, []);
  });

  it('out-of-scope questions are not answered as if known, nor alarmed', async () => {
    const b = buildBot();
    for (const [i, q] of (dev.out_of_scope ?? []).entries()) {
      const replies = await chat(b.adapter, { conversationId: `oos-${i}` }).say(q);
      const all = replies.map((r) => r.text).join('\n');
      assert.doesNotMatch(all, /依据：/, q);
      assert.doesNotMatch(replies[0]!.text, EMERGENCY_OPENING, q);
    }
  });
});

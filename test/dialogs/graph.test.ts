import assert from 'node:assert/strict';
import { enteredSteps, type Known, loopsWithoutInput, type ParsedFlow, referenceIssues, stepGraph, templatesUsed, unreachableSteps } from '../../src/dialogs/flow-graph';
import { flowFileSchema } from '../../src/dialogs/flow-schema';
import { asFlowId } from '../../src/dialogs/ids';

/** A small flow file as an editor would write it, parsed by the real schema. */
const flow = (id: string, steps: Record<string, unknown>[], extra: Record<string, unknown> = {}): ParsedFlow => ({
  file: `${id}.yaml`,
  flow: flowFileSchema.parse({ id, description: `flow ${id}`, steps, ...extra }),
});
const say = (id: string, next?: string) => ({ id, kind: 'say', template: 'hello', ...(next ? { next } : {}) });
const ask = (id: string, next?: string, more: Record<string, unknown> = {}) => ({ id, kind: 'ask', slot: 'x', prompt: 'hello', ...(next ? { next } : {}), ...more });
const everything: Known = { template: () => true, key: () => true, entry: () => true, hotline: () => true };

describe('flow graph checks (small in-memory flows)', () => {
  describe('unreachableSteps', () => {
    it('finds a step no step leads to, and only that one', () => {
      const f = flow('a', [say('start', 'end'), say('end'), say('orphan', 'end')]);
      assert.deepEqual(unreachableSteps(f.flow, stepGraph([f], []), new Set()), ['orphan']);
    });

    it('counts a step entered from another flow ("a#late") as reached', () => {
      const a = flow('a', [say('start'), say('late')]);
      const b = flow('b', [{ id: 'jump', kind: 'goto', flow: 'a#late' }]);
      const entered = enteredSteps([a, b]);
      assert.deepEqual([...entered], ['a#late']);
      assert.deepEqual(unreachableSteps(a.flow, stepGraph([a, b], []), entered), []);
      assert.deepEqual(unreachableSteps(a.flow, stepGraph([a, b], []), new Set()), ['late']);
    });

    it('follows every branch case and the else', () => {
      const f = flow('a', [
        { id: 'start', kind: 'branch', cases: [{ when: { x: 1 }, next: 'one' }], else: 'two' },
        say('one'),
        say('two'),
      ]);
      assert.deepEqual(unreachableSteps(f.flow, stepGraph([f], []), new Set()), []);
    });
  });

  describe('loopsWithoutInput', () => {
    it('reports a loop of steps that never wait, once, with its path', () => {
      const f = flow('a', [say('start', 'again'), say('again', 'start')]);
      assert.deepEqual(loopsWithoutInput(stepGraph([f], [])), [['a#start', 'a#again', 'a#start']]);
    });

    it('accepts a loop that passes through a question', () => {
      const f = flow('a', [say('start', 'q'), ask('q', 'start')]);
      assert.deepEqual(loopsWithoutInput(stepGraph([f], [])), []);
    });

    it('does not count a question with skipIf as waiting', () => {
      const f = flow('a', [say('start', 'q'), ask('q', 'start', { skipIf: { x: '$set' } })]);
      assert.equal(loopsWithoutInput(stepGraph([f], [])).length, 1);
    });

    it('sees loops across flows (goto) and through a search into a topic flow', () => {
      const a = flow('a', [{ id: 'go', kind: 'goto', flow: 'b' }]);
      const b = flow('b', [{ id: 'back', kind: 'goto', flow: 'a' }]);
      assert.deepEqual(loopsWithoutInput(stepGraph([a, b], [])), [['a#go', 'b#back', 'a#go']]);
      const s = flow('s', [{ id: 'look', kind: 'search', query: 'q', confident: 'done', unsure: 'done', none: 'done' }, say('done')]);
      const t = flow('t', [{ id: 'again', kind: 'goto', flow: 's' }]);
      assert.deepEqual(loopsWithoutInput(stepGraph([s, t], [])), []);
      assert.deepEqual(loopsWithoutInput(stepGraph([s, t], [asFlowId('t')])), [['s#look', 't#again', 's#look']]);
    });
  });

  describe('referenceIssues', () => {
    it('accepts a flow whose references all exist', () => {
      assert.deepEqual(referenceIssues([flow('a', [say('start', 'end'), say('end')])], everything), []);
    });

    it('names the file and step of an unknown step, flow, template, key, entry and hotline', () => {
      const a = flow('a', [
        say('start', 'nowhere'),
        { id: 'go', kind: 'goto', flow: 'b#missing' },
        { id: 'far', kind: 'goto', flow: 'c' },
        { id: 'pick', kind: 'choice', prompt: 'hello', options: [{ value: 'x', label: 'menu.x', next: 'start', dial: 'no-line', set: { entry: 'no-entry' } }] },
      ]);
      const b = flow('b', [say('start')]);
      const issues = referenceIssues([a, b], {
        template: (t) => t !== 'hello',
        key: (k) => k !== 'menu.x',
        entry: () => false,
        hotline: () => false,
      });
      const lines = issues.map((i) => `${i.file} ${i.field}: ${i.message}`);
      for (const expected of [
        'a.yaml steps.start: unknown step "nowhere" in flow a',
        'a.yaml steps.go: unknown step "missing" in flow b',
        'a.yaml steps.far: unknown flow "c"',
        'a.yaml steps.start: unknown template "hello" (dialogs/templates/<locale>/hello.hbs, every locale)',
        'a.yaml steps.pick: unknown i18n key "menu.x" (needed in every locale)',
        'a.yaml steps.pick.options.x: unknown knowledge entry "no-entry"',
        'a.yaml steps.pick.options.x.dial: unknown hotline "no-line" (knowledge/directory)',
      ]) {
        assert.ok(lines.includes(expected), `missing: ${expected}\ngot:\n${lines.join('\n')}`);
      }
      assert.ok(issues.every((i) => i.severity === 'error'));
    });

    it('reports a step id and an option value used twice', () => {
      const a = flow('a', [
        { id: 'pick', kind: 'choice', prompt: 'hello', options: [{ value: 'x', label: 'menu.x', next: 'start' }, { value: 'x', label: 'menu.y', next: 'start' }] },
        say('start'),
        say('start'),
      ]);
      const lines = referenceIssues([a], everything).map((i) => `${i.field}: ${i.message}`);
      assert.deepEqual(lines.sort(), ['steps.pick.options.x: option value "x" is used twice', 'steps.start: step id "start" is used twice']);
    });
  });

  it('templatesUsed lists what the steps render (prompts, retries, the engine fallbacks they use)', () => {
    const a = flow('a', [say('start', 'q'), ask('q', undefined, { retry: 'hello-again' })]);
    assert.deepEqual([...templatesUsed([a])].sort(), ['hello', 'hello-again']);
  });
});

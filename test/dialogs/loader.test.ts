import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { asFlowId } from '../../src/dialogs/ids';
import { checkDialogs, type DialogIssue, DialogValidationError, loadFlows } from '../../src/dialogs/loader';
import { DIALOGS_DIR, realKb } from '../bot/harness';

type Yaml = { steps: Record<string, unknown>[]; [k: string]: unknown };

/** A copy of dialogs/ changed by `mutate`, checked; the copy is removed afterwards. */
function check(mutate: (dir: string) => void): DialogIssue[] {
  const dir = mkdtempSync(join(tmpdir(), 'dialogs-'));
  try {
    cpSync(DIALOGS_DIR, dir, { recursive: true });
    mutate(dir);
    return checkDialogs(dir, realKb());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function editFlow(dir: string, file: string, edit: (flow: Yaml) => void): void {
  const path = join(dir, file);
  const flow = parse(readFileSync(path, 'utf8')) as Yaml;
  edit(flow);
  writeFileSync(path, stringify(flow));
}

function editJson(dir: string, file: string, edit: (data: Record<string, Record<string, unknown>>) => void): void {
  const path = join(dir, file);
  const data = JSON.parse(readFileSync(path, 'utf8'));
  edit(data);
  writeFileSync(path, JSON.stringify(data));
}

const errors = (issues: DialogIssue[]) => issues.filter((i) => i.severity === 'error');
function hasError(issues: DialogIssue[], file: string, field: string | RegExp, message: RegExp): void {
  const hit = errors(issues).find((i) => i.file === file && (typeof field === 'string' ? i.field === field : field.test(i.field)) && message.test(i.message));
  assert.ok(hit, `expected an error in ${file} [${field}] ~ ${message}; got:\n${errors(issues).map((i) => `${i.file} [${i.field}] ${i.message}`).join('\n')}`);
}
const step = (flow: Yaml, id: string) => flow.steps.find((s) => s.id === id)!;

describe('dialog validation (loadFlows / checkDialogs)', function () {
  this.timeout(30_000);

  it('the shipped dialogs/ folder has no errors and no warnings', () => {
    const issues = checkDialogs(DIALOGS_DIR, realKb());
    assert.deepEqual(issues, []);
    const loaded = loadFlows(DIALOGS_DIR, realKb());
    for (const f of ['welcome', 'answer', 'emergency', 'handoff', 'screening', 'gov-affairs', 'mediation']) assert.ok(loaded.flows.has(asFlowId(f)), f);
  });

  it('unknown template, with file and step', () => {
    const issues = check((d) => editFlow(d, 'answer.yaml', (f) => (step(f, 'thanks').template = 'no-such-template')));
    hasError(issues, 'answer.yaml', 'steps.thanks', /unknown template "no-such-template"/);
  });

  it('unknown i18n key in an option label', () => {
    const issues = check((d) =>
      editFlow(d, 'welcome.yaml', (f) => {
        (step(f, 'menu').options as { label: string }[])[0]!.label = 'menu.does-not-exist';
      }),
    );
    hasError(issues, 'welcome.yaml', 'steps.menu', /unknown i18n key "menu.does-not-exist"/);
  });

  it('unknown flow and unknown step', () => {
    const issues = check((d) => {
      editFlow(d, 'gov-affairs.yaml', (f) => (step(f, 'thanks').flow = 'nowhere'));
      editFlow(d, 'mediation.yaml', (f) => (step(f, 'explain').next = 'no-step'));
      editFlow(d, 'emergency.yaml', (f) => {
        (step(f, 'offer').options as { goto?: string }[])[1]!.goto = 'handoff#no-step';
      });
    });
    hasError(issues, 'gov-affairs.yaml', 'steps.thanks', /unknown flow "nowhere"/);
    hasError(issues, 'mediation.yaml', 'steps.explain', /unknown step "no-step"/);
    hasError(issues, 'emergency.yaml', 'steps.offer', /unknown step "no-step" in flow handoff/);
  });

  it('a step no path reaches', () => {
    const issues = check((d) => editFlow(d, 'answer.yaml', (f) => f.steps.push({ id: 'orphan', kind: 'say', template: 'feedback-thanks' })));
    hasError(issues, 'answer.yaml', 'steps.orphan', /never reached/);
  });

  it('steps that loop without waiting for the citizen', () => {
    const issues = check((d) =>
      editFlow(d, 'answer.yaml', (f) => {
        step(f, 'thanks').next = 'loop-a';
        f.steps.push({ id: 'loop-a', kind: 'branch', cases: [{ when: { misses: { gte: 5 } }, next: 'loop-b' }], else: 'loop-b' });
        f.steps.push({ id: 'loop-b', kind: 'say', template: 'feedback-thanks', next: 'loop-a' });
      }),
    );
    hasError(issues, 'answer.yaml', /steps\.loop-[ab]/, /loop without waiting/);
  });

  it('a loop through a question is fine; a loop through a skippable question is not', () => {
    const ok = check((d) =>
      editFlow(d, 'answer.yaml', (f) => {
        step(f, 'thanks').next = 'again';
        f.steps.push({ id: 'again', kind: 'ask', prompt: 'rephrase', slot: 'question', next: 'thanks' });
      }),
    );
    assert.deepEqual(errors(ok), []);
    const bad = check((d) =>
      editFlow(d, 'answer.yaml', (f) => {
        step(f, 'thanks').next = 'again';
        f.steps.push({ id: 'again', kind: 'ask', prompt: 'rephrase', slot: 'question', skipIf: { question: '$set' }, next: 'thanks' });
      }),
    );
    hasError(bad, 'answer.yaml', /steps\./, /loop without waiting/);
  });

  it('a missing translation (UI string or template) is an error', () => {
    const issues = check((d) => {
      editJson(d, 'locales/en/ui.json', (data) => delete (data.feedback as Record<string, unknown>).helpful);
      unlinkSync(join(d, 'templates/en/mediation-explain.hbs'));
    });
    hasError(issues, 'locales/en', 'feedback.helpful', /missing translation/);
    hasError(issues, 'templates/en/mediation-explain.hbs', '', /missing translation/);
  });

  it('an unknown key inside a template, with the line', () => {
    const issues = check((d) => writeFileSync(join(d, 'templates/zh-CN/feedback-thanks.hbs'), '谢谢！\n{{t "nope.missing"}}\n'));
    hasError(issues, 'templates/zh-CN/feedback-thanks.hbs', 'line 2', /unknown i18n key "nope.missing"/);
  });

  it('a template syntax error and an unknown partial', () => {
    const issues = check((d) => {
      writeFileSync(join(d, 'templates/zh-CN/menu.hbs'), '{{#if x}}unclosed');
      writeFileSync(join(d, 'templates/en/menu.hbs'), '{{> _nope}}');
    });
    hasError(issues, 'templates/zh-CN/menu.hbs', '', /syntax error/);
    hasError(issues, 'templates/en/menu.hbs', 'line 1', /unknown partial "_nope"/);
  });

  it('an unknown knowledge entry or topic', () => {
    const issues = check((d) => {
      editFlow(d, 'welcome.yaml', (f) => {
        (step(f, 'menu').options as { set?: Record<string, string> }[])[1]!.set = { entry: 'no-such-entry' };
      });
      editFlow(d, 'mediation.yaml', (f) => (f.topics = ['no-such-topic']));
    });
    hasError(issues, 'welcome.yaml', /steps\.menu\.options\.wages/, /unknown knowledge entry "no-such-entry"/);
    hasError(issues, 'mediation.yaml', 'topics', /unknown topic "no-such-topic"/);
  });

  it('schema errors name the step by id', () => {
    const issues = check((d) => editFlow(d, 'handoff.yaml', (f) => (step(f, 'contact').validate = 'email')));
    hasError(issues, 'handoff.yaml', 'steps.contact.validate', /./);
  });

  it('flow id must match the file name; core flows must exist', () => {
    const issues = check((d) => {
      editFlow(d, 'mediation.yaml', (f) => (f.id = 'disputes'));
      unlinkSync(join(d, 'emergency.yaml'));
    });
    hasError(issues, 'mediation.yaml', 'id', /must match the file name/);
    hasError(issues, 'emergency.yaml', '', /engine needs a flow "emergency"/);
  });

  it('a bad lexicon file is reported with its file', () => {
    const issues = check((d) => writeFileSync(join(d, 'lexicon/choices.yaml'), 'yes: [是]\n'));
    assert.ok(errors(issues).some((i) => i.file === 'lexicon/choices.yaml'));
  });

  it('an emergency pattern naming an unknown word class is reported with its file and field', () => {
    const issues = check((d) => {
      const path = join(d, 'lexicon/emergency.yaml');
      const lex = parse(readFileSync(path, 'utf8')) as { patterns: { seq: string[] }[] };
      lex.patterns[3]!.seq = ['harm-verbz', 'gap≤2', 'me'];
      writeFileSync(path, stringify(lex));
    });
    hasError(issues, 'lexicon/emergency.yaml', 'patterns.3.seq.0', /unknown class "harm-verbz"/);
  });

  it('loadFlows throws one typed error listing every problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dialogs-'));
    try {
      cpSync(DIALOGS_DIR, dir, { recursive: true });
      editFlow(dir, 'answer.yaml', (f) => (step(f, 'thanks').template = 'nope-1'));
      editFlow(dir, 'welcome.yaml', (f) => (step(f, 'greet').template = 'nope-2'));
      assert.throws(
        () => loadFlows(dir, realKb()),
        (e: unknown) => e instanceof DialogValidationError && e.issues.length >= 2 && /nope-1/.test(e.message) && /nope-2/.test(e.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

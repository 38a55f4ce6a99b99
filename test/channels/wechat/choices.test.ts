import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Choice, MemoryChoiceMemory, resolveChoice } from '../../../src/channels/wechat/choices';
import type { OpenId } from '../../../src/channels/wechat/messages';
import { DialogValidationError, loadChoiceLexicon } from '../../../src/dialogs';
import { lexiconWithExtraTwo } from './harness';

const DIALOGS = resolve(__dirname, '../../../dialogs');
const lexicon = loadChoiceLexicon(DIALOGS);

const opts: Choice[] = [
  { title: '劳动纠纷', text: '劳动纠纷' },
  { title: '婚姻家庭', text: '婚姻家庭' },
  { title: '申请法律援助', text: 'FLOW_LEGAL_AID', value: { flow: 'legal-aid' } },
];
const pick = (s: string, choices = opts) => resolveChoice(s, choices, lexicon)?.title;

describe('wechat choices: a reply to the numbered options, read by the dialogs recogniser', () => {
  it('picks an option by its number in every form the lexicon knows', () => {
    for (const s of ['1', '１', '第一个', '一', '壹', '选1', '我选第1个', '回复1', '回复 1', '①', ' 1. ', '第1个', 'the first one', 'option 1']) {
      assert.equal(pick(s), '劳动纠纷', s);
    }
    for (const s of ['2', '第二个', '两', '二号', 'the second one', 'Option 2', '选项2']) assert.equal(pick(s), '婚姻家庭', s);
    assert.equal(pick('最后一个'), '申请法律援助');
  });

  it('refuses a number that names no option', () => {
    for (const s of ['4', '0', '第四个', '十二']) assert.equal(pick(s), undefined, s);
  });

  it('picks an option by its title, its text, or a short reply that is mostly its words', () => {
    assert.equal(pick('婚姻家庭'), '婚姻家庭');
    assert.equal(pick('婚姻家庭吧'), '婚姻家庭');
    assert.equal(pick('婚姻'), '婚姻家庭');
    assert.equal(pick('法律援助'), '申请法律援助');
    assert.equal(pick('flow_legal_aid'), '申请法律援助', 'the text the bot would receive, any case');
  });

  it('passes the option\'s structured value and text on', () => {
    const chosen = resolveChoice('3', opts, lexicon);
    assert.equal(chosen?.text, 'FLOW_LEGAL_AID');
    assert.deepEqual(chosen?.value, { flow: 'legal-aid' });
  });

  it('leaves a new question alone, even one that names an option\'s words', () => {
    assert.equal(pick('我的劳动纠纷里公司一直不给赔偿怎么办'), undefined);
    assert.equal(pick('我的劳动纠纷里公司一直给赔偿怎么办'), undefined);
    assert.equal(pick('你好'), undefined);
    assert.equal(pick(''), undefined);
    assert.equal(pick('1', []), undefined, 'nothing offered');
  });

  it('refuses a reply that fits two options equally', () => {
    const twins: Choice[] = [
      { title: '工伤认定', text: '工伤认定' },
      { title: '工伤赔偿', text: '工伤赔偿' },
    ];
    assert.equal(pick('工伤', twins), undefined);
    assert.equal(pick('赔偿', twins), '工伤赔偿');
  });

  it('takes ordinal words from dialogs/lexicon/choices.yaml, not from code', () => {
    const custom = lexiconWithExtraTwo();
    assert.equal(resolveChoice('双', opts, custom)?.title, '婚姻家庭');
    assert.equal(resolveChoice('双', opts, lexicon)?.title, undefined, 'the project lexicon does not have it');
  });

  it('refuses a choice lexicon that is not valid, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wechat-choices-'));
    try {
      mkdirSync(join(dir, 'lexicon'));
      copyFileSync(join(DIALOGS, 'lexicon/commands.yaml'), join(dir, 'lexicon/choices.yaml'));
      assert.throws(() => loadChoiceLexicon(dir), (e: unknown) => e instanceof DialogValidationError && e.issues.length > 0 && e.issues.every((i) => i.file === 'lexicon/choices.yaml'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('wechat choice memory', () => {
  const user = 'oUser' as OpenId;

  it('remembers the options per user until they expire or are cleared', async () => {
    let now = 1_000;
    const memory = new MemoryChoiceMemory(60_000, 10, () => now);
    await memory.set(user, opts);
    assert.deepEqual(await memory.get(user), opts);
    await memory.clear(user);
    assert.equal(await memory.get(user), undefined);
    await memory.set(user, opts);
    now += 60_001;
    assert.equal(await memory.get(user), undefined, 'expired');
  });

  it('keeps at most maxUsers users, dropping the least recently offered', async () => {
    const memory = new MemoryChoiceMemory(60_000, 2);
    const [a, b, c] = ['oA', 'oB', 'oC'] as OpenId[];
    await memory.set(a!, opts);
    await memory.set(b!, opts);
    await memory.set(a!, opts); // a offered again: b is now the oldest
    await memory.set(c!, opts);
    assert.equal(await memory.get(b!), undefined);
    assert.ok(await memory.get(a!));
    assert.ok(await memory.get(c!));
  });
});

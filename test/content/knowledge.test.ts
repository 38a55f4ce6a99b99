import assert from 'node:assert/strict';
import { KnowledgeBase } from '../../src/content/knowledge';
import { knowledge } from '../helpers';

describe('KnowledgeBase lookups', () => {
  const kb = new KnowledgeBase(knowledge());

  it('finds an entry in the wanted locale and falls back to Chinese', () => {
    assert.equal(kb.entry('labor-wage-arrears', 'en')?.locale, 'en');
    assert.equal(kb.entry('labor-arbitration-steps', 'en')?.locale, 'zh-CN');
    assert.equal(kb.entry('no-such-entry'), undefined);
  });

  it('finds the district named anywhere in a message, the longest name first', () => {
    assert.equal(kb.findDistrict('我住在铜山区张集镇')?.code, '320312');
    assert.equal(kb.findDistrict('I live in Pizhou')?.name, '邳州市');
    assert.equal(kb.findDistrict('老板欠我工资'), undefined);
  });

  it('finds a district written in traditional characters, full width or with other punctuation', () => {
    assert.equal(kb.findDistrict('我住在銅山區張集鎮')?.code, '320312');
    assert.equal(kb.findDistrict('我在邳州')?.name, '邳州市');
    assert.equal(kb.findDistrict('I live in ＰＩＺＨＯＵ')?.name, '邳州市');
    assert.equal(kb.findDistrict('near Tongshan-District')?.code, '320312');
  });

  it('sees re-read content at once after replace (an editor saved a file)', () => {
    const c = knowledge();
    const changed = { ...c, entries: c.entries.map((e) => (e.id === 'notary' && e.locale === 'zh-CN' ? { ...e, title: '公证（已更新）' } : e)) };
    const live = new KnowledgeBase(c);
    live.replace(changed);
    assert.equal(live.entry('notary')?.title, '公证（已更新）');
    assert.equal(kb.entry('notary')?.title, c.entries.find((e) => e.id === 'notary' && e.locale === 'zh-CN')?.title);
  });
});

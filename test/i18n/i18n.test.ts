import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocales } from '../../src/i18n/i18n';
import { localeFromTag } from '../../src/i18n/locale';
import { loadTemplates, TemplateRenderError } from '../../src/i18n/templates';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'i18n-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

describe('i18n strings and templates', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const mk = (files: Record<string, string>) => {
    const d = tree(files);
    dirs.push(d);
    return d;
  };

  it('translates with interpolation and without HTML escaping', () => {
    const d = mk({
      'locales/zh-CN/ui.json': JSON.stringify({ a: { hi: '你好，{{name}} & <朋友>' } }),
      'locales/en/ui.json': JSON.stringify({ a: { hi: 'Hi {{name}} & <friend>' } }),
    });
    const { translator, issues } = loadLocales(join(d, 'locales'));
    assert.deepEqual(issues, []);
    assert.equal(translator.t('zh-CN', 'a.hi', { name: '张三' }), '你好，张三 & <朋友>');
    assert.equal(translator.t('en', 'a.hi', { name: 'Li' }), 'Hi Li & <friend>');
  });

  it('a key missing in one locale is an error naming the key; at run time zh-CN is used, never the key', () => {
    const d = mk({
      'locales/zh-CN/ui.json': JSON.stringify({ a: { only: '只有中文' } }),
      'locales/en/ui.json': JSON.stringify({}),
    });
    const { translator, issues } = loadLocales(join(d, 'locales'));
    assert.ok(issues.some((i) => i.severity === 'error' && i.field === 'a.only' && /missing translation/.test(i.message)));
    assert.equal(translator.t('en', 'a.only'), '只有中文');
  });

  it('bad JSON, a missing locale folder and duplicate keys are reported', () => {
    const d = mk({ 'locales/zh-CN/a.json': '{nope', 'locales/zh-CN/b.json': '{"x":"1"}', 'locales/zh-CN/c.json': '{"x":"2"}' });
    const { issues } = loadLocales(join(d, 'locales'));
    assert.ok(issues.some((i) => i.file === 'locales/zh-CN/a.json' && /not valid JSON/.test(i.message)));
    assert.ok(issues.some((i) => i.file === 'locales/en' && /missing locale folder/.test(i.message)));
    assert.ok(issues.some((i) => i.field === 'x' && /twice/.test(i.message)));
  });

  it('templates render per locale with {{t}}, {{tk}}, partials and tidy whitespace', () => {
    const d = mk({
      'locales/zh-CN/ui.json': JSON.stringify({ k: { a: '甲', b: '乙' } }),
      'locales/en/ui.json': JSON.stringify({ k: { a: 'A', b: 'B' } }),
      'templates/zh-CN/_p.hbs': '[{{t "k.a"}}]',
      'templates/en/_p.hbs': '[{{t "k.a"}}]',
      'templates/zh-CN/x.hbs': '{{> _p}} {{tk key}}\n\n\n\n{{name}}  \n',
      'templates/en/x.hbs': '{{> _p}} {{tk key}} {{name}}',
    });
    const { translator } = loadLocales(join(d, 'locales'));
    const { templates, issues } = loadTemplates(join(d, 'templates'), translator);
    assert.deepEqual(issues, []);
    assert.equal(templates.render('x', 'zh-CN', { key: 'k.b', name: 'a&b' }), '[甲] 乙\n\na&b');
    assert.equal(templates.render('x', 'en', { key: 'k.b', name: 'x' }), '[A] B x');
    assert.equal(templates.render('x', 'en', { key: 'no.such', name: 'x' }), '[A]  x');
    assert.deepEqual(templates.names(), ['x']);
  });

  it('a template missing in one locale is a missing translation', () => {
    const d = mk({
      'locales/zh-CN/ui.json': '{}',
      'locales/en/ui.json': '{}',
      'templates/zh-CN/only.hbs': '只有中文',
      'templates/en/.keep': '',
    });
    const { translator } = loadLocales(join(d, 'locales'));
    const { templates, issues } = loadTemplates(join(d, 'templates'), translator);
    assert.ok(issues.some((i) => i.file === 'templates/en/only.hbs' && /missing translation/.test(i.message)));
    assert.equal(templates.has('only'), false);
    assert.throws(() => templates.render('only', 'en', {}), TemplateRenderError);
  });

  it('channel locales map onto ours', () => {
    assert.equal(localeFromTag('en-US'), 'en');
    assert.equal(localeFromTag('EN'), 'en');
    assert.equal(localeFromTag('zh-Hans-CN'), 'zh-CN');
    assert.equal(localeFromTag('zh_TW'), 'zh-CN');
    assert.equal(localeFromTag('fr-FR'), undefined);
    assert.equal(localeFromTag(undefined), undefined);
  });
});

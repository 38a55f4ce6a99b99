import assert from 'node:assert/strict';
import { chatSafe, cut, forSearch, MAX_INPUT_CHARS, MAX_SEARCH_CHARS, normalizeForMatch, normalizeKeepSpaces, sanitizeInput } from '../../src/dialogs/input';

describe('input hygiene', () => {
  it('removes control, zero-width and bidi characters and trims', () => {
    assert.equal(sanitizeInput('  老板\u0000欠\u200b薪\u202e \u0007 ').text, '老板欠薪');
    assert.equal(sanitizeInput('a\r\nb').text, 'a\nb');
  });
  it('keeps emoji whole and never leaves a lone surrogate', () => {
    const t = sanitizeInput('工资😀\uD800').text;
    assert.equal(t, '工资😀');
    const long = sanitizeInput('😀'.repeat(MAX_INPUT_CHARS)).text;
    assert.ok(long.length <= MAX_INPUT_CHARS);
    assert.ok(!/[\uD800-\uDBFF]$/.test(long), 'cut inside a surrogate pair');
  });
  it('bounds 10,000 characters and reports the cut', () => {
    const r = sanitizeInput('欠'.repeat(10_000));
    assert.equal(r.text.length, MAX_INPUT_CHARS);
    assert.equal(r.truncated, true);
    assert.ok(forSearch(r.text).length <= MAX_SEARCH_CHARS);
  });
  it('non-strings become empty text', () => {
    assert.equal(sanitizeInput(undefined).text, '');
    assert.equal(sanitizeInput(42 as unknown).text, '');
  });
  it('normalizeForMatch and normalizeKeepSpaces are the one normaliser\u2019s compact and words forms (test/content/normalise.test.ts)', () => {
    assert.equal(normalizeForMatch('第２个！😀 OK 謝謝'), '第2个ok谢谢');
    assert.equal(normalizeForMatch('好的👌！', { keepEmoji: true }), '好的👌');
    assert.equal(normalizeForMatch('謝謝謝謝', { collapseRepeats: true }), '谢');
    assert.equal(normalizeKeepSpaces('Speak ＥＮＧＬＩＳＨ, 謝謝!'), 'speak english 谢谢');
  });
  it('chatSafe neutralises Markdown links, HTML and line breaks in echoed text', () => {
    const s = chatSafe('[点这里](http://evil.example)\n<script>**x**');
    assert.ok(!s.includes('['));
    assert.ok(!s.includes('<'));
    assert.ok(!s.includes('\n'));
    assert.ok(!s.includes('://'));
    assert.ok(!s.includes('**'));
  });
  it('cut respects code points', () => {
    assert.equal(cut('a😀b', 2), 'a');
    assert.equal(cut('abc', 5), 'abc');
  });
});

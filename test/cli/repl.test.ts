import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { runRepl } from '../../src/cli/repl';
import { markdownForTerminal } from '../../src/cli/terminal-markdown';
import { buildBot } from '../bot/harness';
import { searchEngine } from '../helpers';

describe('console REPL', function () {
  this.timeout(30_000);
  before(() => searchEngine());

  it('talks to the bot through the adapter; a number picks a shown button', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += String(d)));
    await runRepl({ adapter: buildBot().adapter, input: Readable.from(['菜单\n', '2\n', ':new\n', ':quit\n', '不会被发送\n']), output: out });
    assert.match(text, /bot> 请选择您想了解的事/);
    assert.match(text, /\[1 法律援助预审 \| 2 被拖欠工资/);
    assert.match(text, /被拖欠工资怎么办[\s\S]*依据：/);
    assert.match(text, /\(new conversation\)/);
    assert.doesNotMatch(text, /不会被发送/);
    assert.doesNotMatch(text, /\*\*/, 'Markdown bold is rendered, not printed');
    assert.doesNotMatch(text, /\]\(tel:/, 'tel: links show as their text');
    assert.equal(text.match(/you> 菜单/g)?.length, 1, 'each line is shown once');
  });

  it('at a terminal: a "you> " prompt, typed lines are not echoed again, bold in ANSI', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += String(d)));
    await runRepl({ adapter: buildBot().adapter, input: Readable.from(['菜单\n', ':quit\n']), output: out, interactive: true });
    assert.match(text, /you> /);
    assert.doesNotMatch(text, /you> 菜单/, 'the terminal shows what was typed; the REPL does not repeat it');
    assert.match(text, /bot> 请选择您想了解的事/);
  });

  it('renders chat Markdown for a terminal: bold, lists, links', () => {
    const md = '**被拖欠工资怎么办**\n- 留证据\n1. 投诉\n拨打 [12348 公共法律服务热线](tel:12348) 或看 [网站](https://example.org)';
    assert.equal(markdownForTerminal(md), '被拖欠工资怎么办\n• 留证据\n1. 投诉\n拨打 12348 公共法律服务热线 或看 网站 (https://example.org)');
    assert.equal(markdownForTerminal('**粗体**', { color: true }), '\u001b[1m粗体\u001b[22m');
  });
});

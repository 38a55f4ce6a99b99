import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { runRepl } from '../../src/cli/repl';
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
  });
});

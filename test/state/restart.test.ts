/**
 * STATE_STORE=sqlite:<file>: a conversation survives a process restart. The first half runs in a
 * child process that exits mid-flow; the second half continues here over the same file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createStorage, SqliteStorage } from '../../src/state';
import { buildBot, chat, type Reply } from '../bot/harness';
import { searchEngine } from '../helpers';

const ROOT = resolve(__dirname, '../..');

describe('conversation state across a process restart (sqlite store)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'restart-'));
    searchEngine();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a screening started in one process is finished in another', () => {
    const spec = `sqlite:${join(dir, 'state.db')}`;
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'restart-child.ts'), spec, 'conv-r', '我在睢宁', '法律援助预审', '2'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const first = JSON.parse(stdout) as Reply[][];
    assert.match(first[2]!.map((r) => r.text).join('\n'), /第三十二条/);
    return (async () => {
      const storage = createStorage(spec) as SqliteStorage;
      try {
        const c = chat(buildBot({ storage }).adapter, { conversationId: 'conv-r', userId: 'user-conv-r' });
        const r1 = await c.say('不是');
        assert.match(r1.map((r) => r.text).join('\n'), /第四十二条/, 'the flow continued where the other process stopped');
        const r2 = await c.say('是');
        assert.match(r2.map((r) => r.text).join('\n'), /很可能符合[\s\S]*睢宁县的法律援助中心/, 'the remembered district (user state) survived too');
      } finally {
        storage.close();
      }
    })();
  });

  it('with the memory store the same sequence starts over (the test above can fail)', async () => {
    const a = buildBot();
    await chat(a.adapter, { conversationId: 'm' }).say('法律援助预审');
    const b = buildBot();
    const r = await chat(b.adapter, { conversationId: 'm' }).say('不是');
    assert.doesNotMatch(r.map((x) => x.text).join('\n'), /第四十二条/);
  });
});

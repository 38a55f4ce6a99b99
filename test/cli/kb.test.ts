import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { FIXTURES } from '../helpers';

const ROOT = resolve(__dirname, '../..');
function kb(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/kb.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run kb (the editors’ command line)', function () {
  this.timeout(120_000);

  it('check: passes on the shipped content and lists unconfirmed directory data as warnings', () => {
    const r = kb(['check']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /0 errors/);
    assert.match(r.out, /WARNING directory\/xuzhou\.yaml/);
  });

  it('check: fails on broken content with every error, file and field', () => {
    const r = kb(['check'], { KNOWLEDGE_DIR: join(FIXTURES, 'bad-knowledge') });
    assert.equal(r.code, 1);
    assert.match(r.err, /ERROR area\/bad-fields\.md \[route\]/);
    assert.match(r.err, /ERROR area\/no-front-matter\.md/);
  });

  it('search: ranks, explains and survives odd input', () => {
    const r = kb(['search', '房东不退押金咋办']);
    assert.equal(r.code, 0);
    assert.match(r.out, /housing-rental/);
    assert.match(r.out, /closest:/);
    for (const odd of ['😀', '？？', 'a'.repeat(10_000), '\u0007']) assert.equal(kb(['search', odd]).code, 0);
    assert.equal(kb(['search']).code, 2);
  });

  it('eval: prints accuracy and rejection rates for a labelled file', () => {
    const r = kb(['eval', 'test/fixtures/dev.yaml']);
    assert.equal(r.code, 0);
    assert.match(r.out, /top-1 accuracy:\s+\d+\.\d %/);
    assert.match(r.out, /out-of-scope rejected:\s+\d of 6/);
  });
});

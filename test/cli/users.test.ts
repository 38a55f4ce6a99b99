/**
 * `npm run users`: the first admin from the command line with the password from standard input,
 * no default password, refusals for weak passwords and bad names, disable ends sessions.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { type CliIo, main } from '../../src/cli/users';
import { openCaseDatabase } from '../../src/cases/open';
import { StaffSessions } from '../../src/staff/sessions';
import { StaffUsers } from '../../src/staff/users';

describe('users command line', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'users-cli-'));
    env = { CASES_DB: join(dir, 'cases.db') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function io(stdin = ''): CliIo & { lines: string[]; errors: string[] } {
    const lines: string[] = [];
    const errors: string[] = [];
    return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), stdin: async () => stdin };
  }

  async function verify(username: string, password: string) {
    const { db, ready } = openCaseDatabase({ sqliteFile: env.CASES_DB });
    await ready;
    try {
      return await new StaffUsers(db).verify(username, password);
    } finally {
      await db.close();
    }
  }

  it('adds the first admin with the password read from standard input', async () => {
    const o = io('correct horse battery\n');
    assert.equal(await main(['add', 'admin', '--role', 'admin', '--name', '管理员'], env, o), 0, o.errors.join());
    assert.deepEqual(o.lines, ['added admin (admin)']);
    const u = await verify('admin', 'correct horse battery');
    assert.equal(u?.role, 'admin');
    assert.equal(u?.displayName, '管理员');
    assert.equal(await verify('admin', 'wrong password here'), undefined);
  });

  it('refuses an empty or short password: there is no default', async () => {
    const empty = io('');
    assert.equal(await main(['add', 'admin', '--role', 'admin'], env, empty), 1);
    assert.match(empty.errors.join(), /at least 10/);
    const short = io('abc\n');
    assert.equal(await main(['add', 'admin'], env, short), 1);
    const list = io();
    assert.equal(await main(['list'], env, list), 0);
    assert.deepEqual(list.lines, []);
  });

  it('refuses bad usage, bad roles, bad names and duplicates', async () => {
    assert.equal(await main([], env, io()), 2);
    assert.equal(await main(['add'], env, io()), 2);
    assert.equal(await main(['add', 'x1', '--role', 'root'], env, io('long enough password')), 2);
    assert.equal(await main(['add', 'Bad Name!', '--role', 'staff'], env, io('long enough password')), 1);
    assert.equal(await main(['add', 'li', '--role', 'staff'], env, io('long enough password')), 0);
    const dup = io('long enough password');
    assert.equal(await main(['add', 'li'], env, dup), 1);
    assert.match(dup.errors.join(), /exists/);
  });

  it('disables a user and ends their sessions; a new password works and the old one not', async () => {
    await main(['add', 'li', '--role', 'staff'], env, io('first password 123'));
    const { db, ready } = openCaseDatabase({ sqliteFile: env.CASES_DB });
    await ready;
    const sessions = new StaffSessions(db);
    const s = await sessions.create('li');
    assert.ok(await sessions.get(s.token));
    assert.equal(await main(['disable', 'li'], env, io()), 0);
    assert.equal(await sessions.get(s.token), undefined);
    await db.close();
    assert.equal(await verify('li', 'first password 123'), undefined, 'disabled users cannot sign in');
    assert.equal(await main(['enable', 'li'], env, io()), 0);
    assert.equal(await main(['passwd', 'li'], env, io('second password 456\n')), 0);
    assert.equal(await verify('li', 'first password 123'), undefined);
    assert.ok(await verify('li', 'second password 456'));
    assert.equal(await main(['passwd', 'nobody'], env, io('second password 456\n')), 1);
  });

  it('runs as `npm run users` reading the password from a pipe', function () {
    this.timeout(20_000);
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '../../src/cli/users.ts'), 'add', 'boss', '--role', 'admin'], {
      input: 'piped password 789\n',
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /added boss \(admin\)/);
  });
});

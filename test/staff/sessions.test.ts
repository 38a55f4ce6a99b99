/**
 * Staff sessions and accounts on both real databases: only the token's hash is stored, sessions
 * expire, a disabled user has none, argon2id hashes, and a wrong or unknown login is refused.
 */
import assert from 'node:assert/strict';
import type { SqlDb } from '../../src/cases/db';
import { StaffSessions } from '../../src/staff/sessions';
import { StaffUsers } from '../../src/staff/users';
import { DATABASES, type TestDatabase } from '../cases/databases';

for (const make of DATABASES) {
  describe(`staff accounts and sessions on ${make().name}`, function () {
    this.timeout(30_000);
    let tdb: TestDatabase;
    let db: SqlDb;
    beforeEach(async () => {
      tdb = make();
      db = await tdb.open();
    });
    afterEach(() => tdb.cleanup());

    it('stores an argon2id hash and verifies only the right password of an enabled user', async () => {
      const users = new StaffUsers(db);
      await users.add({ username: 'wang', role: 'staff', password: 'a good long password' });
      const [row] = await db.all<{ password_hash: string }>('SELECT password_hash FROM staff_users');
      assert.match(row!.password_hash, /^\$argon2id\$/);
      assert.equal((await users.verify('wang', 'a good long password'))?.username, 'wang');
      assert.equal(await users.verify('wang', 'a good long passworD'), undefined);
      assert.equal(await users.verify('nobody', 'a good long password'), undefined);
      await users.setDisabled('wang', true);
      assert.equal(await users.verify('wang', 'a good long password'), undefined);
    });

    it('keeps only the hash of the session token, expires sessions and purges them', async () => {
      await new StaffUsers(db).add({ username: 'li', role: 'editor', password: 'another long password' });
      let now = new Date('2026-01-01T00:00:00Z');
      const sessions = new StaffSessions(db, 3600_000, () => now);
      const s = await sessions.create('li');
      const rows = await db.all<{ id_hash: string }>('SELECT id_hash FROM staff_sessions');
      assert.equal(rows.length, 1);
      assert.notEqual(rows[0]!.id_hash, s.token, 'the table never holds the token itself');
      const got = await sessions.get(s.token);
      assert.equal(got?.user.role, 'editor');
      assert.equal(got?.csrf, s.csrf);
      assert.equal(await sessions.get(`${s.token}x`), undefined);
      now = new Date('2026-01-01T01:00:01Z');
      assert.equal(await sessions.get(s.token), undefined, 'expired');
      assert.equal(await sessions.purgeExpired(), 1);
    });
  });
}

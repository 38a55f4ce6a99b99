/**
 * The wired application on PostgreSQL (DATABASE_URL, a fresh schema): a case from web chat, two
 * staff claiming it at the same moment over HTTP (exactly one wins), a reply reaching the citizen,
 * and a restart that keeps the waiting cases.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PG_URL } from '../cases/databases';
import { askForPerson, StaffClient, startDesk } from './runtime';

describe('the staff desk on PostgreSQL', function () {
  this.timeout(60_000);
  const schema = `desk_pg_${process.pid}_${randomBytes(4).toString('hex')}`;
  after(async () => {
    const c = new Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  });

  it('lets exactly one of two staff claim a case, relays the reply, and keeps waiting cases across a restart', async () => {
    const one = await startDesk({ postgres: true, schema });
    let waitingId = '';
    try {
      const citizen = await askForPerson(one, { line: 'PG：欠薪一万元' });
      await askForPerson(one, { line: 'PG：重启后还在' });
      const staff = await Promise.all(
        ['wang', 'li'].map(async (n) => {
          const u = await one.addUser(n, 'staff', n);
          const c = new StaffClient(one.url);
          await c.login(u.username, u.password);
          return c;
        }),
      );
      const { cases } = await staff[0]!.json(staff[0]!.get('/cases?status=waiting'));
      const id = cases.find((c: { summary: string }) => c.summary.includes('一万元')).id;
      waitingId = cases.find((c: { summary: string }) => c.summary.includes('重启后')).id;
      const claims = await Promise.all(staff.map((s) => s.post(`/cases/${id}/claim`)));
      assert.deepEqual(claims.map((r) => r.status).sort(), [200, 409]);
      const winner = staff[claims.findIndex((r) => r.status === 200)]!;
      await winner.json(winner.post(`/cases/${id}/messages`, { text: '数据库是 PostgreSQL 的回复' }), 201);
      await citizen.waitFor(/数据库是 PostgreSQL 的回复/);
    } finally {
      await one.close();
    }
    const two = await startDesk({ postgres: true, schema });
    try {
      const s = new StaffClient(two.url);
      assert.equal((await s.login('wang', 'wrong-password-here')).status, 401, 'accounts survive too (and the password is still checked)');
      const u = await two.addUser('zhao', 'staff', 'zhao');
      await s.login(u.username, u.password);
      const { cases } = await s.json(s.get('/cases?status=waiting'));
      assert.deepEqual(cases.map((c: { id: string }) => c.id), [waitingId]);
    } finally {
      await two.close();
    }
  });
});

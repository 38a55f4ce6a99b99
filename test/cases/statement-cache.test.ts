/**
 * SQLite's prepared-statement cache stays bounded: each distinct SQL text kept prepared costs
 * native memory (~7 KB) that neither heapUsed nor external shows, so a text per request value
 * (a LIMIT written into the SQL) grew RSS for the life of the process.
 */
import assert from 'node:assert/strict';
import { SqliteDb } from '../../src/cases/db';
import { migrate } from '../../src/cases/migrations';
import { SqlCaseStore } from '../../src/cases/store';

describe('SQLite statement cache', () => {
  it('keeps at most statementCacheSize statements, and still answers a query it dropped', async () => {
    const db = new SqliteDb(':memory:', 3);
    for (let i = 1; i <= 10; i++) assert.deepEqual(await db.all(`SELECT ${i} AS n`), [{ n: i }]);
    assert.equal(db.cachedStatements, 3);
    assert.deepEqual(await db.all('SELECT 1 AS n'), [{ n: 1 }]);
    assert.equal(db.cachedStatements, 3);
    await db.close();
  });

  it('lists cases and reads the audit log with 500 different limits through a handful of statements', async () => {
    const db = new SqliteDb(':memory:');
    await migrate(db);
    const store = new SqlCaseStore(db);
    const before = db.cachedStatements;
    for (let limit = 1; limit <= 500; limit++) {
      await store.list({ status: ['waiting', 'active'], limit });
      await store.auditLog(undefined, limit);
    }
    assert.ok(db.cachedStatements - before <= 2, `${db.cachedStatements - before} statements for 2 queries`);
    await db.close();
  });
});

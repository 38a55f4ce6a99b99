import assert from 'node:assert/strict';
import { KeyedQueue, QueueFullError } from '../../src/bot/keyed-queue';

/** A promise with its resolve/reject outside, to hold a job open until the test lets it finish. */
function gate<T = void>() {
  let open!: (v: T) => void;
  let fail!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    open = res;
    fail = rej;
  });
  return { promise, open, fail };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('KeyedQueue (the one per-conversation serial queue)', () => {
  it('runs the jobs of one key one at a time, in the order they were queued', async () => {
    const q = new KeyedQueue<string>();
    const log: string[] = [];
    const first = gate();
    const a = q.run('c1', async () => {
      log.push('a start');
      await first.promise;
      log.push('a end');
      return 'a';
    });
    const b = q.run('c1', async () => {
      log.push('b start');
      return 'b';
    });
    const c = q.run('c1', async () => {
      log.push('c start');
      return 'c';
    });
    await tick();
    assert.deepEqual(log, ['a start'], 'b and c wait while a runs');
    assert.equal(q.pending('c1'), 3);
    first.open();
    assert.deepEqual(await Promise.all([a, b, c]), ['a', 'b', 'c']);
    assert.deepEqual(log, ['a start', 'a end', 'b start', 'c start']);
  });

  it('runs jobs of different keys in parallel: a slow conversation does not hold up another', async () => {
    const q = new KeyedQueue<string>();
    const slow = gate();
    let fastRan = false;
    const s = q.run('slow', () => slow.promise);
    await q.run('fast', async () => {
      fastRan = true;
    });
    assert.equal(fastRan, true);
    assert.equal(q.pending('slow'), 1, 'the slow job is still running');
    slow.open();
    await s;
  });

  it('passes a failed job\'s error to its caller and still runs the jobs queued after it', async () => {
    const q = new KeyedQueue<string>();
    const failing = q.run('c1', async () => {
      throw new Error('turn failed');
    });
    const throwingSync = q.run('c1', () => {
      throw new Error('thrown before any await');
    });
    const after = q.run('c1', async () => 'still runs');
    await assert.rejects(failing, /turn failed/);
    await assert.rejects(throwingSync, /thrown before any await/);
    assert.equal(await after, 'still runs');
  });

  it('releases a key when its last job finishes, so idle conversations take no memory', async () => {
    const q = new KeyedQueue<number>();
    const held = gate();
    const jobs = Array.from({ length: 1000 }, (_, i) => q.run(i, async () => i));
    const open = q.run(-1, () => held.promise);
    assert.equal(q.size, 1001);
    await Promise.all(jobs);
    await tick();
    assert.equal(q.size, 1, 'only the key with a job still running is kept');
    assert.equal(q.pending(5), 0);
    held.fail(new Error('even a failure releases the key'));
    await assert.rejects(open);
    await tick();
    assert.equal(q.size, 0);
    // A released key starts a fresh lane and still runs in order.
    const order: number[] = [];
    await Promise.all([q.run(5, async () => void order.push(1)), q.run(5, async () => void order.push(2))]);
    assert.deepEqual(order, [1, 2]);
  });

  it('refuses a job beyond maxPendingPerKey without running it, and accepts again once one finishes', async () => {
    const q = new KeyedQueue<string>({ maxPendingPerKey: 2 });
    const first = gate();
    const a = q.run('c1', () => first.promise);
    const b = q.run('c1', async () => 'b');
    let ran = false;
    const refused = q.run('c1', async () => {
      ran = true;
    });
    await assert.rejects(refused, (e: unknown) => e instanceof QueueFullError && e.pending === 2);
    assert.equal(await q.run('other', async () => 'another key is not refused'), 'another key is not refused');
    first.open();
    await a;
    assert.equal(await b, 'b');
    assert.equal(ran, false, 'the refused job never ran');
    assert.equal(await q.run('c1', async () => 'accepted'), 'accepted');
  });

  it('idle() waits for every queued job, including ones queued while waiting', async () => {
    const q = new KeyedQueue<string>();
    const done: string[] = [];
    const g = gate();
    void q.run('a', async () => {
      await g.promise;
      done.push('a');
      void q.run('b', async () => {
        await tick();
        done.push('b (queued during idle)');
      });
    });
    const idle = q.idle().then(() => done.push('idle'));
    await tick();
    assert.deepEqual(done, []);
    g.open();
    await idle;
    assert.deepEqual(done, ['a', 'b (queued during idle)', 'idle']);
    assert.equal(q.size, 0);
  });
});

import assert from 'node:assert/strict';
import { DirectLineError } from '../../../src/channels/directline/errors';
import { type ConversationId, type DirectLineUserId, TokenService, newConversationId, newUserId, parseConversationId, parseUserId } from '../../../src/channels/directline/tokens';

const conv = 'AAAAAAAAAAAAAAAAAAAAAA' as ConversationId;
const user = 'dl_user0000000000000' as DirectLineUserId;

function fails(fn: () => unknown, status: number, code: string) {
  assert.throws(fn, (e: unknown) => e instanceof DirectLineError && e.status === status && e.code === code);
}

describe('Direct Line tokens', () => {
  it('round-trips claims and reports expires_in', () => {
    const t = new TokenService({ secret: 'x'.repeat(32), now: () => 1_000_000 });
    const issued = t.issue(conv, user);
    assert.equal(issued.expiresIn, 1800);
    assert.deepEqual(t.verify(issued.token, 'access'), { conv, user, kind: 'access', iat: 1000, exp: 2800 });
  });

  it('expires exactly at exp', () => {
    let now = 0;
    const t = new TokenService({ secret: 'x'.repeat(32), accessTtlSeconds: 10, now: () => now });
    const { token } = t.issue(conv, user);
    now = 9_999;
    t.verify(token, 'access');
    now = 10_000;
    fails(() => t.verify(token, 'access'), 403, 'TokenExpired');
  });

  it('rejects short secrets, other kinds, flipped signature bits', () => {
    assert.throws(() => new TokenService({ secret: 'short' }));
    const t = new TokenService({ secret: 'x'.repeat(32) });
    const stream = t.issue(conv, user, 'stream');
    assert.equal(stream.expiresIn, 60);
    fails(() => t.verify(stream.token, 'access'), 403, 'Forbidden');
    const { token } = t.issue(conv, user);
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    fails(() => t.verify(`${token.slice(0, -2)}${last}${token.at(-1)}`, 'access'), 401, 'Unauthorized');
    fails(() => t.verify(undefined, 'access'), 401, 'Unauthorized');
  });

  it('recognises the secret in constant-time comparison', () => {
    const t = new TokenService({ secret: 'x'.repeat(32) });
    assert.equal(t.isSecret('x'.repeat(32)), true);
    assert.equal(t.isSecret('x'.repeat(31)), false);
    assert.equal(t.isSecret(undefined), false);
  });

  it('makes ids that its own parsers accept, and refuses odd ones', () => {
    assert.ok(parseConversationId(newConversationId()));
    assert.match(newUserId(), /^dl_/);
    assert.ok(parseUserId(newUserId()));
    for (const bad of ['', 'short', 'has space in it here!', '你好你好你好你好你好你好你好你好', 'a/b/c/d/e/f/g/h/i/j/k', 42, null]) {
      assert.equal(parseConversationId(bad), undefined);
    }
    assert.equal(parseUserId('a b'), undefined);
    assert.equal(parseUserId('x'.repeat(65)), undefined);
  });
});

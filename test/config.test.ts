import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../src/config';

describe('configuration', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const c = loadConfig({});
    assert.equal(c.PORT, 3978);
    assert.equal(c.STATE_STORE, 'memory');
    assert.equal(c.MicrosoftAppId, undefined);
    assert.equal(c.WECHAT_TOKEN, undefined);
  });

  it('lists every problem at once, by variable', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', NODE_ENV: 'staging' }),
      (e: unknown) => e instanceof ConfigError && e.problems.length === 3 && /PORT/.test(e.message) && /LOG_LEVEL/.test(e.message),
    );
  });

  it('requires the password with an App ID, and a Direct Line secret in production', () => {
    assert.throws(() => loadConfig({ MicrosoftAppId: 'abc' }), /MicrosoftAppPassword/);
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /DIRECTLINE_SECRET/);
  });

  it('checks the WeChat safe-mode key length and AppID', () => {
    assert.throws(() => loadConfig({ WECHAT_TOKEN: 't', WECHAT_ENCODING_AES_KEY: 'short', WECHAT_APPID: 'wx1' }), /43 characters/);
    assert.throws(() => loadConfig({ WECHAT_TOKEN: 't', WECHAT_ENCODING_AES_KEY: 'a'.repeat(43) }), /WECHAT_APPID/);
  });

  it('bounds have working defaults and refuse nonsense (issue 10)', () => {
    const c = loadConfig({});
    assert.equal(c.rateLimits.enabled, true);
    assert.deepEqual(c.rateLimits.tokensPerIp, { points: 60, durationSec: 60 });
    assert.deepEqual([c.JSON_MAX_DEPTH, c.RETENTION_DAYS, c.MEMORY_STATE_MAX_ITEMS, c.HTTP_REQUEST_TIMEOUT_MS], [32, 30, 20_000, 30_000]);
    assert.throws(() => loadConfig({ RETENTION_DAYS: '0' }), /RETENTION_DAYS/);
    assert.throws(() => loadConfig({ JSON_MAX_BYTES: 'huge' }), /JSON_MAX_BYTES/);
    assert.throws(() => loadConfig({ RATE_LIMITS: 'maybe' }), /RATE_LIMITS/);
    assert.throws(() => loadConfig({ WECHAT_TOKEN: 't', WECHAT_MESSAGE_MODE: 'safe' }), /WECHAT_MESSAGE_MODE: safe needs WECHAT_ENCODING_AES_KEY/);
    assert.equal(loadConfig({ WECHAT_TOKEN: 't', WECHAT_MESSAGE_MODE: 'compatible', WECHAT_ENCODING_AES_KEY: 'a'.repeat(43), WECHAT_APPID: 'wx1' }).WECHAT_MESSAGE_MODE, 'compatible');
  });
});

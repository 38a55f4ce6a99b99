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
});

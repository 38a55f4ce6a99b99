import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../../src/cli/wechat';
import { FakeWeChatPlatform } from './fake-platform';
import { APPID, SECRET, TOKEN } from './harness';

const ROOT = resolve(__dirname, '../../..');
const MENU = join(ROOT, 'wechat/menu.yaml');

describe('npm run wechat -- menu', () => {
  let platform: FakeWeChatPlatform;
  let out: string[];
  let err: string[];
  const io = { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) };
  beforeEach(async () => {
    out = [];
    err = [];
    platform = await new FakeWeChatPlatform({ token: TOKEN, appId: APPID, appSecret: SECRET }).start();
  });
  afterEach(() => platform.stop());

  const env = () => ({ WECHAT_APPID: APPID, WECHAT_APPSECRET: SECRET, WECHAT_API_BASE: platform.apiBase, PUBLIC_BASE_URL: 'https://bot.example.org' });

  it('uploads the project menu to {apiBase}/cgi-bin/menu/create with a fresh access_token', async () => {
    assert.equal(await main(['menu', MENU], env(), io), 0, err.join('\n'));
    assert.equal(platform.menus.length, 1);
    const menu = platform.menus[0] as { button: { name: string; sub_button?: { type: string; key?: string; url?: string; message?: string }[] }[] };
    assert.equal(menu.button.length, 3);
    const subs = menu.button.flatMap((b) => b.sub_button ?? []);
    assert.ok(subs.some((s) => s.key === 'FLOW_LEGAL_AID'));
    assert.ok(subs.some((s) => s.url === 'https://bot.example.org/'));
    assert.ok(subs.every((s) => s.message === undefined));
    assert.ok(out.some((l) => l.includes('FLOW_LEGAL_AID → "法律援助预审"')));
  });

  it('refuses an invalid file without calling WeChat, and reports usage errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'menu-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'button:\n  - { type: click, name: 这个按钮的名字实在太长了, key: K }\n');
    assert.equal(await main(['menu', bad], env(), io), 1);
    assert.match(err.join('\n'), /bytes; WeChat allows 16/);
    assert.match(err.join('\n'), /message: required/);
    assert.equal(platform.menus.length, 0);
    assert.equal(platform.tokenRequests.length, 0);
    assert.equal(await main(['menu'], env(), io), 2);
    assert.equal(await main(['nope'], env(), io), 2);
    assert.equal(await main(['menu', MENU], { ...env(), WECHAT_APPSECRET: '' }, io), 2);
  });

  it('reports WeChat refusing the upload (bad secret) with exit 1', async () => {
    assert.equal(await main(['menu', MENU], { ...env(), WECHAT_APPSECRET: 'wrong' }, io), 1);
    assert.match(err.join('\n'), /40013/);
  });

  it('runs as `npm run wechat -- menu <file>` (a real process against the fake platform)', async () => {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'wechat', '--', 'menu', 'wechat/menu.yaml'], {
      cwd: ROOT,
      env: { ...process.env, ...env() },
      timeout: 60_000,
    });
    assert.match(stdout, /menu uploaded to http:\/\/127\.0\.0\.1:/);
    assert.equal(platform.menus.length, 1);
  });
});

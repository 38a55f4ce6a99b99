import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import express from 'express';
import request from 'supertest';
import { InProcessAdapter } from '../../../src/bot/in-process-adapter';
import { createDirectLineChannel } from '../../../src/channels/directline';
import { WebChatSetupError, createWebChatChannel } from '../../../src/channels/webchat';
import { createLogger } from '../../../src/logger';
import { scriptedBot } from '../directline/harness';

const logger = createLogger('silent');
const PUBLIC = resolve(__dirname, '../../../public');

function directLine(secret = 'webchat-test-secret-0123456789') {
  return createDirectLineChannel({ runner: new InProcessAdapter(scriptedBot), logger, secret });
}

function appWith(...channels: { mountPath: string; router: express.Router }[]) {
  const app = express();
  for (const c of channels) app.use(c.mountPath, c.router);
  return app;
}

describe('web chat page module', () => {
  describe('local Direct Line (default)', () => {
    const dl = directLine();
    const app = appWith(dl, createWebChatChannel({ logger, directLine: dl }));

    it('serves the page with a content security policy and the notices in it', async () => {
      const res = await request(app).get('/').expect(200).expect('Content-Type', /html/);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /connect-src 'self' ws: wss:/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.match(res.text, /本服务提供法律信息，不是律师意见/);
      assert.match(res.text, /href="tel:110"/);
      assert.match(res.text, /<script src="\/vendor\/webchat\.js" defer><\/script>/);
    });

    it('serves Web Chat from node_modules, not a CDN', async () => {
      const res = await request(app).get('/vendor/webchat.js').expect(200).expect('Content-Type', /javascript/);
      assert.ok(res.text.length > 1_000_000, `bundle is ${res.text.length} bytes`);
      assert.match(res.text, /renderWebChat/);
      assert.match(String(res.headers['cache-control']), /max-age=86400/);
    });

    it('config points the page at our own Direct Line, derived from the request', async () => {
      const res = await request(app).get('/api/webchat/config').set('Host', 'chat.example.org').expect(200);
      assert.deepEqual(res.body, { mode: 'local', domain: 'http://chat.example.org/v3/directline', tokenUrl: '/api/webchat/token', webSocket: true });
    });

    it('token: a fresh conversation and user each time, usable on the endpoint', async () => {
      const a = (await request(app).post('/api/webchat/token').expect(200)).body;
      const b = (await request(app).post('/api/webchat/token').expect(200)).body;
      assert.deepEqual(Object.keys(a).sort(), ['conversationId', 'expires_in', 'token']);
      assert.notEqual(a.conversationId, b.conversationId);
      assert.equal(dl.tokens.verify(a.token, 'access').conv, a.conversationId);
      assert.notEqual(dl.tokens.verify(a.token, 'access').user, dl.tokens.verify(b.token, 'access').user);
      await request(app).post('/v3/directline/conversations').set('Authorization', `Bearer ${a.token}`).send({}).expect(201);
    });

    it('does not serve files outside public/', async () => {
      await request(app).get('/..%2fpackage.json').expect(404);
      await request(app).get('/%2e%2e/%2e%2e/package.json').expect(404);
    });
  });

  it('honours PUBLIC_BASE_URL and polling mode', async () => {
    const dl = directLine();
    const app = appWith(dl, createWebChatChannel({ logger, directLine: dl, publicBaseUrl: 'https://bot.example.org/', webSocket: false }));
    const res = await request(app).get('/api/webchat/config').expect(200);
    assert.equal(res.body.domain, 'https://bot.example.org/v3/directline');
    assert.equal(res.body.webSocket, false);
  });

  describe('Azure Direct Line', () => {
    // Azure's service is not reachable offline; our own endpoint speaks the same protocol, so a
    // second app on 127.0.0.1 with its own secret plays Azure.
    const AZURE_SECRET = 'azure-direct-line-secret-0123456789';
    let azure: Server;
    let azureDomain: string;

    before(async () => {
      const fake = directLine(AZURE_SECRET);
      azure = appWith(fake).listen(0, '127.0.0.1');
      await once(azure, 'listening');
      azureDomain = `http://127.0.0.1:${(azure.address() as AddressInfo).port}/v3/directline`;
    });
    after(() => new Promise((r) => azure.close(r)));

    it('config sends the page to Azure, the token comes from Azure, and the secret stays on the server', async () => {
      const app = appWith(createWebChatChannel({ logger, azure: { secret: AZURE_SECRET, domain: azureDomain } }));
      const config = (await request(app).get('/api/webchat/config').expect(200)).body;
      assert.deepEqual(config, { mode: 'azure', domain: azureDomain, tokenUrl: '/api/webchat/token', webSocket: true });
      const page = await request(app).get('/').expect(200);
      assert.match(String(page.headers['content-security-policy']), new RegExp(`connect-src 'self' ${new URL(azureDomain).origin} ws://127`));
      const token = await request(app).post('/api/webchat/token').expect(200);
      assert.ok(!JSON.stringify(token.body).includes(AZURE_SECRET));
      const started = await fetch(`${azureDomain}/conversations`, { method: 'POST', headers: { Authorization: `Bearer ${token.body.token}` } });
      assert.equal(started.status, 201);
      assert.equal(((await started.json()) as { conversationId: string }).conversationId, token.body.conversationId);
    });

    it('a refused or unreachable Azure is a 502 JSON error for the page', async () => {
      const wrong = appWith(createWebChatChannel({ logger, azure: { secret: 'not-the-azure-secret-0123456', domain: azureDomain } }));
      const res = await request(wrong).post('/api/webchat/token').expect(502);
      assert.equal(res.body.error.code, 'ServiceError');
      const down = appWith(createWebChatChannel({ logger, azure: { secret: AZURE_SECRET, domain: 'http://127.0.0.1:9/v3/directline', timeoutMs: 2000 } }));
      await request(down).post('/api/webchat/token').expect(502);
    });
  });

  it('refuses to start without a Direct Line to talk to, or without the page', () => {
    assert.throws(() => createWebChatChannel({ logger }), WebChatSetupError);
    const dl = directLine();
    assert.throws(() => createWebChatChannel({ logger, directLine: dl, publicDir: '/nonexistent' }), WebChatSetupError);
  });

  describe('page text', () => {
    const zh = JSON.parse(readFileSync(`${PUBLIC}/locales/zh-CN.json`, 'utf8')) as Record<string, string>;
    const en = JSON.parse(readFileSync(`${PUBLIC}/locales/en.json`, 'utf8')) as Record<string, string>;

    it('has the same keys in every locale', () => {
      assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
    });

    it("the page's built-in Chinese text (shown before scripts run) matches zh-CN.json", () => {
      const html = readFileSync(`${PUBLIC}/index.html`, 'utf8');
      const found = [...html.matchAll(/data-i18n="([^"]+)"[^>]*>([^<]*)</g)];
      assert.ok(found.length >= 8, `found ${found.length} translated elements`);
      for (const [, key, text] of found) assert.equal(text!.trim(), zh[key!], `data-i18n="${key}"`);
      for (const [, key] of html.matchAll(/data-i18n-label="([^"]+)"/g)) assert.ok(zh[key!], `label key ${key}`);
    });
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { buildRuntime } from '../src/index';
import { createLogger } from '../src/logger';
import { messageXml, nextMsgId } from './channels/wechat/fake-platform';
import { FIXTURES } from './helpers';

describe('the wired application (buildRuntime)', () => {
  const logger = createLogger('silent');

  it('serves the chat page, health, search and the bot on embedded defaults', async () => {
    const rt = buildRuntime(loadConfig({ SEARCH_INDEX_FILE: '/nonexistent/index.json' }), logger);
    const app = rt.app;
    await request(app).get('/healthz').expect(200);
    const page = await request(app).get('/').expect(200);
    assert.match(page.text, /110/);
    const s = await request(app).get('/api/kb/search').query({ q: '协议离婚要带什么' }).expect(200);
    assert.equal(s.body.results[0].topic, 'family-divorce');
    const res = await request(app)
      .post('/api/messages')
      .send({
        type: 'message', id: 'a1', text: '有人拿刀要砍我', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9',
        conversation: { id: 'c-index' }, from: { id: 'u-index' }, recipient: { id: 'bot' }, deliveryMode: 'expectReplies',
      })
      .expect(200);
    assert.match(res.body.activities[0].text, /110/);
    await Promise.all(rt.channels.map((c) => c.close?.()));
  });

  it('turns the WeChat channel on with WECHAT_TOKEN, speaking the UI strings of dialogs/locales', async () => {
    const rt = buildRuntime(loadConfig({ WECHAT_TOKEN: 'index-test-token', SEARCH_INDEX_FILE: '/nonexistent/index.json' }), logger);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = 'n0nce';
    const signature = createHash('sha1').update(['index-test-token', timestamp, nonce].sort().join('')).digest('hex');
    const xml = messageXml({ ToUserName: 'gh_test', FromUserName: 'oIndexUser', CreateTime: Number(timestamp), MsgType: 'image', PicUrl: 'http://127.0.0.1/x.jpg', MediaId: 'm1', MsgId: nextMsgId() });
    const res = await request(rt.app).post('/wechat').query({ signature, timestamp, nonce }).set('content-type', 'text/xml').send(xml).expect(200);
    const content = /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(res.text)?.[1] ?? '';
    assert.match(content, /[\u4e00-\u9fff]/, res.text);
    assert.doesNotMatch(content, /wechat\./, 'a raw i18n key reached the citizen');
    await Promise.all(rt.channels.map((c) => c.close?.()));
  });

  it('refuses to start in production on invalid content, saying which file and field', () => {
    const config = loadConfig({ NODE_ENV: 'production', DIRECTLINE_SECRET: 'x'.repeat(32), KNOWLEDGE_DIR: join(FIXTURES, 'bad-knowledge') });
    assert.throws(() => buildRuntime(config, logger), /refusing to start[\s\S]*area\/bad-fields\.md \[id\]/);
  });
});

/**
 * D11: kill -9 with STATE_STORE=sqlite. The real server (tsx src/index.ts) on a free port with its
 * state in a temp dir: a web-chat citizen and a WeChat citizen talk to it, the process is killed
 * with SIGKILL (no shutdown code runs), a new process starts over the same files, and
 *   - the web-chat conversation continues with the token the page still holds: its Direct Line
 *     history is all there and the dialog continues where it was;
 *   - WeChat's retry of a message answered before the crash gets that answer, not a second turn.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { messageXml, nextMsgId } from '../channels/wechat/fake-platform';

const ROOT = resolve(__dirname, '../..');
const WECHAT_TOKEN = 'kill9-token';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

interface Server {
  child: ChildProcess;
  base: string;
  logs: string[];
}

async function startServer(dir: string, port: number): Promise<Server> {
  const logs: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      STATE_STORE: `sqlite:${join(dir, 'state.db')}`,
      CASES_DB: join(dir, 'cases.db'),
      DIRECTLINE_SECRET: 'kill9-directline-secret-0123456789',
      WECHAT_TOKEN,
      RATE_LIMITS: 'off',
      HTTP_HEADERS_TIMEOUT_MS: '2000',
      HTTP_REQUEST_TIMEOUT_MS: '3000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => logs.push(...String(c).split('\n').filter(Boolean)));
  child.stderr!.on('data', (c: Buffer) => logs.push(String(c)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${logs.join('\n')}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, base, logs };
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function kill9(s: Server): Promise<void> {
  return new Promise((r) => {
    s.child.once('exit', () => r());
    s.child.kill('SIGKILL');
  });
}

function signedWeChatUrl(base: string): string {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.random()).slice(2, 12);
  const signature = createHash('sha1').update([WECHAT_TOKEN, timestamp, nonce].sort().join('')).digest('hex');
  return `${base}/wechat?${new URLSearchParams({ signature, timestamp, nonce })}`;
}

const contentOf = (xml: string) => /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(xml)?.[1] ?? '';

describe('D11: kill -9 with SQLite state', function () {
  this.timeout(240_000);
  let dir: string;
  let server: Server | undefined;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kill9-'));
  });
  after(async () => {
    if (server && server.child.exitCode === null) await kill9(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the conversation, its Direct Line history and the WeChat de-duplication survive', async () => {
    const port = await freePort();
    server = await startServer(dir, port);
    const dl = `${server.base}/v3/directline`;

    // A web-chat citizen: token, conversation, a question that starts a flow.
    const { token, conversationId } = (await (await fetch(`${server.base}/api/webchat/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const auth = { Authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    assert.equal((await fetch(`${dl}/conversations`, { method: 'POST', headers: auth })).status, 201);
    const post = (text: string) => fetch(`${dl}/conversations/${conversationId}/activities`, { method: 'POST', headers: auth, body: JSON.stringify({ type: 'message', text, from: { id: 'x' } }) });
    assert.equal((await post('转人工')).status, 200);
    const before = (await (await fetch(`${dl}/conversations/${conversationId}/activities`, { headers: auth })).json()) as { activities: { text?: string; from: { role?: string } }[] };
    assert.ok(before.activities.length >= 3, 'welcome, the question, the answer');

    // A WeChat citizen's message, answered passively before the crash.
    const xml = messageXml({ ToUserName: 'gh_kill9', FromUserName: 'oKill9', CreateTime: Math.floor(Date.now() / 1000), MsgType: 'text', Content: '工资被拖欠怎么办', MsgId: nextMsgId() });
    const first = await fetch(signedWeChatUrl(server.base), { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
    const firstAnswer = contentOf(await first.text());
    assert.ok(firstAnswer.length > 0);

    // D9 while we are here: a client that sends its body slowly is cut off (here after 3 s), not held 300 s.
    const slow = connect(port, '127.0.0.1');
    const t0 = Date.now();
    slow.write('POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const answer = await new Promise<string>((r) => {
      let got = '';
      slow.on('data', (c) => (got += String(c)));
      slow.on('close', () => r(got));
      slow.on('error', () => r(got));
    });
    assert.ok(Date.now() - t0 < 8000, `held ${Date.now() - t0} ms`);
    assert.match(answer, /^HTTP\/1\.1 408|^$/);

    await kill9(server);
    server = await startServer(dir, port);

    // The page's token still works and the whole history is there.
    const after = (await (await fetch(`${dl}/conversations/${conversationId}/activities`, { headers: auth })).json()) as { activities: { id: string; text?: string }[] };
    assert.deepEqual(after.activities.map((a) => a.text), before.activities.map((a) => a.text));
    // The dialog continues where it was (the handoff consent question was pending).
    assert.equal((await post('是')).status, 200);
    const next = (await (await fetch(`${dl}/conversations/${conversationId}/activities?watermark=${after.activities.at(-1)!.id.split('|')[1]}`, { headers: auth })).json()) as { activities: { text?: string; from: { role?: string } }[] };
    const botText = next.activities.filter((a) => a.from.role === 'bot').map((a) => a.text).join('\n');
    assert.match(botText, /区县/, `the consent was answered in the flow that was running: ${botText}`);

    // WeChat retries the message from before the crash: the same answer, and no second turn.
    const retry = await fetch(signedWeChatUrl(server.base), { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
    assert.equal(contentOf(await retry.text()), firstAnswer);
    await new Promise((r) => setTimeout(r, 300));
    const turns = server.logs.filter((l) => l.includes('"msg":"wechat message"')).length;
    const retries = server.logs.filter((l) => l.includes('wechat retry of a message already being answered')).length;
    assert.deepEqual([turns, retries], [0, 1], 'the restarted process ran no turn for it');
  });
});

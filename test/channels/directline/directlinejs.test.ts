/**
 * Microsoft's own client, botframework-directlinejs (what Web Chat uses inside), against our
 * endpoint on 127.0.0.1 with the real bot and knowledge base.
 *
 * What it needs in Node 20: its WebSocket mode checks for a *global* WebSocket in the constructor
 * (Node 20 has none: without one it silently polls), so the `ws` client is installed as
 * global.WebSocket; its REST calls go through RxJS 5 ajax, which needs a global XMLHttpRequest —
 * the `xhr2` package provides one. Both are removed again after the tests.
 */
import assert from 'node:assert/strict';
import { type Activity, ConnectionStatus, DirectLine, type Message } from 'botframework-directlinejs';
import { WebSocket } from 'ws';
import { type ChatServer, startChatServer } from '../../e2e/server';

// xhr2 has no type declarations; it exports the XMLHttpRequest class.
const XMLHttpRequestPolyfill = require('xhr2') as unknown;

type Globals = { WebSocket?: unknown; XMLHttpRequest?: unknown };

function nextActivity(dl: DirectLine, match: (a: Activity) => boolean, timeoutMs = 8000): Promise<Activity> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.unsubscribe();
      reject(new Error('no matching activity in time'));
    }, timeoutMs);
    const sub = dl.activity$.subscribe({
      next: (a) => {
        if (match(a)) {
          clearTimeout(timer);
          setImmediate(() => sub.unsubscribe());
          resolve(a);
        }
      },
      error: reject,
    });
  });
}

/** Records everything the client receives; waitFor() resolves once the record satisfies `done`. */
function record(dl: DirectLine) {
  const all: Activity[] = [];
  let failure: unknown;
  dl.activity$.subscribe({ next: (a) => all.push(a), error: (e) => (failure = e) });
  return {
    all,
    async waitFor(done: (all: Activity[]) => boolean, timeoutMs = 8000): Promise<Activity[]> {
      const until = Date.now() + timeoutMs;
      while (!done(all)) {
        if (failure) throw failure;
        if (Date.now() > until) throw new Error(`stopped with ${JSON.stringify(all.map((a) => (a.type === 'message' ? a.text?.slice(0, 20) : a.type)))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return all;
    },
  };
}

function post(dl: DirectLine, text: string, locale = 'zh-CN'): Promise<string> {
  return new Promise((resolve, reject) => {
    dl.postActivity({ type: 'message', from: { id: 'chosen-by-client' }, text, locale } as Activity).subscribe({ next: resolve, error: reject });
  });
}

async function pageToken(server: ChatServer): Promise<{ token: string; conversationId: string }> {
  const res = await fetch(`${server.url}/api/webchat/token`, { method: 'POST' });
  assert.equal(res.status, 200);
  return (await res.json()) as { token: string; conversationId: string };
}

const QUESTION = '老板拖欠工资三个月怎么办';

for (const mode of ['websocket', 'polling'] as const) {
  describe(`botframework-directlinejs against our endpoint (${mode})`, function () {
    this.timeout(30_000);
    const saved: Globals = {};
    let server: ChatServer;
    const clients: DirectLine[] = [];

    before(async () => {
      const g = globalThis as Globals;
      saved.WebSocket = g.WebSocket;
      saved.XMLHttpRequest = g.XMLHttpRequest;
      g.XMLHttpRequest = XMLHttpRequestPolyfill;
      if (mode === 'websocket') g.WebSocket = WebSocket;
      else delete g.WebSocket;
      server = await startChatServer();
    });

    after(async () => {
      for (const c of clients) c.end();
      const g = globalThis as Globals;
      g.WebSocket = saved.WebSocket;
      g.XMLHttpRequest = saved.XMLHttpRequest;
      if (saved.WebSocket === undefined) delete g.WebSocket;
      if (saved.XMLHttpRequest === undefined) delete g.XMLHttpRequest;
      await server.close();
    });

    function client(options: ConstructorParameters<typeof DirectLine>[0]): DirectLine {
      // makeServices() reads WebSocket even when polling: hand it the ws client explicitly.
      const dl = new DirectLine({
        domain: `${server.url}/v3/directline`,
        webSocket: mode === 'websocket',
        pollingInterval: 200,
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
        ...options,
      });
      clients.push(dl);
      return dl;
    }

    it('connects, asks, and gets the answer with its legal source; a reload resumes the same conversation', async () => {
      const { token } = await pageToken(server);
      const dl = client({ token });
      const statuses: ConnectionStatus[] = [];
      dl.connectionStatus$.subscribe((s) => statuses.push(s));

      // The bot greets first; the answer is the bot message that replies to our question.
      const received = record(dl);
      const id = await post(dl, QUESTION);
      const repliesTo = (a: Activity) => a.type === 'message' && a.from.role === 'bot' && (a as Message & { replyToId?: string }).replyToId === id && /依据/.test(a.text ?? '');
      const all = await received.waitFor((xs) => xs.some(repliesTo));
      const mine = all.find((a) => a.id === id) as Message;
      const reply = all.find(repliesTo) as Message;
      assert.ok(all.findIndex((a) => a.type === 'message' && a.from.role === 'bot') < all.indexOf(mine), 'greeted before the question');
      assert.ok(statuses.includes(ConnectionStatus.Online));
      assert.equal(mine.text, QUESTION);
      assert.match(mine.from.id, /^dl_/, 'from.id comes from the token, not the client');
      assert.equal((reply as Message & { replyToId?: string }).replyToId, id);
      assert.equal((dl as unknown as { webSocket: boolean }).webSocket, mode === 'websocket', 'the client uses the transport under test');
      assert.match(reply.text ?? '', /工资[\s\S]*依据/);

      // The page keeps conversationId + token and passes them after a reload.
      const conversationId = (dl as unknown as { conversationId: string }).conversationId;
      const refreshed = await fetch(`${server.url}/v3/directline/tokens/refresh`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${(dl as unknown as { token: string }).token}` },
      });
      const again = client({ token: ((await refreshed.json()) as { token: string }).token, conversationId });
      const before = all.map((a) => a.id);
      const history = await record(again).waitFor((xs) => xs.length >= before.length);
      assert.deepEqual(
        history.slice(0, before.length).map((a) => a.id),
        before,
        'the same history, in the same order',
      );
      const staff = nextActivity(again, (a) => a.type === 'message' && a.text === '工作人员：请明天上午来中心面谈');
      await server.adapter.send({ channelId: 'directline', conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' } }, [
        { type: 'message', text: '工作人员：请明天上午来中心面谈' },
      ]);
      await staff;
    });

    it("a client with a forged conversation id cannot join someone else's conversation", async () => {
      const victim = await pageToken(server);
      const victimDl = client({ token: victim.token });
      await post(victimDl, '我的案件很私密');
      const attacker = await pageToken(server);
      const dl = client({ token: attacker.token, conversationId: victim.conversationId });
      const seen: Activity[] = [];
      dl.activity$.subscribe({ next: (a) => seen.push(a), error: () => undefined });
      const status = await new Promise<ConnectionStatus>((resolve) => {
        dl.connectionStatus$.subscribe((s) => {
          if (s === ConnectionStatus.ExpiredToken || s === ConnectionStatus.FailedToConnect || s === ConnectionStatus.Ended) resolve(s);
        });
      });
      assert.notEqual(status, ConnectionStatus.Online);
      assert.equal(seen.length, 0);
    });
  });
}

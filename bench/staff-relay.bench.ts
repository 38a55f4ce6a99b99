/**
 * How long a staff reply takes to reach the citizen's screen, on the wired application
 * (buildRuntime, SQLite case store) on 127.0.0.1:
 *   web chat, stream     POST /staff/api/cases/:id/messages → the activity arrives on the citizen's
 *                        Direct Line WebSocket (what Web Chat renders from)
 *   web chat, browser    the same → the bubble is in Web Chat's DOM in headless Chromium
 *                        (MutationObserver; skipped when /usr/bin/chromium is missing)
 *   WeChat (fake)        the same → the fake platform receives /cgi-bin/message/custom/send
 * and the citizen's message → the staff console's SSE stream (the other direction).
 * Run: npx tsx bench/staff-relay.bench.ts [replies=40]. Prints a table and JSON.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { FakeWeChatPlatform } from '../test/channels/wechat/fake-platform';
import { CHROMIUM, launchChromium } from '../test/e2e/chromium';
import { askForPerson, type Desk, StaffClient, startDesk } from '../test/staff/runtime';

const N = Number(process.argv[2] ?? 40);

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { n: s.length, p50: +q(0.5).toFixed(2), p95: +q(0.95).toFixed(2), max: +s[s.length - 1]!.toFixed(2), mean: +(s.reduce((a, b) => a + b, 0) / s.length).toFixed(2) };
}

async function staffOn(desk: Desk, name: string): Promise<StaffClient> {
  const u = await desk.addUser(name, 'staff', name);
  const s = new StaffClient(desk.url);
  await s.login(u.username, u.password);
  return s;
}

async function claimNewest(s: StaffClient, match: string): Promise<string> {
  const { cases } = await s.json(s.get('/cases?status=waiting'));
  const id = cases.find((c: { summary: string }) => c.summary.includes(match)).id;
  await s.json(s.post(`/cases/${id}/claim`));
  return id;
}

async function webChatStream(desk: Desk, s: StaffClient): Promise<number[]> {
  const citizen = await askForPerson(desk, { line: '基准：网页聊天' });
  const id = await claimNewest(s, '基准：网页聊天');
  const r = await fetch(`${desk.url}/v3/directline/conversations/${citizen.conversationId}`, { headers: { authorization: `Bearer ${citizen.token}` } });
  const { streamUrl } = (await r.json()) as { streamUrl: string };
  const ws = new WebSocket(streamUrl);
  await new Promise((ok) => ws.once('open', ok));
  const waiting = new Map<string, (t: number) => void>();
  ws.on('message', (data) => {
    const t = performance.now();
    const text = String(data);
    if (!text) return;
    for (const a of (JSON.parse(text) as { activities?: { text?: string }[] }).activities ?? []) {
      const m = /#(\d+)#/.exec(a.text ?? '');
      if (m) waiting.get(m[1]!)?.(t);
    }
  });
  const out: number[] = [];
  for (let i = 0; i < N; i++) {
    const seen = new Promise<number>((ok) => waiting.set(String(i), ok));
    const t0 = performance.now();
    await s.json(s.post(`/cases/${id}/messages`, { text: `回复 #${i}#` }), 201);
    out.push((await seen) - t0);
  }
  ws.close();
  return out;
}

async function webChatBrowser(desk: Desk, s: StaffClient): Promise<number[] | undefined> {
  if (!existsSync(CHROMIUM)) return undefined;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${desk.url}/`);
    const input = page.locator('[data-id="webchat-sendbox-input"]');
    await input.waitFor();
    await page.locator('.webchat__connectivityStatus').filter({ hasText: /连接|onnect/ }).waitFor({ state: 'hidden' });
    const waiting = new Map<string, (t: number) => void>();
    await page.exposeFunction('__seen', (n: string) => waiting.get(n)?.(performance.now()));
    await page.evaluate(() => {
      const seen = new Set<string>();
      new MutationObserver(() => {
        for (const m of document.body.innerText.matchAll(/#(\d+)#/g)) {
          if (!seen.has(m[1]!)) {
            seen.add(m[1]!);
            (window as unknown as { __seen(n: string): void }).__seen(m[1]!);
          }
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    for (const m of ['转人工', '是', '鼓楼区', '跳过', '基准：浏览器']) {
      await input.fill(m);
      await input.press('Enter');
      await page.waitForTimeout(400);
    }
    await page.locator('.webchat__bubble', { hasText: /排在第/ }).first().waitFor();
    const id = await claimNewest(s, '基准：浏览器');
    const out: number[] = [];
    for (let i = 0; i < Math.min(N, 20); i++) {
      const seen = new Promise<number>((ok) => waiting.set(String(i), ok));
      const t0 = performance.now();
      await s.json(s.post(`/cases/${id}/messages`, { text: `回复 #${i}#` }), 201);
      out.push((await seen) - t0);
    }
    return out;
  } finally {
    await browser.close();
  }
}

async function weChat(): Promise<{ toCitizen: number[]; toStaff: number[] }> {
  const platform = await new FakeWeChatPlatform({ token: 'bench-token', appId: 'wx00bench0000000', appSecret: 'bench-secret' }).start();
  const desk = await startDesk({ env: { WECHAT_TOKEN: 'bench-token', WECHAT_APPID: 'wx00bench0000000', WECHAT_APPSECRET: 'bench-secret', WECHAT_API_BASE: platform.apiBase } });
  platform.botUrl = desk.url;
  try {
    const s = await staffOn(desk, 'wx');
    const waiting = new Map<string, (t: number) => void>();
    const push = platform.cs.push.bind(platform.cs);
    platform.cs.push = (...items) => {
      const t = performance.now();
      for (const c of items) {
        const m = /#(\d+)#/.exec(c.content);
        if (m) waiting.get(m[1]!)?.(t);
      }
      return push(...items);
    };
    const toCitizen: number[] = [];
    const toStaff: number[] = [];
    // The WeChat quota allows 5 customer-service messages per citizen message: one citizen per 4 replies.
    for (let u = 0; u * 4 < N; u++) {
      const user = `oBenchUser_${String(u).padStart(4, '0')}`;
      for (const m of ['转人工', '是', '跳过', '跳过', `基准：微信${u}号`]) await platform.post(platform.text(user, m));
      const id = await claimNewest(s, `基准：微信${u}号`);
      for (let i = u * 4; i < Math.min(N, u * 4 + 3); i++) {
        const seen = new Promise<number>((ok) => waiting.set(String(i), ok));
        const t0 = performance.now();
        await s.json(s.post(`/cases/${id}/messages`, { text: `回复 #${i}#` }), 201);
        toCitizen.push((await seen) - t0);
      }
      toStaff.push(await citizenToStaff(desk, s, id, () => platform.post(platform.text(user, `市民回复 #${u}#`)).then(() => undefined)));
    }
    return { toCitizen, toStaff };
  } finally {
    await desk.close();
    await platform.stop();
  }
}

/** Citizen message → the case's "message" event on the staff SSE stream. */
async function citizenToStaff(desk: Desk, s: StaffClient, id: string, send: () => Promise<void>): Promise<number> {
  const ctrl = new AbortController();
  const r = await fetch(`${desk.url}/staff/api/events`, { headers: { cookie: s.cookie }, signal: ctrl.signal });
  const reader = r.body!.getReader();
  await reader.read(); // "retry:" preamble: the stream is open
  const t0 = performance.now();
  void send();
  let buf = '';
  for (;;) {
    const { value } = await reader.read();
    buf += Buffer.from(value!).toString('utf8');
    if (buf.includes('"type":"message"') && buf.includes(id)) break;
  }
  const t = performance.now() - t0;
  ctrl.abort();
  return t;
}

async function main() {
  const desk = await startDesk();
  const results: Record<string, ReturnType<typeof stats>> = {};
  try {
    const s = await staffOn(desk, 'bench');
    results['web chat: staff reply → citizen WebSocket'] = stats(await webChatStream(desk, s));
    const browser = await webChatBrowser(desk, s);
    if (browser) results['web chat: staff reply → bubble in Chromium'] = stats(browser);
    const citizen = await askForPerson(desk, { line: '基准：反方向' });
    const id = await claimNewest(s, '基准：反方向');
    const back: number[] = [];
    for (let i = 0; i < Math.min(N, 20); i++) back.push(await citizenToStaff(desk, s, id, () => citizen.say(`市民 #${i}#`)));
    results['web chat: citizen message → staff SSE event'] = stats(back);
  } finally {
    await desk.close();
  }
  const wx = await weChat();
  results['WeChat (fake): staff reply → customer-service send received'] = stats(wx.toCitizen);
  results['WeChat (fake): citizen message → staff SSE event'] = stats(wx.toStaff);
  console.log('| path | n | p50 ms | p95 ms | max ms | mean ms |\n| --- | --- | --- | --- | --- | --- |');
  for (const [k, v] of Object.entries(results)) console.log(`| ${k} | ${v.n} | ${v.p50} | ${v.p95} | ${v.max} | ${v.mean} |`);
  console.log(JSON.stringify(results));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

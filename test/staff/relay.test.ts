/**
 * The citizen's side of a live handoff, over the real channels of the wired application: web
 * chat (Direct Line) and WeChat (against the fake platform). Staff replies arrive on the citizen's
 * own channel; the citizen's messages reach staff (case transcript and the SSE stream), not the
 * bot; queue position and status answers; "取消"; danger during a handoff; staffed hours; the
 * WeChat 48-hour window; hand-back and rating; a restart with waiting cases.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeWeChatPlatform } from '../channels/wechat/fake-platform';
import { askForPerson, Citizen, type Desk, StaffClient, startDesk } from './runtime';

async function staffFor(desk: Desk, name: string, display: string): Promise<StaffClient> {
  const u = await desk.addUser(name, 'staff', display);
  const c = new StaffClient(desk.url);
  await c.login(u.username, u.password);
  return c;
}

async function caseOf(s: StaffClient, match: (c: { summary: string }) => boolean): Promise<string> {
  const { cases } = await s.json(s.get('/cases'));
  const c = cases.find(match);
  if (!c) throw new Error(`no such case among ${cases.map((x: { summary: string }) => x.summary).join(' | ')}`);
  return c.id;
}

/** Reads the staff SSE stream and collects its events. */
function listen(desk: Desk, s: StaffClient) {
  const events: { type: string; caseId: string }[] = [];
  const ctrl = new AbortController();
  const done = fetch(`${desk.url}/staff/api/events`, { headers: { cookie: s.cookie }, signal: ctrl.signal })
    .then(async (r) => {
      const reader = r.body!.getReader();
      let buf = '';
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) return;
        buf += Buffer.from(value).toString('utf8');
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data) events.push(JSON.parse(data));
        }
      }
    })
    .catch(() => undefined);
  return {
    events,
    async waitFor(pred: (e: { type: string; caseId: string }) => boolean, ms = 5000) {
      const end = Date.now() + ms;
      while (!events.some(pred)) {
        if (Date.now() > end) throw new Error(`no such event; got ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: async () => {
      ctrl.abort();
      await done;
    },
  };
}

describe('live handoff in web chat (Direct Line)', function () {
  this.timeout(60_000);
  let desk: Desk;
  let staff: StaffClient;
  before(async () => {
    desk = await startDesk();
    staff = await staffFor(desk, 'wang', '王');
  });
  after(async () => desk?.close());

  it('relays both ways: staff replies appear in the chat, the citizen\'s answers reach staff live and not the bot', async () => {
    const sse = listen(desk, staff);
    const citizen = await askForPerson(desk, { line: '工地拖欠工资两万元' });
    await sse.waitFor((e) => e.type === 'created');
    const id = await caseOf(staff, (c) => c.summary.includes('两万元'));
    await staff.json(staff.post(`/cases/${id}/claim`));
    await citizen.waitFor(/工作人员王已接手/);
    await staff.json(staff.post(`/cases/${id}/messages`, { text: '您好，工地在哪个区？' }), 201);
    await citizen.waitFor(/【12348 工作人员王】您好，工地在哪个区？/);
    const replies = await citizen.ask('在铜山区，老板姓张');
    assert.deepEqual(replies, [], 'while staff hold the case the bot stays silent');
    await sse.waitFor((e) => e.type === 'message' && e.caseId === id);
    const c = await staff.json(staff.get(`/cases/${id}`));
    assert.equal(c.transcript.at(-1).kind, 'citizen');
    assert.equal(c.transcript.at(-1).text, '在铜山区，老板姓张');
    const status = await citizen.ask('有人吗');
    assert.match(status.join(), /工作人员王正在处理/);
    await sse.close();
  });

  it('tells a waiting citizen their place in the queue, answers "什么时候回复我" from the case, and "取消" returns to the bot', async () => {
    const first = await askForPerson(desk, { line: '租房押金三千块不退' });
    const second = await askForPerson(desk, { line: '邻居漏水泡了我家' });
    assert.match(second.received.map((m) => m.text).join(), /排在第 \d+ 位/);
    const before = Number(/排在第 (\d+) 位/.exec((await second.ask('什么时候回复我')).join())![1]);
    const ahead = Number(/排在第 (\d+) 位/.exec((await first.ask('还要等多久')).join())![1]);
    assert.ok(before > ahead, `the later case is further back (${before} > ${ahead})`);
    assert.match((await first.ask('押金条我有')).join(), /已收到/);
    const cancelled = await first.ask('取消');
    assert.match(cancelled.join(), /已取消转人工/);
    const id = await caseOf(staff, (c) => c.summary.includes('押金三千块'));
    const c = await staff.json(staff.get(`/cases/${id}`));
    assert.equal(c.status, 'closed');
    assert.equal(c.outcome, 'cancelled');
    assert.ok(c.transcript.some((e: { text: string }) => e.text === '押金条我有'));
    const bot = await first.ask('房东不退押金怎么办');
    assert.match(bot.join(), /押金/, 'the bot answers again');
    assert.equal(Number(/排在第 (\d+) 位/.exec((await second.ask('有人吗')).join())![1]), before - 1, 'the queue moved up');
  });

  it('still answers danger with 110 first during a handoff, and marks the case urgent', async () => {
    const citizen = await askForPerson(desk, { question: '离婚', line: '想离婚，他经常喝酒' });
    const id = await caseOf(staff, (c) => c.summary.includes('喝酒'));
    assert.equal((await staff.json(staff.get(`/cases/${id}`))).urgent, false);
    const reply = await citizen.ask('他现在拿着刀在门口');
    assert.match(reply[0] ?? '', /110/);
    const c = await staff.json(staff.get(`/cases/${id}`));
    assert.equal(c.urgent, true);
    assert.equal(c.status, 'waiting', 'the case stays open for staff');
    assert.ok(c.transcript.some((e: { text: string }) => e.text === '他现在拿着刀在门口'));
  });

  it('hands back to the bot, which asks for a 1–5 rating and stores it with the case', async () => {
    const citizen = await askForPerson(desk, { line: '交通事故对方不赔钱' });
    const id = await caseOf(staff, (c) => c.summary.includes('交通事故'));
    await staff.json(staff.post(`/cases/${id}/claim`));
    await staff.json(staff.post(`/cases/${id}/handback`));
    await citizen.waitFor(/智能助手继续为您服务/);
    await citizen.waitFor(/回复 1 到 5/);
    assert.ok(citizen.received.some((m) => m.type === 'event' && m.name === 'handoff.status'), 'Bot Framework handoff.status reaches the channel');
    assert.deepEqual(await citizen.ask('五星，很清楚'), ['谢谢您的评价！还有问题可以继续问我。']);
    const c = await staff.json(staff.get(`/cases/${id}`));
    assert.deepEqual(c.rating, { score: 5, comment: '很清楚' });
    const next = await citizen.ask('交通事故怎么赔');
    assert.ok(next.length > 0 && !/已收到|谢谢您的评价|工作人员/.test(next.join()), `and the bot is back: ${next}`);
  });

  it('does not insist on a rating: anything else goes to the bot', async () => {
    const citizen = await askForPerson(desk, { line: '欠条丢了怎么办' });
    const id = await caseOf(staff, (c) => c.summary.includes('欠条'));
    await staff.json(staff.post(`/cases/${id}/claim`));
    await staff.json(staff.post(`/cases/${id}/handback`));
    await citizen.waitFor(/回复 1 到 5/);
    const r = await citizen.ask('借钱不还怎么起诉');
    assert.ok(r.length > 0 && !/谢谢您的评价/.test(r.join()));
    const c = await staff.json(staff.get(`/cases/${id}`));
    assert.equal(c.rating, null);
  });

  it('speaks English to a citizen who chose English, from queue to staff replies', async () => {
    const citizen = new Citizen(desk.url);
    await citizen.open(() => desk.rt.directLine.issueToken());
    for (const m of ['English', 'human', 'yes', 'skip', 'skip']) await citizen.ask(m);
    const made = await citizen.ask('My boss owes me three months of wages');
    assert.match(made.join(), /You are number \d+ in the queue/);
    assert.match((await citizen.ask('when will someone reply')).join(), /you are number \d+ in the queue/);
    const id = await caseOf(staff, (c) => c.summary.includes('three months of wages'));
    await staff.json(staff.post(`/cases/${id}/claim`));
    await staff.json(staff.post(`/cases/${id}/messages`, { text: 'Hello, which company?' }), 201);
    await citizen.waitFor(/^\[12348 staff 王\] Hello, which company\?$/);
    await staff.json(staff.post(`/cases/${id}/handback`));
    await citizen.waitFor(/reply 1 to 5/);
  });

  it('emits handoff.initiate with the transcript when a case is created', async () => {
    const citizen = await askForPerson(desk, { line: '工伤认定怎么申请' });
    const page = await desk.rt.directLine.log.read(citizen.conversationId as never, undefined, 1000);
    const initiate = page.activities.find((a) => a.type === 'event' && a.name === 'handoff.initiate');
    assert.ok(initiate, 'handoff.initiate is in the conversation');
    const transcript = (initiate!.attachments?.[0]?.content as { activities: { text: string }[] }).activities.map((a) => a.text);
    assert.ok(transcript.includes('转人工'));
    assert.ok(transcript.includes('工伤认定怎么申请'));
    assert.ok(transcript.some((t) => /已经转给 \S*12348\S* 的工作人员/.test(t)), 'with what the bot told the citizen when the case was made');
    assert.match(String((initiate!.value as { caseId: string }).caseId), /^c_/);
  });
});

describe('staffed hours', function () {
  this.timeout(60_000);
  it('outside them, tells the citizen so, with the 12348 hotline and the call-back', async () => {
    // A span on a day that is not today in Xuzhou: now is outside it.
    const today = Number(new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', weekday: 'short' }).format(new Date()).replace(/Mon|Tue|Wed|Thu|Fri|Sat|Sun/, (d) => String(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(d) + 1)));
    const other = (today % 7) + 1;
    const desk = await startDesk({ env: { STAFF_HOURS: `${other} 09:00-17:00` } });
    try {
      const withPhone = await askForPerson(desk, { phone: '13800138000', line: '公司不给签劳动合同' });
      const said = withPhone.received.map((m) => m.text).join('\n');
      assert.match(said, /不是工作人员在线时间/);
      assert.match(said, /12348/);
      assert.match(said, /打电话给您/);
      const noPhone = await askForPerson(desk, { line: '被辞退没有补偿' });
      assert.match(noPhone.received.map((m) => m.text).join('\n'), /留一个手机号/);
      assert.match((await noPhone.ask('什么时候回复我')).join(), /不是工作人员在线时间/);
    } finally {
      await desk.close();
    }
  });
});

describe('a restart', function () {
  this.timeout(60_000);
  it('keeps waiting cases, and the citizen\'s next message still goes to the case', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'desk-restart-'));
    const env = { DIRECTLINE_SECRET: 'restart-test-secret-0123456789' };
    try {
      const one = await startDesk({ dir, env });
      const citizen = await askForPerson(one, { line: '重启前的求助：欠薪' });
      await one.close();
      const two = await startDesk({ dir, env });
      try {
        const staff = await staffFor(two, 'li', '李');
        const id = await caseOf(staff, (c) => c.summary.includes('重启前'));
        assert.equal((await staff.json(staff.get(`/cases/${id}`))).status, 'waiting');
        const again = new Citizen(two.url);
        Object.assign(again, { token: citizen.token, conversationId: citizen.conversationId });
        assert.match((await again.ask('还在吗')).join(), /排在第 1 位/);
        await staff.json(staff.post(`/cases/${id}/claim`));
        await staff.json(staff.post(`/cases/${id}/messages`, { text: '重启后我来回复您' }), 201);
        await again.waitFor(/重启后我来回复您/);
      } finally {
        await two.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('live handoff on WeChat (fake platform)', function () {
  this.timeout(60_000);
  let platform: FakeWeChatPlatform;
  let desk: Desk;
  let staff: StaffClient;
  const openId = 'oWeChatCitizen_0001';

  before(async () => {
    platform = await new FakeWeChatPlatform({ token: 'wechat-desk-token', appId: 'wx00desk00test00', appSecret: 'desk-secret' }).start();
    desk = await startDesk({ env: { WECHAT_TOKEN: 'wechat-desk-token', WECHAT_APPID: 'wx00desk00test00', WECHAT_APPSECRET: 'desk-secret', WECHAT_API_BASE: platform.apiBase } });
    platform.botUrl = desk.url;
    staff = await staffFor(desk, 'zhou', '周');
  });
  after(async () => {
    await desk?.close();
    await platform?.stop();
  });

  /** What the citizen receives for one message: the passive reply and customer-service messages. */
  async function say(text: string): Promise<string[]> {
    const before = platform.cs.length;
    const r = await platform.post(platform.text(openId, text));
    assert.equal(r.status, 200, r.body);
    await (desk.rt.channels.find((c) => c.id === 'wechat') as unknown as { idle(): Promise<void> }).idle();
    return [...(r.reply?.Content ? [r.reply.Content] : []), ...platform.cs.slice(before).filter((c) => c.touser === openId).map((c) => c.content)];
  }

  async function waitForCs(re: RegExp, ms = 5000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const hit = platform.cs.find((c) => c.touser === openId && re.test(c.content));
      if (hit) return hit.content;
      if (Date.now() > end) throw new Error(`WeChat user never got ${re}; got ${platform.cs.map((c) => c.content).join(' | ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('relays both ways through the customer-service API, and hands back with a rating', async () => {
    for (const m of ['转人工', '是', '鼓楼区', '13700001111']) await say(m);
    const created = await say('微信上的求助：被拖欠工资8000元');
    assert.match(created.join('\n'), /排在第 \d+ 位/);
    const id = await caseOf(staff, (c) => c.summary.includes('8000元'));
    const c = await staff.json(staff.get(`/cases/${id}`));
    assert.equal(c.channelId, 'wechat');
    assert.equal(c.window, 'open');
    await staff.json(staff.post(`/cases/${id}/claim`));
    await waitForCs(/工作人员周已接手/);
    const sent = await staff.json(staff.post(`/cases/${id}/messages`, { text: '请问是哪家公司？' }), 201);
    assert.equal(sent.delivery.status, 'delivered');
    await waitForCs(/【12348 工作人员周】请问是哪家公司？/);
    assert.deepEqual(await say('徐州某建筑公司'), [], 'the bot stays silent while staff hold the case');
    const after = await staff.json(staff.get(`/cases/${id}`));
    assert.equal(after.transcript.at(-1).text, '徐州某建筑公司');
    await staff.json(staff.post(`/cases/${id}/handback`));
    await waitForCs(/回复 1 到 5/);
    assert.match((await say('3')).join(), /谢谢您的评价/);
    assert.equal((await staff.json(staff.get(`/cases/${id}`))).rating.score, 3);
  });

  it('when the 48-hour window is closed, tells staff and offers the call-back; the message goes out when the citizen writes again', async () => {
    const user = 'oWeChatCitizen_0002';
    for (const m of ['转人工', '是', '跳过', '13600002222', '窗口测试：工资被扣']) {
      const r = await platform.post(platform.text(user, m));
      assert.equal(r.status, 200);
    }
    const id = await caseOf(staff, (c) => c.summary.includes('窗口测试'));
    await staff.json(staff.post(`/cases/${id}/claim`));
    // WeChat refuses: 45015 = the user has not written within 48 hours.
    platform.script.push({ errcode: 45015, errmsg: 'response out of time limit' });
    const r = await staff.json(staff.post(`/cases/${id}/messages`, { text: '窗口关闭时的回复' }), 201);
    assert.equal(r.delivery.status, 'deferred');
    assert.equal(r.callback.contact, '13600002222');
    assert.match(r.callback.advice, /48 hours/);
    assert.equal((await staff.json(staff.get(`/cases/${id}`))).window, 'closed');
    assert.ok(!platform.cs.some((c) => c.touser === user && /窗口关闭时的回复/.test(c.content)));
    await platform.post(platform.text(user, '我回来了'));
    const end = Date.now() + 5000;
    while (!platform.cs.some((c) => c.touser === user && /窗口关闭时的回复/.test(c.content))) {
      if (Date.now() > end) throw new Error('the deferred staff message was never delivered');
      await new Promise((res) => setTimeout(res, 20));
    }
  });
});

describe('when the case database fails', function () {
  this.timeout(60_000);
  it('the bot still answers (danger first with 110), and a handoff says honestly it did not go through', async () => {
    const desk = await startDesk();
    try {
      const citizen = new Citizen(desk.url);
      await citizen.open(() => desk.rt.directLine.issueToken());
      await desk.rt.caseDb.db.close();
      assert.match((await citizen.ask('有人拿刀要砍我')).join(), /110/);
      for (const m of ['转人工', '是', '鼓楼区', '跳过']) await citizen.ask(m);
      const r = await citizen.ask('数据库坏了时的求助');
      assert.match(r.join(), /没能把您的请求转给工作人员/);
      assert.match(r.join(), /12348/);
    } finally {
      await desk.close().catch(() => undefined);
    }
  });
});

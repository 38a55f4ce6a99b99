/**
 * The staff JSON API over HTTP on the wired application: the core contract, every action with
 * its authorisation (anonymous sees nothing, a missing CSRF token is refused, staff cannot
 * administer users, only the holder acts on a case), the login rate limit, the audit log and the
 * CSV export.
 */
import assert from 'node:assert/strict';
import { askForPerson, type Desk, StaffClient, startDesk } from './runtime';

describe('staff API (/staff/api)', function () {
  this.timeout(60_000);
  let desk: Desk;
  let wang: StaffClient;
  let li: StaffClient;
  let admin: StaffClient;
  const creds: Record<string, { username: string; password: string }> = {};

  before(async () => {
    desk = await startDesk();
    creds.wang = await desk.addUser('wang', 'staff', '王');
    creds.li = await desk.addUser('li', 'staff', '李');
    creds.admin = await desk.addUser('boss', 'admin', '主任');
    creds.ed = await desk.addUser('ed', 'editor', '编辑');
    wang = new StaffClient(desk.url);
    li = new StaffClient(desk.url);
    admin = new StaffClient(desk.url);
    await wang.login(creds.wang!.username, creds.wang!.password);
    await li.login(creds.li!.username, creds.li!.password);
    await admin.login(creds.admin!.username, creds.admin!.password);
  });
  after(async () => desk?.close());

  it('shows an anonymous visitor nothing', async () => {
    const anon = new StaffClient(desk.url);
    for (const path of ['/cases', '/cases?status=waiting', '/cases/c_aaaaaaaaaaaaaaaa', '/export.csv', '/stats', '/events', '/me', '/canned', '/users', '/audit']) {
      const r = await anon.get(path);
      assert.equal(r.status, 401, path);
      const body = await r.text();
      assert.doesNotMatch(body, /c_[A-Za-z0-9_-]{8}|13800/, path);
    }
    for (const path of ['/cases/c_aaaaaaaaaaaaaaaa/claim', '/cases/c_aaaaaaaaaaaaaaaa/messages', '/logout', '/users']) {
      assert.equal((await anon.post(path, { text: 'x' }, { csrf: null })).status, 401, path);
    }
    const page = await fetch(`${desk.url}/staff`, { redirect: 'manual' });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/staff/login');
    assert.equal((await fetch(`${desk.url}/staff/cases/c_aaaaaaaaaaaaaaaa`, { redirect: 'manual' })).status, 303);
  });

  it('logs in with a session cookie (HttpOnly, SameSite=Strict, /staff) and returns the CSRF token', async () => {
    const c = new StaffClient(desk.url);
    const r = await c.login(creds.ed!.username, creds.ed!.password);
    assert.equal(r.status, 200);
    const body = (await r.json()) as { csrfToken: string; user: { role: string } };
    assert.ok(body.csrfToken.length >= 20);
    assert.equal(body.user.role, 'editor');
    const setCookie = r.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^staff_session=/);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.match(setCookie, /Path=\/staff/);
    const me = await c.json(c.get('/me'));
    assert.equal(me.user.username, 'ed');
    assert.equal((await new StaffClient(desk.url).login('ed', 'not the password')).status, 401);
    assert.equal((await new StaffClient(desk.url).login('nobody', 'not the password')).status, 401);
    const bad = await fetch(`${desk.url}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' });
    assert.equal(bad.status, 400);
  });

  it('refuses a POST without the CSRF token, or with another session\'s', async () => {
    const c = await askForPerson(desk);
    const { cases } = await wang.json(wang.get('/cases?status=waiting'));
    const id = cases.find((x: { summary: string }) => x.summary.includes('三个月'))!.id;
    assert.equal((await wang.post(`/cases/${id}/claim`, {}, { csrf: null })).status, 403);
    assert.equal((await wang.post(`/cases/${id}/claim`, {}, { csrf: li.csrf })).status, 403);
    assert.equal((await wang.post('/logout', {}, { csrf: null })).status, 403);
    const still = await wang.json(wang.get(`/cases/${id}`));
    assert.equal(still.status, 'waiting', 'a refused request changed nothing');
    assert.ok(c.conversationId);
  });

  it('lists cases in the contract shape, filtered by status, district and topic', async () => {
    await askForPerson(desk, { district: '铜山区', question: '离婚孩子归谁', line: '想离婚，孩子抚养权怎么争取' });
    const { cases } = await wang.json(wang.get('/cases?status=waiting'));
    assert.ok(cases.length >= 2);
    for (const c of cases) {
      for (const k of ['id', 'status', 'channelId', 'district', 'topic', 'urgent', 'summary', 'createdAt']) assert.ok(k in c, k);
      assert.equal(c.status, 'waiting');
      assert.equal(c.channelId, 'directline');
      assert.equal(typeof c.urgent, 'boolean');
      assert.equal(typeof c.summary, 'string');
      assert.ok(!('reference' in c), 'the conversation reference stays inside');
    }
    const tongshan = await wang.json(wang.get('/cases?status=waiting&district=320312'));
    assert.ok(tongshan.cases.length >= 1);
    assert.ok(tongshan.cases.every((c: { districtName: string }) => c.districtName === '铜山区'));
    const topic = tongshan.cases[0].topic;
    const byTopic = await wang.json(wang.get(`/cases?topic=${topic}`));
    assert.ok(byTopic.cases.every((c: { topic: string }) => c.topic === topic));
    assert.equal((await wang.get('/cases?status=lost')).status, 400);
  });

  it('takes a case through claim, reply, note, transfer, hand-back and close, each by the right person', async () => {
    const citizen = await askForPerson(desk, { phone: '13912345678', line: '公司拖欠工资5000元，后天仲裁开庭' });
    const { cases } = await wang.json(wang.get('/cases?status=waiting'));
    const mine = cases.find((x: { summary: string }) => x.summary.includes('5000元'))!;
    assert.equal(mine.urgent, true, 'a hearing the day after tomorrow is urgent');
    assert.equal(cases[0].urgent, true, 'urgent cases come first');
    const id = mine.id;

    const detail = await wang.json(wang.get(`/cases/${id}`));
    assert.ok(Array.isArray(detail.transcript) && detail.transcript.some((e: { kind: string; text: string }) => e.kind === 'citizen' && e.text === '转人工'));
    assert.equal(detail.contact, '13912345678');
    assert.deepEqual(detail.structuredSummary.amounts, ['5000元']);
    assert.ok(detail.structuredSummary.dates.includes('后天'));

    await wang.json(wang.post(`/cases/${id}/claim`), 200);
    assert.equal((await li.post(`/cases/${id}/claim`)).status, 409, 'a claimed case cannot be claimed again');
    assert.equal((await li.post(`/cases/${id}/messages`, { text: '我来' })).status, 403, 'only the holder replies');
    assert.equal((await wang.post(`/cases/${id}/messages`, { text: '   ' })).status, 400);
    assert.equal((await wang.post(`/cases/${id}/messages`, { text: 'x'.repeat(2001) })).status, 400);
    const sent = await wang.json(wang.post(`/cases/${id}/messages`, { text: '您好，我是王，请把仲裁通知书拍照发来' }), 201);
    assert.equal(sent.delivery.status, 'delivered');
    await citizen.waitFor(/【12348 工作人员王】您好，我是王/);

    await wang.json(li.post(`/cases/${id}/notes`, { text: '李：这个我熟，可以转给我' }), 201);
    assert.equal((await wang.post(`/cases/${id}/transfer`, { to: 'nobody' })).status, 400);
    assert.equal((await li.post(`/cases/${id}/transfer`, { to: 'li' })).status, 403);
    const moved = await wang.json(wang.post(`/cases/${id}/transfer`, { to: 'li' }));
    assert.equal(moved.case.assignee, 'li');
    assert.equal((await wang.post(`/cases/${id}/messages`, { text: '还在吗' })).status, 403, 'after a transfer the old holder cannot reply');
    await citizen.waitFor(/工作人员李已接手/);

    assert.equal((await li.post(`/cases/${id}/close`, { outcome: 'maybe' })).status, 400);
    const back = await li.json(li.post(`/cases/${id}/handback`));
    assert.equal(back.case.status, 'returned');
    await citizen.waitFor(/打个分/);
    assert.deepEqual(await citizen.ask('4 很耐心'), ['谢谢您的评价！还有问题可以继续问我。']);
    const closed = await li.json(li.post(`/cases/${id}/close`, { outcome: 'legal-aid-centre' }));
    assert.equal(closed.case.status, 'closed');
    assert.deepEqual(closed.case.rating, { score: 4, comment: '很耐心' });
    assert.equal((await li.post(`/cases/${id}/close`, { outcome: 'answered' })).status, 409);

    const csv = await (await li.get('/export.csv')).text();
    assert.match(csv.split('\r\n')[0]!, /^\uFEFF?id,created_at,closed_at,channel,district,topic,urgent,outcome,assignee,first_response_seconds,rating,rating_comment$/);
    const row = csv.split('\r\n').find((l) => l.startsWith(id))!;
    assert.match(row, /,directline,鼓楼区,labor-[a-z-]+,yes,legal-aid-centre,li,\d+,4,很耐心$/);
    const stats = await li.json(li.get('/stats'));
    assert.ok(stats.closed >= 1 && stats.byOutcome['legal-aid-centre'] >= 1 && stats.meanRating === 4);

    const audit = await admin.json(admin.get(`/audit?case=${id}`));
    const actions = audit.entries.map((e: { actor: string; action: string }) => `${e.actor}:${e.action}`).reverse();
    for (const a of ['wang:open', 'wang:claim', 'wang:message', 'li:note', 'wang:transfer', 'li:handback', 'li:close']) assert.ok(actions.includes(a), `${a} in ${actions}`);
  });

  it('lets only an admin administer users and read the audit log', async () => {
    assert.equal((await wang.get('/users')).status, 403);
    assert.equal((await wang.post('/users', { username: 'evil', role: 'admin', password: 'x'.repeat(12) })).status, 403);
    assert.equal((await wang.post('/users/li/disable')).status, 403);
    assert.equal((await wang.get('/audit')).status, 403);
    const ed = new StaffClient(desk.url);
    await ed.login(creds.ed!.username, creds.ed!.password);
    assert.equal((await ed.get('/users')).status, 403, 'editors do not administer users either');
    assert.equal((await ed.get('/canned')).status, 200);
    assert.equal((await wang.post('/canned/reload')).status, 403, 'staff do not reload content');
    const reloaded = await ed.json(ed.post('/canned/reload'));
    assert.ok(reloaded.replies >= 5);
    assert.deepEqual(reloaded.issues, []);

    assert.equal((await admin.post('/users', { username: 'zhao', role: 'staff', password: 'short' })).status, 400);
    assert.equal((await admin.post('/users', { username: 'zhao', role: 'boss', password: 'long enough pass' })).status, 400);
    const made = await admin.json(admin.post('/users', { username: 'zhao', role: 'staff', displayName: '赵', password: 'long enough pass' }), 201);
    assert.equal(made.user.role, 'staff');
    const zhao = new StaffClient(desk.url);
    assert.equal((await zhao.login('zhao', 'long enough pass')).status, 200);
    await admin.json(admin.post('/users/zhao/disable'));
    assert.equal((await zhao.get('/cases')).status, 401, 'a disabled user\'s session ends');
    assert.equal((await zhao.login('zhao', 'long enough pass')).status, 401);
    const { users } = await admin.json(admin.get('/users'));
    assert.ok(!JSON.stringify(users).includes('argon2'), 'no password hashes leave the server');
  });

  it('limits failed logins per address and name (429 with Retry-After)', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 6; i++) last = await new StaffClient(desk.url).login('li', `wrong password ${i}`);
    assert.equal(last!.status, 429);
    assert.ok(Number(last!.headers.get('retry-after')) > 0);
    assert.equal((await new StaffClient(desk.url).login(creds.li!.username, creds.li!.password)).status, 429, 'even the right password waits');
    assert.equal((await new StaffClient(desk.url).login(creds.ed!.username, creds.ed!.password)).status, 200, 'colleagues at the same address still sign in');
  });

  it('ends the session on logout', async () => {
    const c = new StaffClient(desk.url);
    await c.login(creds.ed!.username, creds.ed!.password);
    assert.equal((await c.post('/logout')).status, 204);
    assert.equal((await c.get('/cases')).status, 401);
  });
});

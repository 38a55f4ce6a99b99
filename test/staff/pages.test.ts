/**
 * The console's server-rendered pages over HTTP: the login form (double-submit CSRF), the queue
 * and the case page with a hostile citizen's text escaped everywhere, a strict CSP (no inline
 * script), and logout.
 */
import assert from 'node:assert/strict';
import { askForPerson, type Desk, StaffClient, startDesk } from './runtime';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';

function cookiesOf(r: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of r.headers.getSetCookie()) {
    const [kv] = c.split(';');
    const i = kv!.indexOf('=');
    out[kv!.slice(0, i)] = kv!.slice(i + 1);
  }
  return out;
}

describe('staff console pages (/staff)', function () {
  this.timeout(60_000);
  let desk: Desk;
  let creds: { username: string; password: string };
  before(async () => {
    desk = await startDesk();
    creds = await desk.addUser('wang', 'staff', '王');
  });
  after(async () => desk?.close());

  async function signIn(): Promise<string> {
    const form = await fetch(`${desk.url}/staff/login`);
    const pre = cookiesOf(form).staff_prelogin!;
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const r = await fetch(`${desk.url}/staff/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `staff_prelogin=${pre}` },
      body: new URLSearchParams({ _csrf: token, username: creds.username, password: creds.password }).toString(),
    });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/staff');
    return `staff_session=${cookiesOf(r).staff_session}`;
  }

  it('serves a login form with a strict CSP and refuses a login post without its CSRF token', async () => {
    const form = await fetch(`${desk.url}/staff/login`);
    assert.equal(form.status, 200);
    assert.match(form.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(await form.text(), /<form method="post" action="\/staff\/login">/);
    const r = await fetch(`${desk.url}/staff/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: creds.username, password: creds.password }).toString(),
    });
    assert.equal(r.status, 403);
    assert.ok(!cookiesOf(r).staff_session, 'no session without the token');
    const wrong = await fetch(`${desk.url}/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `staff_prelogin=${cookiesOf(form).staff_prelogin}` },
      body: new URLSearchParams({ _csrf: cookiesOf(form).staff_prelogin!, username: creds.username, password: 'not the password' }).toString(),
    });
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /用户名或密码不对/);
  });

  it('shows a hostile citizen\'s text escaped in the queue and on the case page', async () => {
    await askForPerson(desk, { line: `欠薪 ${HOSTILE}` });
    const cookie = await signIn();
    const queue = await fetch(`${desk.url}/staff`, { headers: { cookie } });
    assert.equal(queue.status, 200);
    const html = await queue.text();
    assert.ok(!html.includes('<script>alert'), 'no raw script tag');
    assert.ok(!html.includes('<img src=x'), 'no raw img tag');
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;img src&#x3D;x onerror&#x3D;alert\(2\)&gt;&quot;&#x27;&amp;/);
    assert.doesNotMatch(html, /<script>(?!\s*<\/script>)[^<]/, 'no inline script at all');
    const id = /href="\/staff\/cases\/(c_[A-Za-z0-9_-]+)"/.exec(html)![1]!;
    const page = await fetch(`${desk.url}/staff/cases/${id}`, { headers: { cookie } });
    const caseHtml = await page.text();
    assert.equal(page.status, 200);
    assert.ok(!caseHtml.includes('<script>alert') && !caseHtml.includes('<img src=x'));
    assert.match(caseHtml, /&lt;script&gt;alert\(1\)/);
    assert.match(caseHtml, /<meta name="csrf-token" content="[^"]{20,}">/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
  });

  it('keeps the case page from anonymous visitors and says so for an unknown case', async () => {
    const cookie = await signIn();
    assert.equal((await fetch(`${desk.url}/staff/cases/c_nonexistent00000`, { headers: { cookie } })).status, 404);
    assert.equal((await fetch(`${desk.url}/staff/cases/not-an-id`, { headers: { cookie } })).status, 404);
    assert.equal((await fetch(`${desk.url}/staff/assets/console.js`)).status, 200);
    assert.equal((await fetch(`${desk.url}/staff/assets/common.js`)).status, 200);
    assert.equal((await fetch(`${desk.url}/staff/assets/../../package.json`)).status, 404);
  });

  it('logs out with the form (its CSRF token), ending the session', async () => {
    const cookie = await signIn();
    const html = await (await fetch(`${desk.url}/staff`, { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const api = new StaffClient(desk.url);
    api.cookie = cookie;
    assert.equal((await api.get('/me')).status, 200);
    const out = await fetch(`${desk.url}/staff/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${encodeURIComponent(csrf)}` });
    assert.equal(out.status, 303);
    assert.equal((await api.get('/me')).status, 401);
  });
});

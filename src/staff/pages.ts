/**
 * The console's server-rendered pages (Handlebars; every value a citizen typed is escaped by
 * `{{…}}` — no triple braces over citizen text), under /staff:
 *   GET  /staff/login, POST /staff/login (form; double-submit CSRF cookie), POST /staff/logout
 *   GET  /staff                 the queue (urgent and oldest first; filters: status, district, topic)
 *   GET  /staff/cases/:id       summary and transcript side by side, reply box with canned
 *                               replies, notes, claim, transfer, hand back, close
 *   GET  /staff/assets/*        the console's scripts and styles (no inline script: strict CSP); common.js
 *                               is what the staff and the editors' pages' scripts share
 * The pages act through the JSON API (console.js, with the CSRF token from <meta>), and update
 * live from /staff/api/events (SSE).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import Handlebars from 'handlebars';
import { type CaseStatus, OUTCOMES, parseCaseId } from '../cases/model';
import type { Logger } from '../logger';
import { caseJson, parseCaseFilter } from './api';
import { cookie, hasRole, type LoginLimiter, PRELOGIN_COOKIE, readCookie } from './auth';
import type { CannedReply } from './canned';
import { type StaffService, StaffError } from './service';
import { assetFiles, sendPage } from './html';
import { credentials, signIn, signOut } from './sign-in';
import { sameToken, type StaffSessions } from './sessions';
import type { StaffUsers } from './users';
import type { CaseStore } from '../cases/store';

export interface StaffPagesDeps {
  service: StaffService;
  cases: CaseStore;
  users: StaffUsers;
  sessions: StaffSessions;
  canned: () => CannedReply[];
  logger: Logger;
  cookieSecure: boolean;
  sessionTtlSec: number;
  limiter: LoginLimiter;
  /** District and topic choices for the filters. */
  districts?: () => { code: string; name: string }[];
  topics?: () => { id: string; title: string }[];
}

const hbs = Handlebars.create();
// Times as a Xuzhou desk reads them; the ISO value stays in the datetime attribute.
const TIME = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
/** "12 分钟" since an ISO time (the queue's waiting column). */
export function waited(iso: string, now = Date.now()): string {
  const min = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  return min < 60 ? `${min} 分钟` : min < 48 * 60 ? `${Math.floor(min / 60)} 小时 ${min % 60} 分钟` : `${Math.floor(min / 1440)} 天`;
}
hbs.registerHelper('waited', (iso: unknown) => (typeof iso === 'string' && !Number.isNaN(Date.parse(iso)) ? waited(iso) : ''));
hbs.registerHelper('time', (iso: unknown) => (typeof iso === 'string' && !Number.isNaN(Date.parse(iso)) ? TIME.format(new Date(iso)) : ''));
/** Flow slot names as staff read them (other slots show their own name). */
const ANSWER_LABELS: Record<string, string> = { consent: '同意转人工', matter: '事项', role: '身份', art32: '第三十二条情形', art42: '第四十二条人群', hardship: '经济状况', result: '预审结论' };
const view = (name: string) => hbs.compile(readFileSync(join(__dirname, 'views', `${name}.hbs`), 'utf8'), { strict: false });
const LAYOUT = view('layout');
const PAGES = { login: view('login'), queue: view('queue'), case: view('case') };
export const STATUS_LABELS: Record<CaseStatus, string> = { waiting: '等待中', active: '处理中', returned: '已交回机器人', closed: '已结案' };
export const OUTCOME_LABELS: Record<string, string> = {
  answered: '已解答',
  'legal-aid-centre': '转法律援助中心',
  mediation: '转人民调解',
  'zero-barrier': '转百姓办事零障碍窗口',
  'no-response': '市民未回应',
  cancelled: '市民取消',
};
const KIND_LABELS: Record<string, string> = { citizen: '市民', bot: '机器人', staff: '工作人员', note: '备注', system: '系统' };

function page(res: Response, status: number, name: keyof typeof PAGES, ctx: Record<string, unknown>): void {
  const role = (ctx.user as { role?: string } | undefined)?.role;
  sendPage(res, status, LAYOUT({ ...ctx, page: name, isAdmin: role === 'admin', isEditor: role === 'editor' || role === 'admin', body: PAGES[name](ctx) }));
}

export function createStaffPages(deps: StaffPagesDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '8kb' });

  router.get('/assets/:name', assetFiles(join(__dirname, 'assets'), ['common.js', 'console.js', 'console.css', 'favicon.svg']));

  const loginPage = (res: Response, status: number, error?: string, username?: string) => {
    const prelogin = randomBytes(18).toString('base64url');
    res.append('Set-Cookie', cookie(PRELOGIN_COOKIE, prelogin, { secure: deps.cookieSecure, maxAgeSec: 3600 }));
    page(res, status, 'login', { title: '登录', prelogin, error, username });
  };

  router.get('/login', (req, res) => {
    if (req.staff) return res.redirect(303, '/staff');
    loginPage(res, 200);
  });

  router.post('/login', form, async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (!sameToken(typeof b._csrf === 'string' ? b._csrf : undefined, readCookie(req, PRELOGIN_COOKIE) ?? '\0')) {
      return loginPage(res, 403, '页面已过期，请重新登录。');
    }
    const c = credentials(b);
    const r = await signIn(deps, req, c);
    if (!r.ok) return r.reason === 'blocked' ? loginPage(res, 429, '登录失败次数太多，请稍后再试。', c.username) : loginPage(res, 401, '用户名或密码不对。', c.username);
    res.append('Set-Cookie', r.setCookie);
    res.append('Set-Cookie', cookie(PRELOGIN_COOKIE, '', { secure: deps.cookieSecure, maxAgeSec: 0 }));
    res.redirect(303, '/staff');
  });

  router.post('/logout', form, async (req, res) => {
    const s = req.staff;
    if (s && sameToken(typeof req.body?._csrf === 'string' ? req.body._csrf : undefined, s.csrf)) res.append('Set-Cookie', await signOut(deps, req, s.user));
    res.redirect(303, '/staff/login');
  });

  const signedIn = (req: Request, res: Response, next: NextFunction) => (req.staff ? next() : res.redirect(303, '/staff/login'));

  router.get('/', signedIn, async (req, res) => {
    const q = { ...req.query, status: req.query.status ?? 'waiting,active' };
    const f = parseCaseFilter(q);
    const list = await deps.service.list(f);
    let n = 0;
    const statusValue = String(q.status);
    const statuses = [
      { value: 'waiting,active', label: '等待中和处理中' },
      { value: 'waiting', label: '等待中' },
      { value: 'active', label: '处理中' },
      { value: 'returned', label: '已交回机器人' },
      { value: 'closed', label: '已结案' },
    ].map((s) => ({ ...s, selected: s.value === statusValue }));
    page(res, 200, 'queue', {
      title: '排队',
      user: req.staff!.user,
      csrf: req.staff!.csrf,
      statuses,
      districts: (deps.districts?.() ?? []).map((d) => ({ ...d, selected: d.code === f.district })),
      topics: (deps.topics?.() ?? []).map((t) => ({ ...t, selected: t.id === f.topic })),
      cases: list.map((c) => ({ ...caseJson(c), statusLabel: STATUS_LABELS[c.status], position: c.status === 'waiting' ? ++n : undefined })),
    });
  });

  router.get('/cases/:id', signedIn, async (req, res) => {
    const id = parseCaseId(req.params.id);
    if (!id) throw new StaffError(404, 'not-found', 'no such case');
    const me = req.staff!.user;
    const c = await deps.service.open(id, me);
    const mine = c.status === 'active' && (c.assignee === me.username || hasRole(me, 'admin'));
    const rank = (r: CannedReply) => (c.topic && r.topics?.includes(c.topic) ? 0 : r.topics?.length ? 2 : 1);
    const colleagues = (await deps.users.list()).filter((u) => !u.disabled && u.username !== c.assignee && u.username !== me.username);
    page(res, 200, 'case', {
      title: `求助 ${c.id}`,
      caseId: c.id,
      user: me,
      csrf: req.staff!.csrf,
      c: {
        ...caseJson(c),
        transcript: c.transcript.map((e) => ({ ...e, kindLabel: KIND_LABELS[e.kind] ?? e.kind })),
        notes: c.notes,
      },
      statusLabel: STATUS_LABELS[c.status],
      urgency: c.summary.urgency.map((u) => ({ ...u, kindLabel: u.kind === 'deadline' ? '期限临近' : '危险信号' })),
      amounts: c.summary.amounts,
      dates: c.summary.dates,
      answers: Object.entries(c.summary.answers).map(([key, value]) => ({ key: ANSWER_LABELS[key] ?? key, value })),
      windowClosed: deps.service.windowOf(c) === 'closed',
      canClaim: c.status === 'waiting',
      canAct: mine,
      canClose: c.status !== 'closed' && (c.status !== 'active' || mine),
      colleagues: colleagues.map((u) => ({ username: u.username, displayName: u.displayName })),
      outcomes: OUTCOMES.filter((o) => o !== 'cancelled').map((o) => ({ value: o, label: OUTCOME_LABELS[o] })),
      // Replies for this case's topic first, then the general ones, then the rest.
      canned: [...deps.canned()].sort((x, y) => rank(x) - rank(y)),
    });
  });

  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (err instanceof StaffError) {
      res.status(err.status).type('text/plain; charset=utf-8').send(err.status === 404 ? '没有这个求助。' : err.message);
      return;
    }
    next(err);
  });
  return router;
}

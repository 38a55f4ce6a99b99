/**
 * The staff JSON API, mounted at /staff/api (the console's pages use it; so can integrations).
 * Core contract (kept stable):
 *   POST /login {username, password}          → 200 {csrfToken, user} + session cookie
 *   POST /logout                              → 204
 *   GET  /me                                  → {user, csrfToken}
 *   GET  /cases?status=&district=&topic=      → {cases: [{id, status, channelId, district, topic, urgent, summary, createdAt, …}]}
 *   GET  /cases/:id                           → the case with its transcript (and notes, window)
 *   POST /cases/:id/claim | /messages {text} | /notes {text} | /transfer {to} | /handback | /close {outcome}
 *   GET  /export.csv?since=                   closed cases, one row each
 *   GET  /report.csv?since=                   counts by topic, district, outcome, channel
 * Also: GET /stats, GET /events (SSE), GET /canned, GET /colleagues; editor: POST /canned/reload;
 * admin: GET/POST /users,
 * POST /users/:username/disable, GET /audit. Every POST needs X-CSRF-Token (except login).
 * Errors are JSON {error: {code, message}}: 400 bad input, 401 not signed in, 403 no right / no
 * CSRF, 404, 409 state conflict (claimed by someone else …), 429 too many failed logins.
 */
import express, { type Request, type Response, Router } from 'express';
import type { CaseEvents } from '../cases/events';
import { CASE_STATUSES, type Case, CaseConflictError, type CaseStatus, type CaseWithTranscript, parseCaseId } from '../cases/model';
import type { CaseStore } from '../cases/store';
import type { Logger } from '../logger';
import { endJsonApi } from './api-errors';
import { AuthError, LoginLimiter, requireStaff } from './auth';
import type { CannedReply } from './canned';
import { caseStats, casesCsv, summaryCsv } from './report';
import { type StaffService, StaffError } from './service';
import { credentials, signIn, signOut } from './sign-in';
import type { StaffSessions } from './sessions';
import { isRole, type StaffUser, type StaffUsers, UserError } from './users';

export interface StaffApiDeps {
  service: StaffService;
  cases: CaseStore;
  users: StaffUsers;
  sessions: StaffSessions;
  events: CaseEvents;
  canned: () => CannedReply[];
  /** Re-reads the canned-reply files (editors, after changing them). */
  reloadCanned?: () => { replies: number; issues: { file: string; field: string; message: string }[] };
  logger: Logger;
  cookieSecure: boolean;
  sessionTtlSec: number;
  limiter?: LoginLimiter;
  /** SSE keep-alive comment interval. */
  heartbeatMs?: number;
}

export const publicUser = (u: StaffUser) => ({ username: u.username, displayName: u.displayName, role: u.role, disabled: u.disabled });

/** A case as the API shows it (no internal conversation reference). */
export function caseJson(c: Case, extra: Record<string, unknown> = {}) {
  return {
    id: c.id,
    status: c.status,
    channelId: c.channelId,
    district: c.district?.code ?? null,
    districtName: c.district?.name ?? null,
    topic: c.topic ?? null,
    matterType: c.summary.matterType ?? null,
    route: c.route ?? null,
    urgent: c.urgent,
    urgency: c.summary.urgency,
    summary: c.summary.line,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    assignee: c.assignee ?? null,
    claimedAt: c.claimedAt ?? null,
    firstResponseAt: c.firstResponseAt ?? null,
    lastCitizenAt: c.lastCitizenAt ?? null,
    handedBackAt: c.handedBackAt ?? null,
    closedAt: c.closedAt ?? null,
    outcome: c.outcome ?? null,
    rating: c.rating ?? null,
    consentCallback: c.consentCallback,
    contact: c.contact ?? null,
    ...extra,
  };
}

export function caseDetailJson(c: CaseWithTranscript, window: string) {
  return caseJson(c, { structuredSummary: c.summary, transcript: c.transcript, notes: c.notes, window });
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

export function parseCaseFilter(q: Request['query']) {
  const status = str(q.status);
  const statuses = status ? status.split(',') : undefined;
  if (statuses && !statuses.every((s) => (CASE_STATUSES as readonly string[]).includes(s))) {
    throw new StaffError(400, 'bad-status', `status must be one of ${CASE_STATUSES.join(', ')}`);
  }
  const district = str(q.district);
  const topic = str(q.topic);
  if ((district && district.length > 40) || (topic && topic.length > 60)) throw new StaffError(400, 'bad-filter', 'filter too long');
  return { status: statuses as CaseStatus[] | undefined, district, topic };
}

export function createStaffApi(deps: StaffApiDeps): Router {
  const { service, cases, users, sessions } = deps;
  const limiter = deps.limiter ?? new LoginLimiter();
  const router = Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  const json = express.json({ limit: '32kb' });

  const id = (req: Request) => {
    const c = parseCaseId(req.params.id);
    if (!c) throw new StaffError(404, 'not-found', 'no such case');
    return c;
  };
  const me = (req: Request) => req.staff!.user;

  router.post('/login', json, async (req: Request, res: Response) => {
    const c = credentials(req.body);
    if (!c.username || !c.password) throw new StaffError(400, 'bad-login', 'username and password are required');
    const r = await signIn({ ...deps, limiter }, req, c);
    if (!r.ok && r.reason === 'blocked') throw new AuthError(429, 'too-many-attempts', 'too many failed sign-ins; try again later', r.waitSec);
    if (!r.ok) throw new AuthError(401, 'bad-credentials', 'wrong username or password');
    res.setHeader('Set-Cookie', r.setCookie);
    res.json({ csrfToken: r.csrf, user: publicUser(r.user) });
  });

  router.post('/logout', json, requireStaff(), async (req, res) => {
    res.setHeader('Set-Cookie', await signOut(deps, req, me(req)));
    res.status(204).end();
  });

  router.get('/me', requireStaff(), (req, res) => {
    res.json({ user: publicUser(me(req)), csrfToken: req.staff!.csrf });
  });

  router.get('/cases', requireStaff(), async (req, res) => {
    const f = parseCaseFilter(req.query);
    const list = await service.list(f);
    const positions = new Map<string, number>();
    let n = 0;
    for (const c of list) if (c.status === 'waiting') positions.set(c.id, ++n);
    res.json({ cases: list.map((c) => caseJson(c, positions.has(c.id) && !f.district && !f.topic ? { position: positions.get(c.id) } : {})) });
  });

  router.get('/cases/:id', requireStaff(), async (req, res) => {
    const c = await service.open(id(req), me(req));
    res.json(caseDetailJson(c, service.windowOf(c)));
  });

  router.post('/cases/:id/claim', json, requireStaff(), async (req, res) => {
    res.json({ case: caseJson(await service.claim(id(req), me(req))) });
  });

  router.post('/cases/:id/messages', json, requireStaff(), async (req, res) => {
    const r = await service.message(id(req), me(req), req.body?.text);
    res.status(201).json(r);
  });

  router.post('/cases/:id/notes', json, requireStaff(), async (req, res) => {
    await service.note(id(req), me(req), req.body?.text);
    res.status(201).json({ ok: true });
  });

  router.post('/cases/:id/transfer', json, requireStaff(), async (req, res) => {
    res.json({ case: caseJson(await service.transfer(id(req), me(req), req.body?.to)) });
  });

  router.post('/cases/:id/handback', json, requireStaff(), async (req, res) => {
    const r = await service.handBack(id(req), me(req));
    res.json({ case: caseJson(r.case), delivery: r.delivery });
  });

  router.post('/cases/:id/close', json, requireStaff(), async (req, res) => {
    res.json({ case: caseJson(await service.close(id(req), me(req), req.body?.outcome)) });
  });

  async function closedCases(req: Request): Promise<Case[]> {
    const since = str(req.query.since);
    if (since && Number.isNaN(Date.parse(since))) throw new StaffError(400, 'bad-since', 'since must be an ISO date');
    return cases.list({ status: 'closed', closedSince: since ? new Date(since).toISOString() : undefined, limit: 10_000 });
  }

  router.get('/export.csv', requireStaff(), async (req, res) => {
    const list = await closedCases(req);
    await service.recordExport(me(req), list.length);
    res.type('text/csv; charset=utf-8').set('Content-Disposition', 'attachment; filename="12348-cases.csv"').send(casesCsv(list));
  });

  router.get('/report.csv', requireStaff(), async (req, res) => {
    const list = await closedCases(req);
    await service.recordExport(me(req), list.length);
    res.type('text/csv; charset=utf-8').set('Content-Disposition', 'attachment; filename="12348-report.csv"').send(summaryCsv(list));
  });

  router.get('/stats', requireStaff(), async (req, res) => {
    res.json(caseStats(await closedCases(req)));
  });

  router.get('/canned', requireStaff(), (_req, res) => {
    res.json({ replies: deps.canned().map(({ id, title, text, topics }) => ({ id, title, text, topics: topics ?? [] })) });
  });

  router.post('/canned/reload', json, requireStaff('editor'), async (req, res) => {
    if (!deps.reloadCanned) throw new StaffError(404, 'not-found', 'canned replies cannot be reloaded here');
    const r = deps.reloadCanned();
    await cases.audit({ at: new Date().toISOString(), actor: me(req).username, action: 'canned.reload', detail: `${r.replies} replies, ${r.issues.length} problems` });
    res.json(r);
  });

  router.get('/colleagues', requireStaff(), async (_req, res) => {
    res.json({ users: (await users.list()).filter((u) => !u.disabled).map((u) => ({ username: u.username, displayName: u.displayName })) });
  });

  router.get('/events', requireStaff(), (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n\n');
    const off = deps.events.on((e) => res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`));
    const beat = setInterval(() => res.write(': keep-alive\n\n'), deps.heartbeatMs ?? 25_000);
    req.on('close', () => {
      off();
      clearInterval(beat);
    });
  });

  // ---- administration (admin only) ----

  router.get('/users', requireStaff('admin'), async (_req, res) => {
    res.json({ users: (await users.list()).map(publicUser) });
  });

  router.post('/users', json, requireStaff('admin'), async (req, res) => {
    const b = req.body ?? {};
    if (!isRole(b.role)) throw new StaffError(400, 'bad-role', 'role must be staff, editor or admin');
    const u = await users.add({ username: String(b.username ?? ''), displayName: typeof b.displayName === 'string' ? b.displayName : undefined, role: b.role, password: String(b.password ?? '') });
    await cases.audit({ at: new Date().toISOString(), actor: me(req).username, action: 'user.add', detail: `${u.username} (${u.role})` });
    res.status(201).json({ user: publicUser(u) });
  });

  router.post('/users/:username/disable', json, requireStaff('admin'), async (req, res) => {
    const name = String(req.params.username);
    if (name === me(req).username) throw new StaffError(400, 'self', 'you cannot disable your own account');
    if (!(await users.setDisabled(name, true))) throw new StaffError(404, 'not-found', 'no such user');
    await sessions.destroyAll(name);
    await cases.audit({ at: new Date().toISOString(), actor: me(req).username, action: 'user.disable', detail: name });
    res.json({ ok: true });
  });

  router.get('/audit', requireStaff('admin'), async (req, res) => {
    const caseId = req.query.case === undefined ? undefined : parseCaseId(req.query.case);
    if (req.query.case !== undefined && !caseId) throw new StaffError(400, 'bad-case', 'case must be a case id');
    res.json({ entries: await cases.auditLog(caseId, 500) });
  });

  endJsonApi(router, 'staff API', deps.logger, (err) => {
    if (err instanceof CaseConflictError) return err.status === 'missing' ? { status: 404, code: 'not-found', message: err.message } : { status: 409, code: 'conflict', message: err.message };
    if (err instanceof UserError) return { status: 400, code: `bad-${err.field}`, message: err.message };
    return undefined;
  });
  return router;
}

/**
 * The editors' console pages under /staff/kb, in the staff console's layout (src/staff/views/
 * layout.hbs: same header, CSP and script rules; every value is escaped by `{{…}}`):
 *   GET /staff/kb                 home: review and unanswered counts, the test pane
 *   GET /staff/kb/entries         list and search entries      GET /staff/kb/entries/:id  edit
 *   GET /staff/kb/new?q=          create an entry (prefilled with a citizen's question)
 *   GET /staff/kb/unanswered      grouped questions that found nothing, with their actions
 *   GET /staff/kb/review          review lists        GET /staff/kb/synonyms  synonym groups
 *   GET /staff/kb/assets/*        kb.js and kb.css (no inline script)
 * Every page needs the editor role (a staff user is sent to the queue); the pages act through
 * /staff/api/kb with the session's CSRF token (kb.js).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type NextFunction, type Request, type Response, Router } from 'express';
import Handlebars from 'handlebars';
import { readLaws, readOutOfScope } from '../content/editorial';
import { ROUTES } from '../content/schema';
import type { FeedbackSink, UnansweredSink } from '../dialogs';
import { hasRole, loadSession } from '../staff/auth';
import { assetFiles, sendPage } from '../staff/html';
import type { StaffSessions } from '../staff/sessions';
import type { KbPublisher } from './publisher';
import { reviewLists } from './review';
import { groupUnanswered } from './unanswered';

export interface EditorPagesDeps {
  sessions: StaffSessions;
  publisher: KbPublisher;
  unanswered: UnansweredSink;
  feedback: FeedbackSink;
}

const hbs = Handlebars.create();
hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
const read = (p: string) => readFileSync(p, 'utf8');
const LAYOUT = hbs.compile(read(join(__dirname, '../staff/views/layout.hbs')));
const VIEWS = Object.fromEntries(['home', 'entries', 'edit', 'unanswered', 'review', 'synonyms'].map((n) => [n, hbs.compile(read(join(__dirname, 'views', `${n}.hbs`)))])) as Record<string, HandlebarsTemplateDelegate>;
const today = () => new Date().toISOString().slice(0, 10);

export function createEditorPages(deps: EditorPagesDeps): Router {
  const router = Router();
  const { publisher } = deps;

  router.get('/assets/:name', assetFiles(join(__dirname, 'assets'), ['kb.js', 'kb.css']));

  router.use(loadSession(deps.sessions));
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (!req.staff) return res.redirect(303, '/staff/login');
    if (!hasRole(req.staff.user, 'editor')) return res.status(403).type('text/plain; charset=utf-8').send('知识库编辑需要编辑（editor）角色。');
    next();
  });

  const page = (req: Request, res: Response, view: string, title: string, ctx: Record<string, unknown> = {}) => {
    const user = req.staff!.user;
    const full = { ...ctx, title, user, csrf: req.staff!.csrf, page: `kb-${view}`, isAdmin: user.role === 'admin', isEditor: true, script: '/staff/kb/assets/kb.js', style: '/staff/kb/assets/kb.css' };
    sendPage(res, 200, LAYOUT({ ...full, body: VIEWS[view]!(full) }));
  };

  const groups = async () => {
    const [u, f] = await Promise.all([deps.unanswered.list({ limit: 2000 }), deps.feedback.list({ limit: 2000 })]);
    return groupUnanswered(u, f, publisher.engine(), readOutOfScope(publisher.knowledgeDir, []).map((d) => d.q));
  };

  router.get('/', async (req, res) => {
    const review = reviewLists(publisher.live, readLaws(publisher.knowledgeDir, []), today());
    const g = await groups();
    page(req, res, 'home', '知识库', { counts: review.counts, unanswered: g.filter((x) => !x.answeredNow).length, entries: publisher.live.entries.length, last: publisher.last, git: !!publisher.git });
  });

  router.get('/entries', (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim() : '';
    const list = publisher.live.entries.filter((e) => !q || e.id.includes(q) || e.title.includes(q) || e.questions.some((x) => x.includes(q)));
    page(req, res, 'entries', '条目', { q, entries: list.map((e) => ({ id: e.id, locale: e.locale, title: e.title, topic: e.topic, questions: e.questions.length, review_by: e.review_by, overdue: e.review_by < today() })) });
  });

  const editCtx = (extra: Record<string, unknown>) => ({
    routes: ROUTES,
    topics: publisher.live.topics.map((t) => ({ id: t.id, title: t.title })),
    kinds: ['procedure', 'regulation', 'faq'],
    ...extra,
  });

  router.get('/entries/:id', (req, res) => {
    const locale = req.query.locale === 'en' ? 'en' : 'zh-CN';
    const e = publisher.live.entries.find((x) => x.id === req.params.id && x.locale === locale);
    if (!e) return res.status(404).type('text/plain; charset=utf-8').send('没有这个条目。');
    page(req, res, 'edit', `编辑 ${e.title}`, editCtx({ entryId: e.id, locale, file: e.file, git: !!publisher.git }));
  });

  router.get('/new', (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 500) : '';
    page(req, res, 'edit', '新条目', editCtx({ isNew: true, question: q, today: today() }));
  });

  router.get('/unanswered', async (req, res) => {
    page(req, res, 'unanswered', '没找到答案的问题', { groups: await groups() });
  });

  router.get('/review', (req, res) => {
    page(req, res, 'review', '待复核', reviewLists(publisher.live, readLaws(publisher.knowledgeDir, []), today()) as unknown as Record<string, unknown>);
  });

  router.get('/synonyms', (req, res) => {
    page(req, res, 'synonyms', '同义词和概念', { synonyms: publisher.live.synonyms.map((g) => g.join(' ')).join('\n'), concepts: JSON.stringify(publisher.live.concepts, null, 2) });
  });
  return router;
}

/**
 * The editors' JSON API, mounted at /staff/api/kb (same session cookie, CSRF token and roles as the
 * staff API: every route needs the editor role; admin can do everything; POST/PUT need X-CSRF-Token).
 *   POST /try {q, locale?}                  the test pane (try.ts)
 *   GET  /entries?q=&topic=&locale=         {entries: [{id, locale, topic, title, file, questions, review_by}]}
 *   GET  /entries/:id?locale=               {id, locale, file, frontMatter, body}
 *   PUT  /entries/:id {frontMatter, body}   save: 422 {error, issues} | 409 {error, report} | 200 {…, report, commit, timings}
 *        ?confirm=1 publishes despite the report's breaks (danger breaks: admin only); ?dryRun=1 only checks
 *   POST /entries {frontMatter, body}       create (same outcomes; 201 when published)
 *   POST /entries/:id/check {frontMatter, body}   validation + regression check, nothing written
 *   GET  /entries/:id/history               {git, commits: [{commit, author, date, message}]}
 *   POST /entries/:id/revert {commit}       the entry as it was at that commit, published as a new edit
 *   GET  /review                            {overdue, laws, unconfirmed, counts}
 *   GET  /unanswered                        {groups: [{id, question, count, examples, suggestions, …}]}
 *   POST /unanswered/add {question, entry}  add the question to an entry (publishes like PUT)
 *   POST /unanswered/dismiss {question}     out of scope (knowledge/out-of-scope.yaml)
 *   POST /golden {q, entry}                 add a labelled question to knowledge/golden.yaml
 *   GET|PUT /synonyms {groups}              GET|PUT /concepts {concepts}   (publish like PUT)
 *   GET  /status                            entries, content hash, git, last publish timings
 * Errors are JSON {error: {code, message}} as in the staff API.
 */
import express, { type Request, type Response, Router } from 'express';
import { parse } from 'yaml';
import { GOLDEN_FILE, LAWS_FILE, OUT_OF_SCOPE_FILE, readGolden, readLaws, readOutOfScope } from '../content/editorial';
import { LOCALES, type Locale } from '../content/schema';
import { formatYaml } from '../content/writer';
import { type FeedbackSink, storedText, type UnansweredSink } from '../dialogs';
import type { Logger } from '../logger';
import { endJsonApi } from '../staff/api-errors';
import { loadSession, requireStaff } from '../staff/auth';
import { StaffError } from '../staff/service';
import type { StaffSessions } from '../staff/sessions';
import { ENTRY_ID, entryText, findEntry, newEntryFile, readEntryDoc, withQuestion } from './entries';
import { GitError } from './git';
import { type KbPublisher, type Outcome, PublishError } from './publisher';
import { reviewLists } from './review';
import type { TryResult } from './try';
import { groupUnanswered } from './unanswered';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export interface EditorApiDeps {
  sessions: StaffSessions;
  publisher: KbPublisher;
  tryQuestion: (q: string, locale: Locale) => Promise<TryResult>;
  unanswered: UnansweredSink;
  feedback: FeedbackSink;
  logger: Logger;
  today?: () => string;
}

const MAX_Q = 500;

function localeOf(v: unknown): Locale {
  if (v === undefined) return 'zh-CN';
  if (typeof v !== 'string' || !(LOCALES as readonly string[]).includes(v)) throw new StaffError(400, 'bad-locale', `locale must be one of ${LOCALES.join(', ')}`);
  return v as Locale;
}

function text(v: unknown, name: string, max = MAX_Q): string {
  if (typeof v !== 'string' || !v.trim()) throw new StaffError(400, `bad-${name}`, `${name} is required`);
  if (v.length > max) throw new StaffError(400, `bad-${name}`, `${name} is too long (at most ${max} characters)`);
  return v.trim();
}

function entryBody(b: unknown): { frontMatter: Record<string, unknown>; body: string } {
  const o = (b ?? {}) as { frontMatter?: unknown; body?: unknown };
  if (!o.frontMatter || typeof o.frontMatter !== 'object' || Array.isArray(o.frontMatter)) throw new StaffError(400, 'bad-front-matter', 'frontMatter must be an object');
  if (typeof o.body !== 'string') throw new StaffError(400, 'bad-body', 'body must be the answer in Markdown (a string)');
  return { frontMatter: o.frontMatter as Record<string, unknown>, body: o.body };
}

const flag = (v: unknown) => v === '1' || v === 'true' || v === true;

export function createEditorApi(deps: EditorApiDeps): Router {
  const { publisher } = deps;
  const router = Router();
  const json = express.json({ limit: '256kb' });
  const editor = requireStaff('editor');
  const today = deps.today ?? (() => new Date().toISOString().slice(0, 10));
  router.use(loadSession(deps.sessions));
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  const me = (req: Request) => req.staff!.user;
  const send = (res: Response, o: Outcome, created = false) => {
    if (o.status === 422) res.status(422).json({ error: { code: 'invalid', message: `${o.issues.length} problems; nothing was saved` }, issues: o.issues, warnings: o.warnings });
    else if (o.status === 409)
      res.status(409).json({
        error: { code: o.report.needsAdmin ? 'breaks-emergency' : 'regression', message: o.report.needsAdmin ? 'this edit stops an emergency from being caught; only an admin can publish it' : 'this edit breaks what the bot answers now; confirm to publish anyway' },
        report: o.report,
        warnings: o.warnings,
      });
    else res.status(created && o.published ? 201 : 200).json(o);
  };
  const entryOf = (req: Request) => {
    const id = String(req.params.id);
    if (!ENTRY_ID.test(id)) throw new StaffError(404, 'not-found', 'no such entry');
    const locale = localeOf(req.query.locale);
    const e = findEntry(publisher.live, id, locale);
    if (!e) throw new StaffError(404, 'not-found', 'no such entry');
    return e;
  };
  const readText = (file: string) => {
    const p = join(publisher.knowledgeDir, file);
    return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  };

  router.get('/status', editor, (_req, res) => {
    res.json({ entries: publisher.live.entries.length, git: !!publisher.git, last: publisher.last ?? null });
  });

  router.post('/try', json, editor, async (req, res) => {
    res.json(await deps.tryQuestion(text(req.body?.q, 'q'), localeOf(req.body?.locale)));
  });

  router.get('/entries', editor, (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim().toLowerCase() : '';
    const topic = typeof req.query.topic === 'string' ? req.query.topic : '';
    const locale = req.query.locale === undefined ? undefined : localeOf(req.query.locale);
    const list = publisher.live.entries.filter(
      (e) => (!locale || e.locale === locale) && (!topic || e.topic === topic) && (!q || e.id.includes(q) || e.title.toLowerCase().includes(q) || e.questions.some((x) => x.toLowerCase().includes(q))),
    );
    res.json({ entries: list.map((e) => ({ id: e.id, locale: e.locale, topic: e.topic, title: e.title, file: e.file, questions: e.questions.length, updated: e.updated, review_by: e.review_by })) });
  });

  router.get('/entries/:id', editor, (req, res) => {
    const doc = readEntryDoc(publisher.knowledgeDir, entryOf(req));
    if (!doc) throw new StaffError(404, 'not-found', 'the entry file has no front matter');
    res.json(doc);
  });

  const saveEntry = async (req: Request, res: Response, check: boolean) => {
    const e = entryOf(req);
    const { frontMatter, body } = entryBody(req.body);
    const bodyId = (req.body as { id?: unknown } | undefined)?.id;
    if (bodyId !== undefined && bodyId !== e.id) throw new StaffError(400, 'bad-id', 'the body’s id must be the entry’s id');
    if (frontMatter.id !== undefined && frontMatter.id !== e.id) throw new StaffError(400, 'bad-id', 'the id in frontMatter must be the entry’s id (renaming is a new entry)');
    const o = await publisher.apply({
      files: { [e.file]: entryText({ ...frontMatter, id: e.id }, body) },
      actor: me(req),
      message: `kb: ${e.id} edited by ${me(req).username}`,
      confirm: flag(req.query.confirm) || flag(req.body?.confirm),
      dryRun: check || flag(req.query.dryRun),
    });
    send(res, o);
  };
  router.put('/entries/:id', json, editor, (req, res) => saveEntry(req, res, false));
  router.post('/entries/:id/check', json, editor, (req, res) => saveEntry(req, res, true));

  router.post('/entries', json, editor, async (req, res) => {
    const { frontMatter, body } = entryBody(req.body);
    const id = typeof frontMatter.id === 'string' ? frontMatter.id : '';
    const locale = localeOf(frontMatter.locale);
    if (!ENTRY_ID.test(id)) throw new StaffError(400, 'bad-id', 'frontMatter.id must be a lowercase slug like "labor-wage-arrears"');
    if (findEntry(publisher.live, id, locale)) throw new StaffError(409, 'exists', `entry "${id}" exists already`);
    const file = newEntryFile(publisher.live, id, String(frontMatter.topic ?? ''), locale);
    if (readText(file) !== undefined) throw new StaffError(409, 'exists', `${file} exists already`);
    const o = await publisher.apply({ files: { [file]: entryText(frontMatter, body) }, actor: me(req), message: `kb: new entry ${id} by ${me(req).username}`, confirm: flag(req.query.confirm), dryRun: flag(req.query.dryRun) });
    send(res, o, true);
  });

  router.get('/entries/:id/history', editor, async (req, res) => {
    const e = entryOf(req);
    if (!publisher.git) return res.json({ git: false, commits: [] });
    res.json({ git: true, commits: await publisher.git.history(join(publisher.knowledgeDir, e.file)) });
  });

  router.post('/entries/:id/revert', json, editor, async (req, res) => {
    const e = entryOf(req);
    if (!publisher.git) throw new StaffError(404, 'no-git', 'the knowledge folder is not in a git work tree');
    const commit = text(req.body?.commit, 'commit', 40);
    const old = await publisher.git.show(commit, join(publisher.knowledgeDir, e.file));
    if (old === undefined) throw new StaffError(404, 'not-found', 'the entry did not exist at that commit');
    const o = await publisher.apply({ files: { [e.file]: old }, actor: me(req), message: `kb: ${e.id} reverted to ${commit.slice(0, 10)} by ${me(req).username}`, confirm: flag(req.query.confirm) || flag(req.body?.confirm) });
    send(res, o);
  });

  router.get('/review', editor, (_req, res) => {
    res.json(reviewLists(publisher.live, readLaws(publisher.knowledgeDir, []), today()));
  });

  router.get('/unanswered', editor, async (_req, res) => {
    const [u, f] = await Promise.all([deps.unanswered.list({ limit: 2000 }), deps.feedback.list({ limit: 2000 })]);
    const dismissed = readOutOfScope(publisher.knowledgeDir, []).map((d) => d.q);
    res.json({ groups: groupUnanswered(u, f, publisher.engine(), dismissed) });
  });

  router.post('/unanswered/add', json, editor, async (req, res) => {
    const q = storedText(text(req.body?.question, 'question'));
    const id = text(req.body?.entry, 'entry', 80);
    req.params.id = id;
    const e = entryOf(req);
    const doc = readEntryDoc(publisher.knowledgeDir, e);
    if (!doc) throw new StaffError(404, 'not-found', 'the entry file has no front matter');
    const o = await publisher.apply({ files: { [e.file]: entryText(withQuestion(doc, q), doc.body) }, actor: me(req), message: `kb: ${e.id} +question (from unanswered) by ${me(req).username}`, confirm: flag(req.query.confirm) || flag(req.body?.confirm) });
    send(res, o);
  });

  router.post('/unanswered/dismiss', json, editor, async (req, res) => {
    const q = storedText(text(req.body?.question, 'question'));
    const list = readOutOfScope(publisher.knowledgeDir, []);
    if (!list.some((x) => x.q === q)) list.push({ q, by: me(req).username, at: today() });
    const o = await publisher.apply({
      files: { [OUT_OF_SCOPE_FILE]: formatYaml({ questions: list }, '# Citizens\u2019 questions (masked) editors dismissed as out of scope; left out of the unanswered list.\n') },
      actor: me(req),
      message: `kb: dismissed an unanswered question as out of scope (${me(req).username})`,
    });
    send(res, o);
  });

  router.post('/golden', json, editor, async (req, res) => {
    const q = text(req.body?.q, 'q');
    const entry = text(req.body?.entry, 'entry', 80);
    const locale = localeOf(req.body?.locale);
    const golden = readGolden(publisher.knowledgeDir, []);
    if (!golden.some((g) => g.q === q && g.locale === locale)) golden.push({ q, entry, locale, added_by: me(req).username, added: today() });
    const o = await publisher.apply({
      files: { [GOLDEN_FILE]: formatYaml({ questions: golden.map((g) => (g.locale === 'zh-CN' ? { ...g, locale: undefined } : g)) }, GOLDEN_HEADER) },
      actor: me(req),
      message: `kb: golden question for ${entry} by ${me(req).username}`,
      confirm: flag(req.query.confirm) || flag(req.body?.confirm),
    });
    send(res, o, true);
  });

  const yamlFile = (name: string) => {
    const t = readText(name);
    return t === undefined ? undefined : (parse(t) as unknown);
  };
  // The two lists edited whole (GET and PUT {<key>: […]}), published like an entry.
  const LISTS = [
    { key: 'groups', file: 'synonyms.yaml', path: '/synonyms', what: 'synonyms', live: () => publisher.live.synonyms, shape: 'a list of lists of words' },
    { key: 'concepts', file: 'concepts.yaml', path: '/concepts', what: 'concepts', live: () => publisher.live.concepts, shape: 'a list of {id, note, words}' },
  ] as const;
  for (const l of LISTS) {
    router.get(l.path, editor, (_req, res) => {
      res.json({ [l.key]: l.live() });
    });
    router.put(l.path, json, editor, async (req, res) => {
      const list = req.body?.[l.key];
      if (!Array.isArray(list)) throw new StaffError(400, `bad-${l.key}`, `${l.key} must be ${l.shape}`);
      const header = headerOf(readText(l.file));
      const o = await publisher.apply({ files: { [l.file]: formatYaml({ [l.key]: list }, header) }, actor: me(req), message: `kb: ${l.what} edited by ${me(req).username}`, confirm: flag(req.query.confirm) || flag(req.body?.confirm) });
      send(res, o);
    });
  }
  router.get('/laws', editor, (_req, res) => {
    res.json({ laws: readLaws(publisher.knowledgeDir, []), file: yamlFile(LAWS_FILE) ? LAWS_FILE : null });
  });

  endJsonApi(router, 'editor API', deps.logger, (err) => {
    if (err instanceof PublishError) return { status: 500, code: err.code, message: err.message };
    if (err instanceof GitError) return { status: 400, code: 'git', message: err.message };
    return undefined;
  });
  return router;
}

const GOLDEN_HEADER = '# Labelled questions the regression check runs before every publish (editors add them from the test pane).\n# q: the question as a citizen asks it; entry: the entry that must answer it.\n';

/** The comment lines a YAML file starts with (kept when the console rewrites it). */
function headerOf(text: string | undefined): string {
  if (!text) return '';
  const lines = text.split('\n');
  const out: string[] = [];
  for (const l of lines) {
    if (l.startsWith('#') || (!l.trim() && out.length)) out.push(l);
    else break;
  }
  return out.length ? `${out.join('\n').trimEnd()}\n` : '';
}

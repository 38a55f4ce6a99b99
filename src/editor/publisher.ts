/**
 * Publishing an edit to the running bot, one at a time:
 *   1 validate   the knowledge with the changed files laid over it, exactly as `kb check` does
 *                (validate.ts) → 422 with every issue (file and field)
 *   2 build      the candidate search index; the live one keeps serving meanwhile (a failed build
 *                changes nothing)
 *   3 check      the regression check against the live base (regression.ts) → 409 with the report
 *                when it breaks something, unless the editor confirms; a danger break needs an admin
 *   4 write      each file atomically (content/writer.ts); a failed write leaves the old files and
 *                the old index serving
 *   5 commit     when knowledge/ is in a git work tree: one commit of those files, authored by the
 *                editor
 *   6 swap       search index and knowledge lookups together (the same swap as development reload)
 * `dryRun` stops after 3 (the console's "检查" button). Every publish is in the staff audit log.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ContentIssue } from '../content/errors';
import { GOLDEN_FILE, readGolden } from '../content/editorial';
import type { KnowledgeBase } from '../content/knowledge';
import { type KnowledgeContent, loadKnowledge } from '../content/loader';
import { type AtomicWriteHooks, writeFileAtomic } from '../content/writer';
import type { EmergencyRules } from '../dialogs';
import type { Logger } from '../logger';
import { analyzerFor, SearchEngine } from '../search/engine';
import type { StaffUser } from '../staff/users';
import type { KnowledgeGit } from './git';
import { type Baseline, baseline, type DangerItem, readDangerSets, regression, type RegressionReport, withOwners } from './regression';
import { checkContent, errorsIn } from './validate';

export interface PublisherDeps {
  knowledgeDir: string;
  dialogsDir: string;
  /** The bot's swappable search (src/index.ts SwappableSearch). */
  search: { engine: SearchEngine };
  kb: KnowledgeBase;
  emergencyRules: () => EmergencyRules;
  /** Danger sets for the check (default: <knowledge>/regression). */
  dangerDir?: string;
  git?: KnowledgeGit;
  audit: (actor: string, action: string, detail: string) => Promise<void>;
  logger: Logger;
  writeHooks?: AtomicWriteHooks;
}

export interface Change {
  /** Path relative to the knowledge folder → new text (null: delete the file). */
  files: Record<string, string | null>;
  actor: StaffUser;
  /** One line for the audit log and the commit. */
  message: string;
  /** Publish although the check found breaks (a danger break also needs the admin role). */
  confirm?: boolean;
  dryRun?: boolean;
}

export interface Timings {
  validateMs: number;
  buildMs: number;
  checkMs: number;
  writeMs: number;
  swapMs: number;
  totalMs: number;
}

export type Outcome =
  | { status: 422; issues: ContentIssue[]; warnings: ContentIssue[] }
  | { status: 409; report: RegressionReport; warnings: ContentIssue[] }
  | { status: 200; published: boolean; report: RegressionReport; warnings: ContentIssue[]; commit?: string; entries: number; contentHash: string; timings: Timings };

export class PublishError extends Error {
  constructor(
    readonly code: 'build-failed' | 'write-failed',
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'PublishError';
  }
}

export class KbPublisher {
  private queue: Promise<unknown> = Promise.resolve();
  /** What the live base answers, for the engine (hash) and the detector rules it was measured with. */
  private base?: Baseline & { owners: Set<string>; rules: EmergencyRules };
  private danger?: DangerItem[];
  private lastPublish?: { at: string; timings: Timings; by: string };

  constructor(private readonly deps: PublisherDeps) {
    this.gitRepo = deps.git;
  }

  get knowledgeDir(): string {
    return this.deps.knowledgeDir;
  }

  get live(): KnowledgeContent {
    return this.deps.kb.content;
  }

  /** The live search engine (what citizens are answered with now). */
  engine(): SearchEngine {
    return this.deps.search.engine;
  }

  get git(): KnowledgeGit | undefined {
    return this.gitRepo;
  }

  private gitRepo?: KnowledgeGit;
  /** Test seam: how files are written (a failing rename shows a crash mid-save loses nothing). */
  setWriteHooks(h: AtomicWriteHooks | undefined): void {
    this.deps.writeHooks = h;
  }
  useGit(g: KnowledgeGit | undefined): void {
    this.gitRepo = g;
  }

  get last() {
    return this.lastPublish;
  }

  private dangerSets(): DangerItem[] {
    this.danger ??= readDangerSets(this.deps.dangerDir ?? join(this.deps.knowledgeDir, 'regression'));
    return this.danger;
  }

  private async liveBaseline(): Promise<Baseline & { owners: Set<string> }> {
    const engine = this.deps.search.engine;
    const rules = this.deps.emergencyRules();
    // A baseline measured with other detector rules (the lexicon was reloaded) says nothing of these.
    if (this.base?.hash === engine.hash && this.base.rules === rules) return this.base;
    // The detector segments with the last analyser built: make it the live one's again.
    analyzerFor(this.live);
    const golden = readGolden(this.deps.knowledgeDir, []);
    const b = await baseline(engine, this.live, golden, this.dangerSets(), rules);
    this.base = { ...withOwners(b, this.live, golden), rules };
    return this.base;
  }

  /** Computes what the live base answers (first check is faster afterwards). */
  warm(): Promise<void> {
    return this.serial(async () => {
      await this.liveBaseline();
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  apply(change: Change): Promise<Outcome> {
    return this.serial(() => this.run(change));
  }

  private async run(change: Change): Promise<Outcome> {
    const t0 = performance.now();
    const overrides = new Map(Object.entries(change.files));
    const before = await this.liveBaseline();
    const tv = performance.now();
    const next = loadKnowledge(this.deps.knowledgeDir, overrides);
    const analyzer = analyzerFor(next);
    const issues = checkContent(next, this.deps.dialogsDir, overrides, analyzer);
    const warnings = issues.filter((i) => i.severity === 'warning' && Object.keys(change.files).includes(i.file));
    const errors = errorsIn(issues);
    if (errors.length) {
      analyzerFor(this.live);
      return { status: 422, issues: errors, warnings };
    }
    const tb = performance.now();
    let engine: SearchEngine;
    try {
      engine = SearchEngine.build(next, analyzer);
    } catch (err) {
      analyzerFor(this.live);
      this.deps.logger.error({ err }, 'editor: building the candidate index failed; the live index keeps serving');
      throw new PublishError('build-failed', 'building the new search index failed; nothing was changed', err);
    }
    const tc = performance.now();
    const golden = readGolden(this.deps.knowledgeDir, [], overrides.get(GOLDEN_FILE));
    const rules = this.deps.emergencyRules();
    const { report, next: nextBase } = await regression(before, engine, next, golden, this.dangerSets(), rules);
    const allowed = report.ok || (change.confirm && (!report.needsAdmin || change.actor.role === 'admin'));
    const tw = performance.now();
    if (!allowed || change.dryRun) {
      analyzerFor(this.live);
      if (!allowed) return { status: 409, report, warnings };
      return { status: 200, published: false, report, warnings, entries: engine.size, contentHash: engine.hash, timings: this.timings(t0, tv, tb, tc, tw, tw, tw) };
    }
    const paths: string[] = [];
    try {
      for (const [rel, text] of Object.entries(change.files)) {
        const abs = join(this.deps.knowledgeDir, rel);
        paths.push(abs);
        if (text === null) rmSync(abs, { force: true });
        else writeFileAtomic(abs, text, this.deps.writeHooks);
      }
    } catch (err) {
      analyzerFor(this.live);
      this.deps.logger.error({ err }, 'editor: writing failed; the live content keeps serving');
      throw new PublishError('write-failed', `saving failed (${(err as Error).message}); the files and the running bot are unchanged`, err);
    }
    let commit: string | undefined;
    if (this.gitRepo) {
      try {
        commit = await this.gitRepo.commit(paths, { name: change.actor.displayName || change.actor.username, email: `${change.actor.username}@staff.12348.local` }, change.message);
      } catch (err) {
        // The file is saved and about to serve; a commit can be made by hand. Say so loudly.
        this.deps.logger.error({ err }, 'editor: saved but the git commit failed');
      }
    }
    const ts = performance.now();
    this.deps.search.engine = engine;
    this.deps.kb.replace(next);
    this.base = { ...withOwners(nextBase, next, golden), rules };
    const te = performance.now();
    const timings = this.timings(t0, tv, tb, tc, tw, ts, te);
    this.lastPublish = { at: new Date().toISOString(), timings, by: change.actor.username };
    await this.deps.audit(change.actor.username, 'kb.publish', `${change.message}${commit ? ` (${commit.slice(0, 10)})` : ''}; ${report.breaks.length} breaks confirmed`);
    this.deps.logger.info({ by: change.actor.username, files: Object.keys(change.files), commit, ...timings }, 'editor: published; search index swapped');
    return { status: 200, published: true, report, warnings, commit, entries: engine.size, contentHash: engine.hash, timings };
  }

  private timings(t0: number, tv: number, tb: number, tc: number, tw: number, ts: number, te: number): Timings {
    const r = (x: number) => Math.round(x);
    return { validateMs: r(tb - tv), buildMs: r(tc - tb), checkMs: r(tw - tc), writeMs: r(ts - tw), swapMs: r(te - ts), totalMs: r(te - t0) };
  }
}

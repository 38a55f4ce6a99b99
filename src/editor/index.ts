/**
 * The content editors' side of the staff console: the JSON API at /staff/api/kb (api.ts) and the
 * pages at /staff/kb (pages.ts), over one publisher (publisher.ts) that validates, checks, writes,
 * commits and swaps the running bot's search and knowledge. src/index.ts mounts both route groups
 * before the staff console (whose API ends in a catch-all 404).
 */
import type { Router } from 'express';
import type { KnowledgeBase } from '../content/knowledge';
import type { FeedbackSink, LoadedFlows, UnansweredSink } from '../dialogs';
import type { Logger } from '../logger';
import type { SearchEngine } from '../search/engine';
import type { KnowledgeSearch } from '../search/types';
import type { CaseStore } from '../cases/store';
import type { StaffSessions } from '../staff/sessions';
import { createEditorApi } from './api';
import type { KnowledgeGit } from './git';
import { createEditorPages } from './pages';
import { KbPublisher } from './publisher';
import { createTryPane } from './try';
import type { AtomicWriteHooks } from '../content/writer';

export interface EditorDeps {
  knowledgeDir: string;
  dialogsDir: string;
  search: KnowledgeSearch & { engine: SearchEngine };
  kb: KnowledgeBase;
  flows: LoadedFlows;
  sessions: StaffSessions;
  cases: CaseStore;
  unanswered: UnansweredSink;
  feedback: FeedbackSink;
  logger: Logger;
  /** The knowledge folder's git repository (KnowledgeGit.open), if any. */
  git?: Promise<KnowledgeGit | undefined>;
  writeHooks?: AtomicWriteHooks;
}

export interface Editor {
  publisher: KbPublisher;
  routes: { mountPath: string; router: Router }[];
  ready: Promise<void>;
}

export function createEditor(deps: EditorDeps): Editor {
  const publisher = new KbPublisher({
    knowledgeDir: deps.knowledgeDir,
    dialogsDir: deps.dialogsDir,
    search: deps.search,
    kb: deps.kb,
    emergencyRules: () => deps.flows.emergency,
    audit: (actor, action, detail) => deps.cases.audit({ at: new Date().toISOString(), actor, action, detail }),
    logger: deps.logger,
    writeHooks: deps.writeHooks,
  });
  const ready = (deps.git ?? Promise.resolve(undefined)).then((g) => publisher.useGit(g));
  const tryQuestion = createTryPane({ search: deps.search, kb: deps.kb, flows: deps.flows });
  const api = createEditorApi({ sessions: deps.sessions, publisher, tryQuestion, unanswered: deps.unanswered, feedback: deps.feedback, logger: deps.logger });
  const pages = createEditorPages({ sessions: deps.sessions, publisher, unanswered: deps.unanswered, feedback: deps.feedback });
  return {
    publisher,
    ready,
    routes: [
      { mountPath: '/staff/api/kb', router: api },
      { mountPath: '/staff/kb', router: pages },
    ],
  };
}

/**
 * Assembles the staff side from the case database: accounts, sessions, the service, canned
 * replies and the console router. Used by src/index.ts and the tests, so both wire it alike.
 */
import type { SqlDb } from '../cases/db';
import type { Deliveries } from '../cases/delivery';
import type { CaseEvents } from '../cases/events';
import type { CaseStore } from '../cases/store';
import type { KnowledgeBase } from '../content/knowledge';
import type { Translator } from '../i18n/i18n';
import type { Logger } from '../logger';
import { type CannedReply, loadCanned } from './canned';
import { createStaffConsole, type StaffConsole } from './index';
import { StaffService } from './service';
import { StaffSessions } from './sessions';
import { StaffUsers } from './users';

export interface StaffDeskDeps {
  db: SqlDb;
  /** Accounts (default: over db). */
  users?: StaffUsers;
  cases: CaseStore;
  events: CaseEvents;
  deliveries: Deliveries;
  translator: Translator;
  logger: Logger;
  kb?: KnowledgeBase;
  cannedDir: string;
  cookieSecure: boolean;
  sessionHours: number;
  heartbeatMs?: number;
}

export interface StaffDesk {
  users: StaffUsers;
  sessions: StaffSessions;
  service: StaffService;
  console: StaffConsole;
  canned: () => CannedReply[];
}

export function createStaffDesk(deps: StaffDeskDeps): StaffDesk {
  const users = deps.users ?? new StaffUsers(deps.db);
  const sessions = new StaffSessions(deps.db, deps.sessionHours * 3600_000);
  const service = new StaffService({ cases: deps.cases, users, events: deps.events, deliveries: deps.deliveries, translator: deps.translator, logger: deps.logger });
  let replies: CannedReply[] = [];
  const reloadCanned = () => {
    const r = loadCanned(deps.cannedDir, deps.kb ? (t) => !!deps.kb!.topic(t) : undefined);
    for (const i of r.issues) deps.logger.warn({ file: i.file, field: i.field }, `canned reply skipped: ${i.message}`);
    replies = r.replies;
    return { replies: r.replies.length, issues: r.issues };
  };
  reloadCanned();
  const console = createStaffConsole({
    service,
    cases: deps.cases,
    users,
    sessions,
    events: deps.events,
    canned: () => replies,
    reloadCanned,
    logger: deps.logger,
    cookieSecure: deps.cookieSecure,
    sessionTtlSec: deps.sessionHours * 3600,
    heartbeatMs: deps.heartbeatMs,
    districts: deps.kb ? () => deps.kb!.districts.map((d) => ({ code: d.code, name: d.name })) : undefined,
    topics: deps.kb ? () => deps.kb!.topics.map((t) => ({ id: t.id, title: t.title })) : undefined,
  });
  return { users, sessions, service, console, canned: () => replies };
}

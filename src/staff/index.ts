/**
 * The staff console, mounted at /staff: the JSON API under /staff/api (api.ts) and the
 * server-rendered pages (pages.ts), sharing the session loaded from the cookie.
 */
import { Router } from 'express';
import type { CaseEvents } from '../cases/events';
import type { CaseStore } from '../cases/store';
import type { Logger } from '../logger';
import { createStaffApi } from './api';
import { LoginLimiter, loadSession } from './auth';
import type { CannedReply } from './canned';
import { createStaffPages } from './pages';
import type { StaffService } from './service';
import type { StaffSessions } from './sessions';
import type { StaffUsers } from './users';

export interface StaffConsoleDeps {
  service: StaffService;
  cases: CaseStore;
  users: StaffUsers;
  sessions: StaffSessions;
  events: CaseEvents;
  canned: () => CannedReply[];
  reloadCanned?: () => { replies: number; issues: { file: string; field: string; message: string }[] };
  logger: Logger;
  /** Secure cookies (on unless plain-HTTP development). */
  cookieSecure: boolean;
  sessionTtlSec: number;
  heartbeatMs?: number;
  /** District and topic choices for the queue's filters. */
  districts?: () => { code: string; name: string }[];
  topics?: () => { id: string; title: string }[];
}

export interface StaffConsole {
  mountPath: string;
  router: Router;
}

export function createStaffConsole(deps: StaffConsoleDeps): StaffConsole {
  const router = Router();
  const limiter = new LoginLimiter();
  router.use(loadSession(deps.sessions));
  router.use('/api', createStaffApi({ ...deps, limiter }));
  router.use(createStaffPages({ ...deps, limiter }));
  return { mountPath: '/staff', router };
}

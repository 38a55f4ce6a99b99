/**
 * The staff console, mounted at /staff: the JSON API under /staff/api (api.ts) and the
 * server-rendered pages (pages.ts), sharing the session loaded from the cookie.
 */
import { Router } from 'express';
import { createStaffApi, type StaffApiDeps } from './api';
import { LoginLimiter, loadSession } from './auth';
import { createStaffPages } from './pages';

/** What the console needs: the API's dependencies (it builds its limiter itself) plus the filters' choices. */
export interface StaffConsoleDeps extends Omit<StaffApiDeps, 'limiter'> {
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

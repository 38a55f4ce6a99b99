/**
 * How the console's JSON APIs (the staff API at /staff/api, the editors' at /staff/api/kb) end: a
 * 404 for any route they do not have, and every error as {error: {code, message}} with its status —
 * the typed errors (StaffError, AuthError, with Retry-After when a sign-in must wait), the API's
 * own typed errors (`known`), a malformed (400) or too large (413) body — and anything else logged
 * and answered 500 without its details.
 */
import type { ErrorRequestHandler, Router } from 'express';
import type { Logger } from '../logger';
import { AuthError } from './auth';
import { StaffError } from './service';

export interface ApiError {
  status: number;
  code: string;
  message: string;
}

const INTERNAL: ApiError = { status: 500, code: 'internal', message: 'internal error' };

/** The console's own typed errors, and the body parser's. */
function common(err: unknown): ApiError | undefined {
  if (err instanceof StaffError || err instanceof AuthError) return { status: err.status, code: err.code, message: err.message };
  const type = (err as { type?: unknown } | null | undefined)?.type;
  if (type === 'entity.parse.failed') return { status: 400, code: 'bad-json', message: 'malformed JSON body' };
  if (type === 'entity.too.large') return { status: 413, code: 'too-large', message: 'request body too large' };
  return undefined;
}

/** Adds the not-found route and the error handler; call it after the API's last route. */
export function endJsonApi(router: Router, name: string, logger: Logger, known: (err: unknown) => ApiError | undefined = () => undefined): void {
  router.use(() => {
    throw new StaffError(404, 'not-found', `no such ${name} route`);
  });
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    let e = common(err) ?? known(err);
    if (!e) {
      logger.error({ err, path: req.path }, `${name} failed`);
      e = INTERNAL;
    }
    if (err instanceof AuthError && err.retryAfterSec) res.set('Retry-After', String(err.retryAfterSec));
    if (res.headersSent) return;
    res.status(e.status).json({ error: { code: e.code, message: e.message } });
  };
  router.use(onError);
}

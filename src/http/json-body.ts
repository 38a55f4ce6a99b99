/**
 * The one JSON body parser for every endpoint that takes JSON (/api/messages, Direct Line).
 * On top of express.json's size limit it refuses, with a typed 400 before any handler runs:
 *   - bytes that are not valid UTF-8 (express.json would silently turn them into U+FFFD);
 *   - nesting deeper than `maxDepth` (a 5,000-level array parses fine but overflows the stack of
 *     every later JSON.stringify/structuredClone — in the log, the store, the reply);
 *   - more than `maxNodes` values in all (a flat million-element array is as bad as a deep one).
 * The depth walk is iterative, so checking a hostile body cannot itself overflow the stack.
 */
import express, { type RequestHandler } from 'express';

export class BodyRejectedError extends Error {
  readonly status = 400;
  constructor(
    /** Machine reason, also the `type` an error handler switches on. */
    readonly type: 'body.not.utf8' | 'body.too.deep' | 'body.too.many.values',
    message: string,
  ) {
    super(message);
    this.name = 'BodyRejectedError';
  }
}

export interface JsonLimits {
  /** express/bytes notation, e.g. "64kb". */
  limit: string;
  maxDepth: number;
  maxNodes: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { limit: '64kb', maxDepth: 32, maxNodes: 10_000 };

/** Throws BodyRejectedError when `value` nests deeper than maxDepth or holds more than maxNodes values. */
export function checkShape(value: unknown, maxDepth: number, maxNodes: number): void {
  const stack: [unknown, number][] = [[value, 1]];
  let nodes = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (++nodes > maxNodes) throw new BodyRejectedError('body.too.many.values', `the JSON body has more than ${maxNodes} values`);
    if (v === null || typeof v !== 'object') continue;
    if (depth > maxDepth) throw new BodyRejectedError('body.too.deep', `the JSON body nests deeper than ${maxDepth} levels`);
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function jsonBody(limits: Partial<JsonLimits> = {}, type: string[] = ['application/json', 'application/*+json']): RequestHandler {
  const l = { ...DEFAULT_JSON_LIMITS, ...limits };
  const parse = express.json({
    limit: l.limit,
    type,
    verify: (_req, _res, buf) => {
      try {
        utf8.decode(buf);
      } catch {
        throw new BodyRejectedError('body.not.utf8', 'the body is not valid UTF-8');
      }
    },
  });
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (err) {
        // body-parser passes our verify error on (keeping its 400) with the raw body attached:
        // drop it, so no error log can ever print what the caller sent.
        if (typeof err === 'object') delete (err as { body?: unknown }).body;
        return next(err);
      }
      try {
        if (req.body !== undefined) checkShape(req.body, l.maxDepth, l.maxNodes);
      } catch (e) {
        return next(e);
      }
      next();
    });
  };
}

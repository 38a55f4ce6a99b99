/**
 * How the console's pages and static files are sent, the same for the staff pages (pages.ts) and
 * the editors' (src/editor/pages.ts): every page with a strict CSP (scripts and styles from our
 * own files only, no inline script, no framing) and no caching; the scripts and styles read once
 * at start and served from memory by name (an unknown name, or a path, is a 404).
 */
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { RequestHandler, Response } from 'express';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const PAGE_HEADERS = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' };
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

export function sendPage(res: Response, status: number, html: string): void {
  res.status(status).type('text/html; charset=utf-8').set(PAGE_HEADERS).send(html);
}

/** GET /assets/:name over these files of `dir` (mount it with router.get('/assets/:name', …)). */
export function assetFiles(dir: string, names: string[]): RequestHandler {
  const files = new Map(
    names.map((n) => {
      const type = TYPES[extname(n)];
      if (!type) throw new Error(`no content type for ${n}`);
      return [n, { type, body: readFileSync(join(dir, n), 'utf8') }];
    }),
  );
  return (req, res) => {
    const a = files.get(String(req.params.name));
    if (!a) {
      res.status(404).type('text/plain').send('not found');
      return;
    }
    res.type(a.type).set({ 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' }).send(a.body);
  };
}

/**
 * The whole wired application (src/index.ts buildRuntime) with a fresh case database — a SQLite
 * file in a temporary folder, or a fresh PostgreSQL schema — listening on 127.0.0.1, plus small
 * clients: a citizen in web chat (Direct Line over HTTP) and a staff member (the JSON API with
 * the session cookie and CSRF token). Staffed hours default to always open.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import { buildRuntime } from '../../src/index';
import { createLogger } from '../../src/logger';
import type { Role } from '../../src/staff/users';
import { PG_URL } from '../cases/databases';

export type Runtime = ReturnType<typeof buildRuntime>;

export interface Desk {
  rt: Runtime;
  dir: string;
  url: string;
  server: Server;
  addUser(username: string, role?: Role, displayName?: string): Promise<{ username: string; password: string }>;
  close(): Promise<void>;
}

export interface DeskOptions {
  env?: Record<string, string>;
  postgres?: boolean;
  /** Reuse this folder (and its case database): a restart. Kept by close(). */
  dir?: string;
  /** With postgres: use this schema (a restart); kept by close(). */
  schema?: string;
}

export async function startDesk(o: DeskOptions = {}): Promise<Desk> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'desk-'));
  const schema = o.postgres ? (o.schema ?? `desk_test_${process.pid}_${randomBytes(4).toString('hex')}`) : undefined;
  const config = loadConfig({
    SEARCH_INDEX_FILE: join(dir, 'index.json'),
    CASES_DB: join(dir, 'cases.db'),
    STAFF_HOURS: '1-7 00:00-24:00',
    RATE_LIMITS: 'off',
    ...(schema ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } : {}),
    ...o.env,
  });
  const rt = buildRuntime(config, createLogger('silent'));
  await rt.caseDb.ready;
  const server = rt.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  rt.directLine.attach(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    rt,
    dir,
    url,
    server,
    async addUser(username, role = 'staff', displayName) {
      const password = `pw-${randomBytes(8).toString('hex')}`;
      await rt.staff.users.add({ username, role, password, displayName });
      return { username, password };
    },
    async close() {
      await Promise.all(rt.channels.map((c) => c.close?.()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await rt.caseDb.db.close();
      if (!o.dir) rmSync(dir, { recursive: true, force: true });
      if (schema && !o.schema) {
        const c = new Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    },
  };
}

/** A staff member on the JSON API: keeps the session cookie, sends the CSRF token. */
export class StaffClient {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}

  async login(username: string, password: string): Promise<Response> {
    const r = await fetch(`${this.base}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (r.ok) {
      this.cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
      this.csrf = ((await r.clone().json()) as { csrfToken: string }).csrfToken;
    }
    return r;
  }

  get(path: string): Promise<Response> {
    return fetch(`${this.base}/staff/api${path}`, { headers: { cookie: this.cookie } });
  }

  post(path: string, body: unknown = {}, opts: { csrf?: string | null } = {}): Promise<Response> {
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    return fetch(`${this.base}/staff/api${path}`, {
      method: 'POST',
      headers: { cookie: this.cookie, 'content-type': 'application/json', ...(csrf === null ? {} : { 'x-csrf-token': csrf }) },
      body: JSON.stringify(body),
    });
  }

  async json<T = any>(r: Promise<Response> | Response, status = 200): Promise<T> {
    const res = await r;
    const text = await res.text();
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }
}

/** A citizen in web chat, over Direct Line's HTTP endpoints (polling). */
export class Citizen {
  token = '';
  conversationId = '';
  watermark = '';
  received: { text: string; from: string; type: string; name?: string }[] = [];
  constructor(readonly base: string) {}


  async open(issue: () => { token: string; conversationId: string }): Promise<void> {
    const t = issue();
    this.token = t.token;
    this.conversationId = t.conversationId;
    const r = await fetch(`${this.base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${this.token}` } });
    if (!r.ok) throw new Error(`start failed ${r.status}`);
    await this.poll();
  }

  async say(text: string): Promise<void> {
    const r = await fetch(`${this.base}/v3/directline/conversations/${this.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text, from: { id: 'ignored' }, locale: 'zh-CN' }),
    });
    if (!r.ok) throw new Error(`post failed ${r.status}: ${await r.text()}`);
  }

  /** New bot/staff messages since the last poll. */
  async poll(): Promise<string[]> {
    const r = await fetch(`${this.base}/v3/directline/conversations/${this.conversationId}/activities?watermark=${this.watermark}`, { headers: { authorization: `Bearer ${this.token}` } });
    const page = (await r.json()) as { activities: { type: string; text?: string; name?: string; from?: { role?: string } }[]; watermark: string };
    this.watermark = page.watermark;
    const fresh = page.activities.filter((a) => a.from?.role !== 'user');
    for (const a of fresh) this.received.push({ text: a.text ?? '', from: a.from?.role ?? '', type: a.type, name: a.name });
    return fresh.filter((a) => a.type === 'message').map((a) => a.text ?? '');
  }

  /** Says `text` and returns the messages that came back. */
  async ask(text: string): Promise<string[]> {
    await this.say(text);
    return this.poll();
  }

  /** Polls until a message matches. */
  async waitFor(re: RegExp, ms = 5000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const hit = this.received.find((m) => m.type === 'message' && re.test(m.text));
      if (hit) return hit.text;
      if (Date.now() > end) throw new Error(`citizen never saw ${re}; got: ${this.received.map((m) => m.text).join(' | ')}`);
      await this.poll();
      await new Promise((r) => setTimeout(r, 30));
    }
  }
}

/** The handoff flow in web chat: a question, "转人工", yes, district, phone, one line. */
export async function askForPerson(desk: Desk, o: { question?: string; district?: string; phone?: string; line?: string } = {}): Promise<Citizen> {
  const c = new Citizen(desk.url);
  await c.open(() => desk.rt.directLine.issueToken());
  await c.ask(o.question ?? '老板欠我三个月工资怎么办');
  await c.ask('转人工');
  await c.ask('是');
  await c.ask(o.district ?? '鼓楼区');
  await c.ask(o.phone ?? '跳过');
  await c.ask(o.line ?? '工地老板欠我三个月工资3万元');
  await c.waitFor(/排在第/);
  return c;
}

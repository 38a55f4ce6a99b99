/**
 * The wired application over a copy of the knowledge folder in a temporary git repository (the
 * project's own knowledge/ is never written by tests), with an editor, a staff member and an admin,
 * and a JSON client that also PUTs.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KNOWLEDGE_DIR } from '../helpers';
import { type Desk, StaffClient, startDesk } from '../staff/runtime';

export class EditorClient extends StaffClient {
  put(path: string, body: unknown, opts: { csrf?: string | null } = {}): Promise<Response> {
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    return fetch(`${this.base}/staff/api${path}`, {
      method: 'PUT',
      headers: { cookie: this.cookie, 'content-type': 'application/json', ...(csrf === null ? {} : { 'x-csrf-token': csrf }) },
      body: JSON.stringify(body),
    });
  }
}

export interface EditorDesk {
  desk: Desk;
  knowledgeDir: string;
  editor: EditorClient;
  staff: EditorClient;
  admin: EditorClient;
  anonymous: EditorClient;
  accounts: Record<'editor' | 'staff' | 'admin', { username: string; password: string }>;
  close(): Promise<void>;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });

export async function startEditorDesk(o: { git?: boolean } = {}): Promise<EditorDesk> {
  const root = mkdtempSync(join(tmpdir(), 'kb-editor-'));
  const knowledgeDir = join(root, 'knowledge');
  cpSync(KNOWLEDGE_DIR, knowledgeDir, { recursive: true });
  if (o.git !== false) {
    git(root, 'init', '-q');
    git(root, 'add', '--', 'knowledge');
    git(root, '-c', 'user.name=seed', '-c', 'user.email=seed@example.invalid', 'commit', '-q', '-m', 'seed');
  }
  const desk = await startDesk({ env: { KNOWLEDGE_DIR: knowledgeDir, CANNED_DIR: join(knowledgeDir, 'canned') } });
  await desk.rt.editor.ready;
  const accounts = {
    editor: await desk.addUser('wang.editor', 'editor', '王编辑'),
    staff: await desk.addUser('li.staff', 'staff', '李坐席'),
    admin: await desk.addUser('zhao.admin', 'admin', '赵管理'),
  };
  const clients = { editor: new EditorClient(desk.url), staff: new EditorClient(desk.url), admin: new EditorClient(desk.url) };
  for (const k of ['editor', 'staff', 'admin'] as const) {
    const r = await clients[k].login(accounts[k].username, accounts[k].password);
    if (!r.ok) throw new Error(`login ${k} failed: ${r.status}`);
  }
  return {
    desk,
    knowledgeDir,
    ...clients,
    anonymous: new EditorClient(desk.url),
    accounts,
    async close() {
      await desk.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export { git };

/**
 * Git for the knowledge folder, when it is inside a git work tree: each published save is a commit
 * of exactly the files it changed, authored by the editor; per-file history; a file's text at a
 * commit (for one-click revert, which is then saved like any edit).
 * Runs `git` with an argument array (execFile, never a shell), in the work tree's top folder;
 * `git commit --only -- <files>` leaves anything else staged in the tree alone.
 * Contract: every method rejects with a GitError carrying the git arguments and its stderr.
 */
import { execFile } from 'node:child_process';
import { relative, sep } from 'node:path';

export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed: ${stderr.trim().split('\n')[0] ?? ''}`);
    this.name = 'GitError';
  }
}

export interface Commit {
  commit: string;
  author: string;
  email: string;
  date: string;
  message: string;
}

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((ok, fail) => {
    execFile('git', args, { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (err, stdout, stderr) => {
      if (err) fail(new GitError(args, String(stderr || err.message)));
      else ok(String(stdout));
    });
  });
}

export class KnowledgeGit {
  private constructor(readonly top: string) {}

  /** The repository holding `dir`, or undefined when it is not in a git work tree (or git is missing). */
  static async open(dir: string): Promise<KnowledgeGit | undefined> {
    try {
      if ((await git(dir, ['rev-parse', '--is-inside-work-tree'])).trim() !== 'true') return undefined;
      return new KnowledgeGit((await git(dir, ['rev-parse', '--show-toplevel'])).trim());
    } catch {
      return undefined;
    }
  }

  private rel(abs: string): string {
    return relative(this.top, abs).split(sep).join('/');
  }

  /** Commits the files (added, changed or deleted) as the editor; undefined when nothing changed. */
  async commit(files: string[], author: { name: string; email: string }, message: string): Promise<string | undefined> {
    const paths = files.map((f) => this.rel(f));
    await git(this.top, ['add', '--all', '--', ...paths]);
    const staged = (await git(this.top, ['diff', '--cached', '--name-only', '--', ...paths])).trim();
    if (!staged) return undefined;
    await git(this.top, [
      '-c', `user.name=${author.name}`,
      '-c', `user.email=${author.email}`,
      'commit', '--quiet', '--no-verify', '--author', `${author.name} <${author.email}>`, '-m', message, '--only', '--', ...paths,
    ]);
    return (await git(this.top, ['rev-parse', 'HEAD'])).trim();
  }

  /** Newest first: the commits that changed the file. */
  async history(file: string, limit = 50): Promise<Commit[]> {
    const out = await git(this.top, ['log', `-n${limit}`, '--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s', '--', this.rel(file)]);
    return out
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [commit, author, email, date, message] = l.split('\x1f');
        return { commit: commit!, author: author!, email: email!, date: date!, message: message ?? '' };
      });
  }

  /** The file's text at a commit (undefined when the file did not exist there). */
  async show(commit: string, file: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{7,40}$/.test(commit)) throw new GitError(['show', commit], 'not a commit id');
    try {
      return await git(this.top, ['show', `${commit}:${this.rel(file)}`]);
    } catch (e) {
      if (e instanceof GitError && /does not exist|exists on disk, but not in/.test(e.stderr)) return undefined;
      throw e;
    }
  }
}

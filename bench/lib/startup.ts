/**
 * Start-up to ready: spawn the real server (src/index.ts) on a free loopback port, poll GET /healthz
 * every 10 ms, and report the milliseconds from spawn to the first 200, plus what the server itself
 * logged (index source prebuilt/rebuilt and its own readyMs from start() to listen).
 * The server is stopped by its process group id after each run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';
import { createServer } from 'node:net';

export interface StartupRun {
  /** Spawn → first 200 from /healthz (ms); NaN when it never became ready. */
  readyMs: number;
  /** "prebuilt" or "rebuilt", from the server's "search index ready" log line. */
  source?: string;
  /** The server's own measure: start() to listening (content + index + app). */
  appReadyMs?: number;
  error?: string;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

function healthz(port: number): Promise<number> {
  return new Promise((res) => {
    const req = get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (r) => {
      r.resume();
      res(r.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => res(0));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const kill = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      /* already gone */
    }
  };
  kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  if (!done) {
    kill('SIGKILL');
    await exited;
  }
}

/**
 * One start: `command args` in `cwd` with `env` added (PORT and HOST are set here).
 * Gives up after `timeoutMs`.
 */
export async function startOnce(command: string, args: string[], cwd: string, env: Record<string, string>, timeoutMs = 30_000): Promise<StartupRun> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const run: StartupRun = { readyMs: Number.NaN };
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    for (const line of out.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const j = JSON.parse(line) as { msg?: string; source?: string; readyMs?: number };
        if (j.msg === 'search index ready') run.source = j.source;
        if (typeof j.readyMs === 'number') run.appReadyMs = j.readyMs;
      } catch {
        /* partial line */
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString('utf8')).slice(-2000);
  });
  const deadline = t0 + timeoutMs;
  try {
    while (performance.now() < deadline) {
      if (child.exitCode !== null) {
        run.error = `server exited with code ${child.exitCode}: ${err.trim().split('\n').slice(-3).join(' | ')}`;
        break;
      }
      if ((await healthz(port)) === 200) {
        run.readyMs = performance.now() - t0;
        break;
      }
      await sleep(10);
    }
    if (Number.isNaN(run.readyMs) && !run.error) run.error = `not ready within ${timeoutMs} ms`;
    // Give the log line with readyMs a moment to arrive (it is written right after listen()).
    for (let i = 0; i < 50 && run.appReadyMs === undefined && !run.error; i++) await sleep(10);
  } finally {
    await stop(child);
  }
  return run;
}

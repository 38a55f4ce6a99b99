/**
 * Client for the WeChat server API (customer-service messages, menu) against a configurable base
 * URL, so tests and staging point it at a local fake platform.
 *
 * access_token: fetched from {apiBase}/cgi-bin/token, cached, refreshed `refreshEarlyMs` before it
 * expires, fetched once for any number of concurrent callers, and dropped and fetched again when
 * an API call says it is invalid or expired (40001/40014/42001; another process may have
 * refreshed it). Transient failures (network, HTTP 5xx, errcode -1) are retried with exponential
 * backoff, a bounded number of times. Nothing here loops without a bound.
 */
import type { Logger } from 'pino';
import { ERR, WeChatApiError } from './errors';

export interface WeChatApiOptions {
  apiBase: string;
  appId: string;
  appSecret: string;
  logger: Logger;
  clock?: () => number;
  fetch?: typeof fetch;
  /** Retries after the first try for transient failures. */
  retries?: number;
  /** First backoff; doubles each retry (with up to 25 % jitter). */
  backoffMs?: number;
  requestTimeoutMs?: number;
  /** Refresh the token this long before WeChat says it expires. */
  refreshEarlyMs?: number;
}

interface ApiAnswer {
  errcode?: number;
  errmsg?: string;
  [k: string]: unknown;
}

const TOKEN_ERRORS = new Set<number>([ERR.INVALID_CREDENTIAL, ERR.INVALID_ACCESS_TOKEN, ERR.ACCESS_TOKEN_EXPIRED]);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

export class WeChatApi {
  private token?: { value: string; refreshAt: number };
  private inflight?: Promise<string>;
  private readonly base: string;
  private readonly now: () => number;
  private readonly doFetch: typeof fetch;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  private readonly refreshEarlyMs: number;
  /** Counts for health and tests. */
  readonly stats = { tokenFetches: 0, calls: 0, retries: 0 };

  constructor(private readonly opts: WeChatApiOptions) {
    this.base = opts.apiBase.replace(/\/+$/, '');
    this.now = opts.clock ?? Date.now;
    this.doFetch = opts.fetch ?? fetch;
    this.retries = opts.retries ?? 3;
    this.backoffMs = opts.backoffMs ?? 300;
    this.timeoutMs = opts.requestTimeoutMs ?? 5000;
    this.refreshEarlyMs = opts.refreshEarlyMs ?? 5 * 60_000;
  }

  /** A valid access_token, from the cache when it is still fresh. */
  async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.refreshAt) return this.token.value;
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Forget `token` (only if it is still the cached one: a concurrent refresh may have replaced it). */
  invalidate(token: string): void {
    if (this.token?.value === token) this.token = undefined;
  }

  private async fetchToken(): Promise<string> {
    const url =
      `${this.base}/cgi-bin/token?grant_type=client_credential` +
      `&appid=${encodeURIComponent(this.opts.appId)}&secret=${encodeURIComponent(this.opts.appSecret)}`;
    const answer = await this.withRetries('cgi-bin/token', () => this.request('cgi-bin/token', url, undefined));
    const value = answer.access_token;
    const expiresIn = Number(answer.expires_in ?? 7200);
    if (typeof value !== 'string' || !value) throw new WeChatApiError('cgi-bin/token', undefined, 'no access_token in the answer');
    this.stats.tokenFetches++;
    const lifetimeMs = Math.max(expiresIn * 1000 - this.refreshEarlyMs, Math.min(expiresIn * 1000, 60_000) / 2);
    this.token = { value, refreshAt: this.now() + lifetimeMs };
    return value;
  }

  /**
   * POSTs `body` as JSON to {apiBase}/{path}?access_token=…; returns WeChat's answer when errcode is
   * 0 or absent. Token errors → one refresh and retry; transient → backoff and retry; others throw.
   */
  async post(path: string, body: unknown): Promise<ApiAnswer> {
    let refreshed = false;
    for (;;) {
      const token = await this.accessToken();
      const url = `${this.base}/${path}?access_token=${encodeURIComponent(token)}`;
      try {
        return await this.withRetries(path, () => this.request(path, url, body));
      } catch (err) {
        if (err instanceof WeChatApiError && err.errcode !== undefined && TOKEN_ERRORS.has(err.errcode) && !refreshed) {
          refreshed = true;
          this.invalidate(token);
          this.opts.logger.info({ api: path, errcode: err.errcode }, 'wechat access_token rejected; fetching a new one');
          continue;
        }
        throw err;
      }
    }
  }

  private async withRetries(api: string, call: () => Promise<ApiAnswer>): Promise<ApiAnswer> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (!(err instanceof WeChatApiError) || !err.transient || attempt >= this.retries) throw err;
        this.stats.retries++;
        const delay = this.backoffMs * 2 ** attempt * (1 + Math.random() * 0.25);
        this.opts.logger.warn({ api, errcode: err.errcode, http: err.httpStatus, attempt: attempt + 1, delayMs: Math.round(delay) }, 'wechat api call failed; retrying');
        await sleep(delay);
      }
    }
  }

  private async request(api: string, url: string, body: unknown): Promise<ApiAnswer> {
    this.stats.calls++;
    let res: Response;
    try {
      res = await this.doFetch(url, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new WeChatApiError(api, undefined, `request failed: ${(err as Error).message}`);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new WeChatApiError(api, undefined, `HTTP ${res.status}`, res.status);
    }
    let answer: ApiAnswer;
    try {
      answer = (await res.json()) as ApiAnswer;
    } catch {
      throw new WeChatApiError(api, undefined, 'answer is not JSON', 502);
    }
    if (!answer || typeof answer !== 'object') throw new WeChatApiError(api, undefined, 'answer is not an object', 502);
    if (typeof answer.errcode === 'number' && answer.errcode !== 0) {
      throw new WeChatApiError(api, answer.errcode, `errcode ${answer.errcode}: ${String(answer.errmsg ?? '')}`.slice(0, 300));
    }
    return answer;
  }
}

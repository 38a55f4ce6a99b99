/**
 * Typed WeChat errors. A rejected request carries the HTTP status it is answered with and a short
 * machine reason for the log; an API failure carries WeChat's errcode so callers can decide between
 * retrying, splitting, deferring and giving up.
 */

/** Why an incoming request was refused; `status` is the HTTP answer, `reason` goes to the log. */
export class WeChatRequestError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 413 | 415,
    readonly reason: string,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'WeChatRequestError';
  }
}

/** Safe-mode payload that does not decrypt, or decrypts to another account's AppID. */
export class WeChatCryptoError extends Error {
  constructor(
    readonly reason: 'bad-base64' | 'bad-length' | 'bad-padding' | 'bad-frame' | 'appid-mismatch',
    message: string,
  ) {
    super(message);
    this.name = 'WeChatCryptoError';
  }
}

/** An error answer ({errcode, errmsg}) or transport failure from the WeChat server API. */
export class WeChatApiError extends Error {
  constructor(
    readonly api: string,
    /** WeChat errcode; -1 is "system busy"; undefined for transport/HTTP failures. */
    readonly errcode: number | undefined,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(`${api}: ${message}`);
    this.name = 'WeChatApiError';
  }

  /** Worth trying again later: network, HTTP 5xx, or WeChat's "system busy". */
  get transient(): boolean {
    return this.errcode === undefined ? this.httpStatus === undefined || this.httpStatus >= 500 : this.errcode === -1;
  }
}

/** The menu file breaks WeChat's rules; every problem is listed at once. */
export class MenuFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`menu file ${file} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'MenuFileError';
  }
}

/** WeChat error codes the channel reacts to. */
export const ERR = {
  SYSTEM_BUSY: -1,
  INVALID_CREDENTIAL: 40001,
  INVALID_ACCESS_TOKEN: 40014,
  ACCESS_TOKEN_EXPIRED: 42001,
  CONTENT_TOO_LONG: 45002,
  OUT_OF_RESPONSE_WINDOW: 45015,
  OUT_OF_QUOTA: 45047,
} as const;

/**
 * The one error type of the Direct Line endpoint. Each carries the HTTP status and the Direct Line
 * error code the client sees (`{"error": {"code", "message"}}`, the shape Azure's service uses), plus
 * context for the log that never goes to the client.
 *
 * Status choices follow what botframework-directlinejs does with them: 403 means "token expired or
 * not yours" (the client stops and waits for a new token), 404 means "conversation ended", other
 * 4xx are unrecoverable for that request, 5xx are retried.
 */
export type DirectLineErrorCode =
  | 'BadArgument'
  | 'MissingProperty'
  | 'Unauthorized'
  | 'TokenExpired'
  | 'Forbidden'
  | 'NotFound'
  | 'BodyTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'BotError'
  | 'ServiceError';

export class DirectLineError extends Error {
  constructor(
    readonly status: number,
    readonly code: DirectLineErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DirectLineError';
  }

  toBody(): { error: { code: DirectLineErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

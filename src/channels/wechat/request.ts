/**
 * The way in: from an HTTP request on /wechat to one authenticated, decrypted, parsed WeChat
 * message — or a WeChatRequestError saying why not, and the answer a refusal gets.
 *
 * Contract of read(req), in this order (each step refuses before the next one costs anything):
 *   1. Content-Type must be XML (415); a declared Content-Length over maxBodyBytes is 413 — the one
 *      length check before the body; while reading, the running size is checked against the same
 *      bound (a missing or lying header), and a body slower than bodyTimeoutMs is 400.
 *   2. authenticate(): signature over sorted token/timestamp/nonce, timestamp within
 *      maxClockSkewSec (401, before the body is read).
 *   3. UTF-8 (400), XML without DTD/entities (400, see xml.ts), then the message mode: "safe"
 *      accepts only an Encrypt element (a plaintext body, even with encrypt_type=aes, is 401);
 *      "compatible" opens the encrypted copy when present and reads plaintext otherwise; "plain"
 *      has no key. An Encrypt needs a valid msg_signature (401) and must decrypt for our AppID
 *      (401) or at all (400), with the current or the previous EncodingAESKey.
 *   4. The signed URL carries one message: its timestamp+nonce is remembered for the clock-skew
 *      window with the hash of the message it brought (after decryption, so a retry re-encrypted
 *      with a fresh random prefix is still the same message). The same URL with another message is
 *      a replay (401); the same message again is WeChat's retry and passes (de-duplication is the
 *      caller's, see dedupe.ts).
 * refuse(req, res, err) answers what read() or a later step threw: the status and the logged
 * reason; a 401 counts against the caller's IP when rate limits are given (a forger gets 429
 * instead of unlimited signature checks); a refused body closes the connection.
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { ipOf, RateLimitedError, type RateLimits } from '../../http/rate-limits';
import type { ExpiringStore } from '../../state/expiring';
import { sha1Signature, signatureMatches, type WeChatCipher } from './crypto';
import { WeChatCryptoError, WeChatRequestError } from './errors';
import { type InboundMessage, toInboundMessage } from './messages';
import { field, parseWeChatXml, type XmlRecord } from './xml';

export type MessageMode = 'plain' | 'compatible' | 'safe';

export interface RequestAuth {
  timestamp: string;
  nonce: string;
}

export interface ParsedRequest {
  message: InboundMessage;
  /** The request was encrypted (safe or compatible mode): so is the reply. */
  encrypted: boolean;
}

export interface RequestReaderOptions {
  /** WECHAT_TOKEN: the shared secret of the signatures. */
  token: string;
  /** Present exactly when the mode is not "plain". */
  cipher?: WeChatCipher;
  messageMode: MessageMode;
  /** Signed URLs already used (timestamp:nonce → message hash). */
  nonces: ExpiringStore;
  maxClockSkewSec: number;
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  /** Milliseconds since the epoch. */
  now: () => number;
  log: Logger;
  limits?: RateLimits;
}

const XML_TYPES = /^(text\/xml|application\/xml|text\/plain|application\/[a-z0-9.+-]+\+xml)\s*(;|$)/i;

/** A query parameter given once as a string (repeated or absent: undefined). */
export function query(req: Request, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

function decodeUtf8(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new WeChatRequestError(400, 'bad-encoding', 'body is not valid UTF-8');
  }
}

export class RequestReader {
  constructor(private readonly o: RequestReaderOptions) {}

  /** Signature and freshness of the signed URL (GET verification and every POST). */
  authenticate(req: Request): RequestAuth {
    const signature = query(req, 'signature');
    const timestamp = query(req, 'timestamp') ?? '';
    const nonce = query(req, 'nonce') ?? '';
    if (!/^\d{1,12}$/.test(timestamp) || !nonce || nonce.length > 64 || !signature) {
      throw new WeChatRequestError(401, 'missing-signature', 'signature, timestamp and nonce are required');
    }
    if (!signatureMatches(sha1Signature([this.o.token, timestamp, nonce]), signature)) {
      throw new WeChatRequestError(401, 'bad-signature', 'signature does not match');
    }
    const skew = Math.abs(Math.floor(this.o.now() / 1000) - Number(timestamp));
    if (skew > this.o.maxClockSkewSec) {
      throw new WeChatRequestError(401, 'stale', 'timestamp too far from the current time', { skewSec: skew });
    }
    return { timestamp, nonce };
  }

  /** The message a POST carries (steps 1–4 of the contract). */
  async read(req: Request): Promise<ParsedRequest> {
    const ctype = req.headers['content-type'];
    if (ctype !== undefined && !XML_TYPES.test(ctype)) {
      throw new WeChatRequestError(415, 'content-type', 'body must be XML (text/xml)', { contentType: ctype.slice(0, 80) });
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.o.maxBodyBytes) {
      throw new WeChatRequestError(413, 'too-large', 'request body too large', { bytes: declared });
    }
    const auth = this.authenticate(req);
    const parsed = this.parse(req, auth, decodeUtf8(await this.readBody(req)));
    await this.checkNonce(auth, parsed.message);
    return parsed;
  }

  /** Answers a refused or failed request (see the contract); never throws. */
  async refuse(req: Request, res: Response, err: unknown): Promise<void> {
    const { log, limits } = this.o;
    if (err instanceof WeChatRequestError && err.status === 401 && limits) {
      try {
        await limits.check('wechatRefusedPerIp', ipOf(req));
      } catch (e) {
        err = e;
      }
    }
    if (err instanceof RateLimitedError) {
      log.warn({ status: 429, limit: err.limit, ip: req.ip }, 'wechat request rate limited');
      if (res.headersSent) return;
      res.setHeader('Retry-After', String(err.retryAfterSec));
      res.status(429).type('text/plain').send(err.message);
      return;
    }
    if (err instanceof WeChatRequestError) {
      const level = err.status === 401 ? 'warn' : 'info';
      log[level]({ status: err.status, reason: err.reason, ip: req.ip, ...err.context }, `wechat request refused: ${err.message}`);
      if (res.headersSent) return;
      // The rest of the body was not read: close the connection rather than wait for it.
      if (err.status === 413 || err.reason.startsWith('body-')) res.setHeader('Connection', 'close');
      res.status(err.status).type('text/plain').send(err.message);
      return;
    }
    log.error({ err }, 'wechat request failed');
    if (!res.headersSent) res.status(500).type('text/plain').send('internal error');
  }

  private readBody(req: Request): Promise<Buffer> {
    if (Buffer.isBuffer(req.body)) return Promise.resolve(req.body);
    const { maxBodyBytes, bodyTimeoutMs } = this.o;
    return new Promise<Buffer>((resolveBody, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = (err?: Error): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.off('data', onData).off('end', onEnd).off('error', onError);
        if (err) {
          req.resume(); // discard the rest instead of buffering it
          reject(err);
        } else resolveBody(Buffer.concat(chunks, size));
      };
      const onData = (c: Buffer): void => {
        size += c.length;
        if (size > maxBodyBytes) finish(new WeChatRequestError(413, 'too-large', 'request body too large'));
        else chunks.push(c);
      };
      const onEnd = (): void => finish();
      const onError = (e: Error): void => finish(new WeChatRequestError(400, 'body-error', `body could not be read: ${e.message}`));
      const timer = setTimeout(() => finish(new WeChatRequestError(400, 'body-timeout', 'request body took too long')), bodyTimeoutMs);
      req.on('data', onData).on('end', onEnd).on('error', onError);
    });
  }

  private parse(req: Request, auth: RequestAuth, body: string): ParsedRequest {
    const { cipher, messageMode, token, log } = this.o;
    const outer = parseWeChatXml(body);
    const encrypt = field(outer, 'Encrypt').trim();
    const wantsAes = query(req, 'encrypt_type')?.toLowerCase() === 'aes';
    let inner: XmlRecord = outer;
    let encrypted = false;
    if (messageMode === 'safe' && !encrypt) {
      throw new WeChatRequestError(401, 'not-encrypted', 'this account is in safe mode: only encrypted messages are accepted');
    }
    if (encrypt && cipher && messageMode !== 'plain') {
      const msgSignature = query(req, 'msg_signature');
      if (!signatureMatches(sha1Signature([token, auth.timestamp, auth.nonce, encrypt]), msgSignature)) {
        throw new WeChatRequestError(401, 'bad-msg-signature', 'msg_signature does not match');
      }
      let decrypted: { message: string; keyIndex: number };
      try {
        decrypted = cipher.decrypt(encrypt);
      } catch (err) {
        if (err instanceof WeChatCryptoError) {
          throw new WeChatRequestError(err.reason === 'appid-mismatch' ? 401 : 400, `decrypt-${err.reason}`, 'Encrypt could not be decrypted for this account');
        }
        throw err;
      }
      if (decrypted.keyIndex > 0) log.info('wechat message decrypted with the previous EncodingAESKey');
      inner = parseWeChatXml(decrypted.message);
      encrypted = true;
    } else if ((encrypt || wantsAes) && !field(outer, 'MsgType')) {
      // Safe mode without a key configured, or an Encrypt we cannot open: nothing usable.
      throw new WeChatRequestError(400, 'no-key', 'encrypted message but no EncodingAESKey is configured');
    }
    return { message: toInboundMessage(inner), encrypted };
  }

  /** One message per signed URL within the timestamp window; the same message again is a retry. */
  private async checkNonce(auth: RequestAuth, m: InboundMessage): Promise<void> {
    const key = `${auth.timestamp}:${auth.nonce}`;
    const hash = createHash('sha256').update(JSON.stringify(m)).digest('base64url');
    const ttlMs = (this.o.maxClockSkewSec * 2 + 5) * 1000;
    if (await this.o.nonces.putIfAbsent(key, hash, ttlMs)) return;
    if ((await this.o.nonces.get(key)) !== hash) throw new WeChatRequestError(401, 'replayed-nonce', 'this signed URL was already used for another message');
  }
}

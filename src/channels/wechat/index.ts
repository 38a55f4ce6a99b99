/**
 * The WeChat Official Account (公众号) channel, mounted at /wechat:
 *   GET  /wechat        URL verification (signature over sorted token/timestamp/nonce → echostr)
 *   POST /wechat        messages and events (plaintext, compatible or safe mode)
 *   GET  /wechat/a/:id  the full text of an answer too long for chat messages
 *
 * Contract: every POST is authenticated (signature, and msg_signature in safe mode) and fresh
 * (timestamp within `maxClockSkewSec`) before its body is read; forged or stale → 401, logged.
 * Message mode (`messageMode`): "safe" accepts only encrypted bodies (a plaintext body, even with
 * encrypt_type=aes, is 401), "compatible" reads the encrypted copy when present and plaintext
 * otherwise, "plain" has no key. A signed URL (timestamp + nonce) is good for one body: the nonce
 * is remembered for the timestamp window with the hash of the message it carried, so the same URL
 * with another message is a replay (401); the same message again is WeChat's retry and goes to
 * de-duplication.
 * Rate limits (when given): per WeChat user after authentication (429), and refused requests per
 * IP (a forger gets 429 instead of unlimited signature checks). WeChat's own servers share a few
 * addresses, so valid traffic is never limited per IP.
 * Bodies are size-limited (413), XML only (415), DTD/entities refused and malformed XML → 400.
 * Each OpenID is one Bot Framework conversation (channelId "wechat", conversation.id
 * "wechat:<openid>", from.id = openid); turns of one user run one at a time.
 *
 * Answers: the turn races a reply budget (default 4.5 s, under WeChat's 5 s). Ready in time → the
 * first part goes out in the HTTP response (encrypted when the request was); otherwise the
 * response is "success" and the answer goes through the customer-service API when ready. WeChat's
 * retries attach to the same turn through the DedupeStore, so a message gets one turn and one
 * answer however often it arrives. Messages sent outside a turn (staff replies) come through the
 * runner's sink for "wechat" and leave via customer service.
 *
 * What the bot receives (documented for the dialogs):
 * - text → message text; a reply naming an offered option ("1", "第一个", its words) arrives as
 *   that option's value (text), with a structured button value in activity.value;
 * - voice → the Recognition text (empty recognition never reaches the bot);
 * - location → text = the place label; activity.value = { location: { label, lat, lng, scale,
 *   district?: { code, name } } } (district via KnowledgeBase.findDistrict on the label) and a
 *   schema.org Place entity with its coordinates;
 * - subscribe → conversationUpdate with membersAdded [the user] (the welcome);
 * - CLICK → the message text the menu file maps the key to; activity.value = { menuKey };
 * - unsubscribe, VIEW, SCAN, LOCATION reports → no turn, nothing sent.
 * Every activity carries channelData { msgType, msgId?, event?, eventKey? }.
 */
import { createHash, randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Activity, ConversationReference } from 'botbuilder';
import express, { type Request, type Response, type Router } from 'express';
import Handlebars from 'handlebars';
import type { Logger } from 'pino';
import type { ProactiveSink, TurnRunner } from '../../bot/in-process-adapter';
import type { CitizenDelivery } from '../../cases/delivery';
import type { District, Locale } from '../../content/schema';
import { loadLocales, type Translator } from '../../i18n/i18n';
import { DEFAULT_LOCALE } from '../../i18n/locale';
import { ipOf, RateLimitedError, type RateLimits } from '../../http/rate-limits';
import { maskPersonalData } from '../../logger';
import { type ExpiringStore, MemoryExpiringStore } from '../../state/expiring';
import type { Channel } from '../channel';
import { WeChatApi } from './api';
import { type AnswerPageStore, MemoryAnswerPageStore } from './answer-pages';
import { type Choice, type ChoiceMemory, MemoryChoiceMemory, resolveChoice } from './choices';
import { sha1Signature, signatureMatches, WeChatCipher } from './crypto';
import { type DedupeStore, MemoryDedupeStore } from './dedupe';
import { WeChatApiError, WeChatCryptoError, WeChatRequestError } from './errors';
import { dedupeKey, type InboundMessage, type OpenId, toInboundMessage } from './messages';
import { clickMessages, loadMenuFile, type WeChatMenu } from './menu';
import { maskOpenId, Outbox } from './outbox';
import { planMessages, renderActivities, type Translate } from './render';
import { KeyedSerial } from './serial';
import { cleanInboundText } from './text';
import { encryptedEnvelopeXml, field, parseWeChatXml, textReplyXml, type XmlRecord } from './xml';

export const WECHAT_CHANNEL_ID = 'wechat';

export interface WeChatChannelConfig {
  /** WECHAT_TOKEN: the shared secret of the signatures. */
  token: string;
  /** WECHAT_APPID: needed for safe mode (AppID check) and the customer-service API. */
  appId?: string;
  /** WECHAT_APPSECRET: needed for the customer-service API (late answers, staff replies). */
  appSecret?: string;
  /** WECHAT_ENCODING_AES_KEY (43 chars): safe / compatible mode. */
  encodingAESKey?: string;
  /** WECHAT_ENCODING_AES_KEY_PREVIOUS: still accepted for decryption after a key rotation. */
  previousEncodingAESKey?: string;
  /** WECHAT_API_BASE, e.g. https://api.weixin.qq.com (tests: the fake platform). */
  apiBase: string;
  /** PUBLIC_BASE_URL: enables links to full answers at {publicBaseUrl}/wechat/a/<id>. */
  publicBaseUrl?: string;
  /** WECHAT_MESSAGE_MODE; default "safe" when encodingAESKey is set, else "plain". */
  messageMode?: 'plain' | 'compatible' | 'safe';
}

export interface WeChatTuning {
  /** How long a request waits for the turn before answering "success" (WeChat gives up at 5 s). */
  replyBudgetMs: number;
  /** Requests whose timestamp is further than this from our clock are refused as stale. */
  maxClockSkewSec: number;
  maxBodyBytes: number;
  /** How long a client may take to send the body. */
  bodyTimeoutMs: number;
  /** A turn running longer than this is abandoned with an apology (frees the user's queue). */
  turnTimeoutMs: number;
  /** Size of one chat message (UTF-8 bytes). */
  maxPartBytes: number;
  /** Messages per answer (passive + customer service); more goes behind the full-answer link. */
  maxPartsPerAnswer: number;
  /** Pause before the customer-service continuation of a passive reply, so the order holds. */
  continuationDelayMs: number;
  apiRetries: number;
  apiBackoffMs: number;
  apiTimeoutMs: number;
}

export const DEFAULT_TUNING: WeChatTuning = {
  replyBudgetMs: 4500,
  maxClockSkewSec: 300,
  maxBodyBytes: 64 * 1024,
  bodyTimeoutMs: 10_000,
  turnTimeoutMs: 60_000,
  maxPartBytes: 2000,
  maxPartsPerAnswer: 4,
  continuationDelayMs: 300,
  apiRetries: 3,
  apiBackoffMs: 300,
  apiTimeoutMs: 5000,
};

export interface WeChatChannelDeps {
  runner: TurnRunner & { registerSink(channelId: string, sink: ProactiveSink): void };
  config: WeChatChannelConfig;
  logger: Logger;
  /** Shared dedupe store (Redis when scaled out); an in-memory one by default. */
  dedupe?: DedupeStore;
  /** Milliseconds since the epoch; tests move time. */
  clock?: () => number;
  /** District lookup for location messages (KnowledgeBase). */
  knowledge?: { findDistrict(text: string): District | undefined };
  /** The custom menu (CLICK key → message); default: loaded from `menuFile` if it exists. */
  menu?: WeChatMenu;
  /** Default: wechat/menu.yaml in the working directory. */
  menuFile?: string;
  /** UI strings ("wechat.*"); default: loaded from dialogs/locales. */
  translator?: Translator;
  choices?: ChoiceMemory;
  answers?: AnswerPageStore;
  tuning?: Partial<WeChatTuning>;
  /** For the customer-service API; tests may inject. */
  fetch?: typeof fetch;
  /** Nonces of signed URLs already used (SQLite with STATE_STORE=sqlite, so a restart forgets none). */
  nonces?: ExpiringStore;
  limits?: RateLimits;
}

export interface WeChatChannel extends Channel {
  /** Customer-service delivery (undefined without appId/appSecret). */
  readonly outbox?: Outbox;
  readonly api?: WeChatApi;
  /** Staff messages to a citizen (customer-service API, 48-hour window). */
  readonly delivery: CitizenDelivery;
  /** Resolves when no turn or delivery is pending (tests, shutdown). */
  idle(): Promise<void>;
}

interface RequestAuth {
  timestamp: string;
  nonce: string;
}

interface Parsed {
  message: InboundMessage;
  /** The request was encrypted (safe or compatible mode): so is the reply. */
  encrypted: boolean;
}

const XML_TYPES = /^(text\/xml|application\/xml|text\/plain|application\/[a-z0-9.+-]+\+xml)\s*(;|$)/i;
const DEFAULT_LOCALES_DIR = resolve(__dirname, '../../../dialogs/locales');
const PAGE_TEMPLATE = Handlebars.compile(readFileSync(join(__dirname, 'answer-page.hbs'), 'utf8'));

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function query(req: Request, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

export function createWeChatChannel(deps: WeChatChannelDeps): WeChatChannel {
  const { config, logger, runner } = deps;
  if (!config.token) throw new Error('createWeChatChannel: config.token (WECHAT_TOKEN) is required');
  const log = logger.child({ channel: WECHAT_CHANNEL_ID });
  const tuning: WeChatTuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const now = deps.clock ?? Date.now;
  const nowSec = () => Math.floor(now() / 1000);

  if (config.encodingAESKey && !config.appId) throw new Error('createWeChatChannel: appId is required with encodingAESKey');
  const cipher = config.encodingAESKey
    ? new WeChatCipher(config.appId!, config.encodingAESKey, config.previousEncodingAESKey)
    : undefined;
  const messageMode = config.messageMode ?? (cipher ? 'safe' : 'plain');
  if (messageMode !== 'plain' && !cipher) throw new Error(`createWeChatChannel: messageMode "${messageMode}" needs encodingAESKey`);
  const ownNonces = !deps.nonces;
  const nonces = deps.nonces ?? new MemoryExpiringStore(200_000, now);

  const translator = deps.translator ?? loadLocales(DEFAULT_LOCALES_DIR).translator;
  const t: Translate = (locale, key, vars) => translator.t(locale, key, vars);

  const menuFile = deps.menuFile ?? resolve('wechat/menu.yaml');
  const menu = deps.menu ?? (existsSync(menuFile) ? loadMenuFile(menuFile, { publicBaseUrl: config.publicBaseUrl, forUpload: false }) : undefined);
  const clicks = menu ? clickMessages(menu) : new Map<string, string>();

  const ownDedupe = !deps.dedupe;
  const dedupe = deps.dedupe ?? new MemoryDedupeStore({ clock: now });
  const choices = deps.choices ?? new MemoryChoiceMemory(24 * 3600_000, 100_000, now);
  const answers = deps.answers ?? new MemoryAnswerPageStore(7 * 24 * 3600_000, 20_000, now);
  const publicBase = config.publicBaseUrl?.replace(/\/+$/, '');
  const mountPath = '/wechat';

  const api =
    config.appId && config.appSecret
      ? new WeChatApi({
          apiBase: config.apiBase,
          appId: config.appId,
          appSecret: config.appSecret,
          logger: log,
          clock: now,
          fetch: deps.fetch,
          retries: tuning.apiRetries,
          backoffMs: tuning.apiBackoffMs,
          requestTimeoutMs: tuning.apiTimeoutMs,
        })
      : undefined;
  const outbox = api
    ? new Outbox({ api, logger: log, clock: now, deferredIntro: () => t(DEFAULT_LOCALE, 'wechat.deferred_intro') })
    : undefined;
  if (!outbox) log.warn('WECHAT_APPID/WECHAT_APPSECRET not set: late answers and staff replies cannot be delivered');

  const turns = new KeyedSerial<OpenId>();
  const background = new Set<Promise<unknown>>();
  let closed = false;

  const track = (p: Promise<unknown>): void => {
    background.add(p);
    void p.finally(() => background.delete(p));
  };

  // ---- authentication --------------------------------------------------------------------

  function authenticate(req: Request): RequestAuth {
    const signature = query(req, 'signature');
    const timestamp = query(req, 'timestamp') ?? '';
    const nonce = query(req, 'nonce') ?? '';
    if (!/^\d{1,12}$/.test(timestamp) || !nonce || nonce.length > 64 || !signature) {
      throw new WeChatRequestError(401, 'missing-signature', 'signature, timestamp and nonce are required');
    }
    if (!signatureMatches(sha1Signature([config.token, timestamp, nonce]), signature)) {
      throw new WeChatRequestError(401, 'bad-signature', 'signature does not match');
    }
    const skew = Math.abs(nowSec() - Number(timestamp));
    if (skew > tuning.maxClockSkewSec) {
      throw new WeChatRequestError(401, 'stale', 'timestamp too far from the current time', { skewSec: skew });
    }
    return { timestamp, nonce };
  }

  /**
   * One message per signed URL within the timestamp window; the same message again is a retry.
   * Compared on the message as read (after decryption), not the raw body: a retry re-encrypted
   * with a fresh random prefix is still the same message.
   */
  async function checkNonce(auth: RequestAuth, m: InboundMessage): Promise<void> {
    const key = `${auth.timestamp}:${auth.nonce}`;
    const hash = createHash('sha256').update(JSON.stringify(m)).digest('base64url');
    const ttlMs = (tuning.maxClockSkewSec * 2 + 5) * 1000;
    if (await nonces.putIfAbsent(key, hash, ttlMs)) return;
    if ((await nonces.get(key)) !== hash) throw new WeChatRequestError(401, 'replayed-nonce', 'this signed URL was already used for another message');
  }

  // ---- body --------------------------------------------------------------------------------

  function readBody(req: Request): Promise<Buffer> {
    if (Buffer.isBuffer(req.body)) return Promise.resolve(req.body);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > tuning.maxBodyBytes) {
      return Promise.reject(new WeChatRequestError(413, 'too-large', 'request body too large', { bytes: declared }));
    }
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
        if (size > tuning.maxBodyBytes) finish(new WeChatRequestError(413, 'too-large', 'request body too large'));
        else chunks.push(c);
      };
      const onEnd = (): void => finish();
      const onError = (e: Error): void => finish(new WeChatRequestError(400, 'body-error', `body could not be read: ${e.message}`));
      const timer = setTimeout(() => finish(new WeChatRequestError(400, 'body-timeout', 'request body took too long')), tuning.bodyTimeoutMs);
      req.on('data', onData).on('end', onEnd).on('error', onError);
    });
  }

  function decodeUtf8(buf: Buffer): string {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buf);
    } catch {
      throw new WeChatRequestError(400, 'bad-encoding', 'body is not valid UTF-8');
    }
  }

  function parseRequest(req: Request, auth: RequestAuth, body: string): Parsed {
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
      if (!signatureMatches(sha1Signature([config.token, auth.timestamp, auth.nonce, encrypt]), msgSignature)) {
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

  // ---- replies -------------------------------------------------------------------------------

  function sendPassive(res: Response, p: Parsed, content: string): void {
    const xml = textReplyXml({ toUser: p.message.openId, fromUser: p.message.account, createTime: nowSec(), content });
    if (!p.encrypted || !cipher) {
      res.status(200).type('application/xml').send(xml);
      return;
    }
    const encrypt = cipher.encrypt(xml);
    const timestamp = String(nowSec());
    const nonce = String(randomInt(1_000_000_000, 9_999_999_999));
    const signature = sha1Signature([config.token, timestamp, nonce, encrypt]);
    res.status(200).type('application/xml').send(encryptedEnvelopeXml({ encrypt, signature, timestamp, nonce }));
  }

  function sendSuccess(res: Response): void {
    res.status(200).type('text/plain').send('success');
  }

  async function reject(res: Response, req: Request, err: unknown): Promise<void> {
    if (err instanceof WeChatRequestError && err.status === 401 && deps.limits) {
      try {
        await deps.limits.check('wechatRefusedPerIp', ipOf(req));
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

  // ---- turns ---------------------------------------------------------------------------------

  function baseActivity(m: InboundMessage): Partial<Activity> {
    return {
      channelId: WECHAT_CHANNEL_ID,
      id: m.msgId ? `wechat-${m.msgId}` : `wechat-evt-${m.createTime}-${m.kind === 'event' ? m.event : m.kind}`,
      serviceUrl: publicBase ? `${publicBase}${mountPath}` : 'wechat://official-account',
      conversation: { id: `wechat:${m.openId}`, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: m.openId, name: '', role: 'user' },
      recipient: { id: m.account, name: 'legal-aid-bot', role: 'bot' },
      locale: DEFAULT_LOCALE,
      timestamp: new Date(m.createTime * 1000),
      channelData: {
        msgType: m.kind === 'event' ? 'event' : m.kind,
        ...(m.msgId ? { msgId: m.msgId } : {}),
        ...(m.kind === 'event' ? { event: m.event, eventKey: m.eventKey } : {}),
      },
    };
  }

  async function messageTurn(m: InboundMessage, text: string, extra: Partial<Activity> = {}, typed = true): Promise<string[]> {
    const offered = await choices.get(m.openId);
    let value = extra.value;
    if (offered?.length) {
      await choices.clear(m.openId);
      // A menu click is its own command, never an answer to the offered options.
      const chosen = typed ? resolveChoice(text, offered) : undefined;
      if (chosen) {
        text = chosen.text;
        if (chosen.value !== undefined) value = chosen.value;
      }
    }
    const activity: Partial<Activity> = { ...baseActivity(m), type: 'message', text, ...extra };
    if (value !== undefined) activity.value = value;
    return runTurn(m, activity);
  }

  async function runTurn(m: InboundMessage, activity: Partial<Activity>): Promise<string[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new Error(`turn took longer than ${tuning.turnTimeoutMs} ms`)), tuning.turnTimeoutMs);
    });
    try {
      const replies = await Promise.race([runner.run(activity), timeout]);
      return await renderForUser(m.openId, replies);
    } finally {
      clearTimeout(timer);
    }
  }

  async function renderForUser(openId: OpenId, activities: Partial<Activity>[]): Promise<string[]> {
    const rendered = renderActivities(activities, t, DEFAULT_LOCALE);
    if (rendered.choices.length) await choices.set(openId, rendered.choices);
    return planMessages(rendered, {
      t,
      maxPartBytes: tuning.maxPartBytes,
      maxParts: tuning.maxPartsPerAnswer,
      publishFull: publicBase
        ? async (text: string, locale: Locale) => `${publicBase}${mountPath}/a/${await answers.put({ text, locale })}`
        : undefined,
    });
  }

  /** The answer to one inbound message or event, as chat messages (empty: say nothing). */
  async function answer(m: InboundMessage): Promise<string[]> {
    switch (m.kind) {
      case 'text':
        return messageTurn(m, cleanInboundText(m.content));
      case 'voice':
        if (!m.recognition) return [t(DEFAULT_LOCALE, 'wechat.voice_not_understood')];
        return messageTurn(m, cleanInboundText(m.recognition), { channelData: { ...baseActivity(m).channelData, voice: true } });
      case 'location': {
        const label = cleanInboundText(m.label);
        const district = label && deps.knowledge ? deps.knowledge.findDistrict(label) : undefined;
        const hasCoords = Number.isFinite(m.lat) && Number.isFinite(m.lng);
        const location = {
          label,
          lat: hasCoords ? m.lat : null,
          lng: hasCoords ? m.lng : null,
          ...(m.scale !== undefined ? { scale: m.scale } : {}),
          ...(district ? { district: { code: district.code, name: district.name } } : {}),
        };
        return messageTurn(m, label, {
          value: { location },
          entities: [
            {
              type: 'Place',
              name: label,
              address: label,
              ...(hasCoords ? { geo: { type: 'GeoCoordinates', latitude: m.lat, longitude: m.lng, name: label } } : {}),
            },
          ],
        });
      }
      case 'event':
        switch (m.event) {
          case 'subscribe':
            return runTurn(m, {
              ...baseActivity(m),
              type: 'conversationUpdate',
              membersAdded: [{ id: m.openId, name: '', role: 'user' }],
            });
          case 'unsubscribe':
            await choices.clear(m.openId);
            outbox?.forget(m.openId);
            return [];
          case 'click': {
            const message = clicks.get(m.eventKey);
            if (!message) {
              log.warn({ eventKey: maskPersonalData(m.eventKey.slice(0, 128)) }, 'wechat menu click with a key the menu file does not map');
              return [];
            }
            return messageTurn(m, message, { value: { menuKey: m.eventKey } }, false);
          }
          default:
            return [];
        }
      default:
        return [t(DEFAULT_LOCALE, 'wechat.please_type')];
    }
  }

  /** Runs the turn for a newly seen message and delivers what the waiting requests do not. */
  async function handleNew(key: string, m: InboundMessage): Promise<void> {
    let parts: string[];
    try {
      parts = await turns.run(m.openId, () => answer(m));
    } catch (err) {
      log.error({ err, user: maskOpenId(m.openId), kind: m.kind }, 'wechat turn failed');
      parts = [t(DEFAULT_LOCALE, 'wechat.turn_failed')];
    }
    const { passive } = await dedupe.complete(key, parts[0] ?? null);
    const rest = passive ? parts.slice(1) : parts;
    if (rest.length) {
      if (!outbox) {
        log.error({ user: maskOpenId(m.openId), parts: rest.length }, 'wechat answer not delivered: customer-service API not configured');
      } else {
        if (passive) await sleep(tuning.continuationDelayMs);
        const report = await outbox.deliver(m.openId, rest);
        log.info({ user: maskOpenId(m.openId), passive, ...report, lastError: report.lastError?.message }, 'wechat answer delivered via customer service');
      }
    }
    if (outbox && m.kind !== 'event') await outbox.flushDeferred(m.openId);
  }

  // ---- routes --------------------------------------------------------------------------------

  const router: Router = express.Router();

  router.get('/', async (req, res) => {
    try {
      authenticate(req);
      const echostr = query(req, 'echostr');
      if (!echostr || echostr.length > 512) throw new WeChatRequestError(400, 'no-echostr', 'echostr is required');
      res.status(200).type('text/plain').setHeader('X-Content-Type-Options', 'nosniff').send(echostr);
    } catch (err) {
      await reject(res, req, err);
    }
  });

  router.post('/', async (req, res) => {
    try {
      if (closed) {
        res.status(503).type('text/plain').send('shutting down');
        return;
      }
      const ctype = req.headers['content-type'];
      if (ctype !== undefined && !XML_TYPES.test(ctype)) {
        throw new WeChatRequestError(415, 'content-type', 'body must be XML (text/xml)', { contentType: ctype.slice(0, 80) });
      }
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > tuning.maxBodyBytes) {
        throw new WeChatRequestError(413, 'too-large', 'request body too large', { bytes: declared });
      }
      const auth = authenticate(req);
      const parsed = parseRequest(req, auth, decodeUtf8(await readBody(req)));
      const m = parsed.message;
      await checkNonce(auth, m);
      await deps.limits?.check('wechatPerUser', `${m.account}:${m.openId}`);
      const key = dedupeKey(m);
      const gone = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) gone.abort();
      });
      const { first, outcome } = await dedupe.attach(key, tuning.replyBudgetMs, gone.signal);
      if (first) {
        log.info({ user: maskOpenId(m.openId), kind: m.kind, event: m.kind === 'event' ? m.event : undefined, encrypted: parsed.encrypted }, 'wechat message');
        if (outbox && !(m.kind === 'event' && (m.event === 'unsubscribe' || m.event === 'view' || m.event === 'other'))) {
          outbox.onInbound(m.openId, m.kind === 'event' ? 'event' : 'message');
        }
        track(handleNew(key, m).catch((err) => log.error({ err }, 'wechat delivery failed')));
      } else {
        log.info({ user: maskOpenId(m.openId), kind: m.kind }, 'wechat retry of a message already being answered');
      }
      const h = await outcome;
      if (res.writableEnded || gone.signal.aborted) return;
      if (h.kind === 'reply') sendPassive(res, parsed, h.reply);
      else sendSuccess(res);
    } catch (err) {
      await reject(res, req, err);
    }
  });

  router.get('/a/:id', async (req, res) => {
    const id = String(req.params.id ?? '');
    const page = await answers.get(id);
    const locale: Locale = page?.locale ?? DEFAULT_LOCALE;
    res
      .status(page ? 200 : 404)
      .type('text/html')
      .setHeader('Cache-Control', 'private, no-store')
      .setHeader('X-Content-Type-Options', 'nosniff')
      .setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
      .setHeader('Referrer-Policy', 'no-referrer')
      .send(
        PAGE_TEMPLATE({
          lang: locale,
          title: t(locale, 'wechat.answer_page_title'),
          text: page?.text,
          expired: t(locale, 'wechat.answer_page_expired'),
          note: t(locale, 'wechat.answer_page_note'),
        }),
      );
  });

  router.all('/', (_req, res) => {
    res.status(405).setHeader('Allow', 'GET, POST').type('text/plain').send('method not allowed');
  });

  // ---- proactive -----------------------------------------------------------------------------

  const sink: ProactiveSink = async (reference: Partial<ConversationReference>, activities: Partial<Activity>[]) => {
    const raw = reference.user?.id ?? reference.conversation?.id?.replace(/^wechat:/, '');
    if (!raw || !/^[A-Za-z0-9_-]{1,64}$/.test(raw)) throw new Error('wechat proactive message without a valid OpenID');
    const openId = raw as OpenId;
    if (!outbox) throw new WeChatApiError('cgi-bin/message/custom/send', undefined, 'customer-service API not configured');
    const parts = await renderForUser(openId, activities);
    if (!parts.length) return;
    const report = await outbox.deliver(openId, parts);
    log.info({ user: maskOpenId(openId), ...report, lastError: report.lastError?.message }, 'wechat proactive message');
    if (report.failed && report.lastError) throw report.lastError;
  };
  runner.registerSink(WECHAT_CHANNEL_ID, sink);

  // Staff replies: like the sink, but the result says whether WeChat's window let it through.
  const openIdOf = (reference: Partial<ConversationReference>): OpenId | undefined => {
    const raw = reference.user?.id ?? reference.conversation?.id?.replace(/^wechat:/, '');
    return raw && /^[A-Za-z0-9_-]{1,64}$/.test(raw) ? (raw as OpenId) : undefined;
  };
  const delivery: CitizenDelivery = {
    channelId: WECHAT_CHANNEL_ID,
    async deliver(reference, activities) {
      const openId = openIdOf(reference);
      if (!openId) return { status: 'failed', reason: 'no valid OpenID' };
      if (!outbox) return { status: 'failed', reason: 'not-configured' };
      const parts = await renderForUser(openId, activities);
      if (!parts.length) return { status: 'delivered' };
      const report = await outbox.deliver(openId, parts);
      log.info({ user: maskOpenId(openId), ...report, lastError: report.lastError?.message }, 'wechat staff message');
      if (report.deferred) return { status: 'deferred', reason: 'window-closed' };
      if (report.failed) return { status: 'failed', reason: report.lastError?.message ?? 'failed' };
      return { status: 'delivered' };
    },
    window(reference, lastCitizenAt) {
      const openId = openIdOf(reference);
      if (!openId || !outbox) return 'closed';
      const known = outbox.windowFor(openId);
      if (known !== 'unknown') return known;
      if (!lastCitizenAt) return 'unknown';
      return now() - Date.parse(lastCitizenAt) < 48 * 3600_000 ? 'open' : 'closed';
    },
  };

  return {
    id: WECHAT_CHANNEL_ID,
    mountPath,
    router,
    outbox,
    api,
    delivery,
    async idle() {
      while (background.size) await Promise.all([...background]);
      await turns.idle();
      await outbox?.idle();
    },
    async close() {
      closed = true;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((r) => {
        timer = setTimeout(r, 10_000);
      });
      await Promise.race([Promise.all([...background]), deadline]);
      clearTimeout(timer);
      if (ownDedupe) await dedupe.close();
      if (ownNonces) await nonces.close();
    },
  };
}

export type { Choice } from './choices';
export type { DedupeStore, HandOff } from './dedupe';
export { MemoryDedupeStore } from './dedupe';
export type { WeChatMenu } from './menu';

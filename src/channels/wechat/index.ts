/**
 * The WeChat Official Account (公众号) channel, mounted at /wechat: wiring and routes (its settings
 * and limits are config.ts).
 *   GET  /wechat        URL verification (signature over sorted token/timestamp/nonce → echostr)
 *   POST /wechat        messages and events (plaintext, compatible or safe mode)
 *   GET  /wechat/a/:id  the full text of an answer too long for chat messages
 *
 * A POST runs one pipeline, one file a stage:
 *   request.ts        authenticated (signature, msg_signature), fresh, one message per signed URL,
 *                     size- and type-checked, decrypted, parsed — or refused (401/413/415/400), logged
 *   (here)            rate limit per WeChat user after authentication (429); de-duplication of
 *                     WeChat's retries (dedupe.ts): a message gets one turn and one answer however
 *                     often it arrives
 *   inbound.ts        the message or event → an Activity (or the channel answering by itself)
 *   choices.ts        a reply naming an option offered last ("1", "第一个", its words) → that option
 *   (here)            the turn, run through the runner; turns of one user one at a time
 *                     (bot/keyed-queue.ts), abandoned with an apology after turnTimeoutMs
 *   render.ts         the bot's activities → chat messages (numbered options, split, full-answer link)
 *   passive-reply.ts  the first part in the HTTP response when ready within the reply budget
 *                     (default 4.5 s, under WeChat's 5 s), encrypted when the request was; else
 *                     "success" and the answer through customer service (outbox.ts) when ready.
 * Messages sent outside a turn (staff replies) come through the runner's sink for "wechat" or the
 * staff delivery and leave via customer service (proactive.ts); /wechat/a/:id is answer-pages.ts.
 * Rate limits (when given): per WeChat user, and refused requests per IP; WeChat's own servers
 * share a few addresses, so valid traffic is never limited per IP.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Activity } from 'botbuilder';
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import type { ProactiveSink, TurnRunner } from '../../bot/in-process-adapter';
import { KeyedQueue } from '../../bot/keyed-queue';
import type { CitizenDelivery } from '../../cases/delivery';
import type { District, Locale } from '../../content/schema';
import { type ChoiceLexicon, loadChoiceLexicon } from '../../dialogs';
import { loadLocales, type Translator } from '../../i18n/i18n';
import { DEFAULT_LOCALE } from '../../i18n/locale';
import type { RateLimits } from '../../http/rate-limits';
import { maskPersonalData } from '../../logger';
import { type ExpiringStore, MemoryExpiringStore } from '../../state/expiring';
import type { Channel } from '../channel';
import { WeChatApi } from './api';
import { answerPage, type AnswerPageStore, MemoryAnswerPageStore } from './answer-pages';
import { type ChoiceMemory, MemoryChoiceMemory, resolveChoice } from './choices';
import { DEFAULT_TUNING, type WeChatChannelConfig, type WeChatTuning } from './config';
import { WeChatCipher } from './crypto';
import { type DedupeStore, MemoryDedupeStore } from './dedupe';
import { WeChatRequestError } from './errors';
import { type InboundContext, toInbound, WECHAT_CHANNEL_ID } from './inbound';
import { dedupeKey, type InboundMessage, type OpenId } from './messages';
import { clickMessages, loadMenuFile, type WeChatMenu } from './menu';
import { maskOpenId, Outbox } from './outbox';
import { proactiveSink, staffDelivery } from './proactive';
import { sendPassiveReply, sendSuccess } from './passive-reply';
import { planMessages, renderActivities, type Translate } from './render';
import { query, RequestReader } from './request';

export { WECHAT_CHANNEL_ID } from './inbound';

export { DEFAULT_TUNING, type WeChatChannelConfig, type WeChatTuning } from './config';

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
  /** How replies to numbered options are read (LoadedFlows.choices); default: dialogs/lexicon/choices.yaml. */
  choiceLexicon?: ChoiceLexicon;
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

const DEFAULT_DIALOGS_DIR = resolve(__dirname, '../../../dialogs');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createWeChatChannel(deps: WeChatChannelDeps): WeChatChannel {
  const { config, logger, runner } = deps;
  if (!config.token) throw new Error('createWeChatChannel: config.token (WECHAT_TOKEN) is required');
  const log = logger.child({ channel: WECHAT_CHANNEL_ID });
  const tuning: WeChatTuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const now = deps.clock ?? Date.now;

  if (config.encodingAESKey && !config.appId) throw new Error('createWeChatChannel: appId is required with encodingAESKey');
  const cipher = config.encodingAESKey
    ? new WeChatCipher(config.appId!, config.encodingAESKey, config.previousEncodingAESKey)
    : undefined;
  const messageMode = config.messageMode ?? (cipher ? 'safe' : 'plain');
  if (messageMode !== 'plain' && !cipher) throw new Error(`createWeChatChannel: messageMode "${messageMode}" needs encodingAESKey`);
  const ownNonces = !deps.nonces;
  const nonces = deps.nonces ?? new MemoryExpiringStore(200_000, now);
  const requests = new RequestReader({
    token: config.token,
    cipher,
    messageMode,
    nonces,
    maxClockSkewSec: tuning.maxClockSkewSec,
    maxBodyBytes: tuning.maxBodyBytes,
    bodyTimeoutMs: tuning.bodyTimeoutMs,
    now,
    log,
    limits: deps.limits,
  });
  const replyCrypto = { token: config.token, cipher, now };

  const translator = deps.translator ?? loadLocales(join(DEFAULT_DIALOGS_DIR, 'locales')).translator;
  const t: Translate = (locale, key, vars) => translator.t(locale, key, vars);
  const choiceLexicon = deps.choiceLexicon ?? loadChoiceLexicon(DEFAULT_DIALOGS_DIR);

  const menuFile = deps.menuFile ?? resolve('wechat/menu.yaml');
  const menu = deps.menu ?? (existsSync(menuFile) ? loadMenuFile(menuFile, { publicBaseUrl: config.publicBaseUrl, forUpload: false }) : undefined);

  const ownDedupe = !deps.dedupe;
  const dedupe = deps.dedupe ?? new MemoryDedupeStore({ clock: now });
  const choices = deps.choices ?? new MemoryChoiceMemory(24 * 3600_000, 100_000, now);
  const answers = deps.answers ?? new MemoryAnswerPageStore(7 * 24 * 3600_000, 20_000, now);
  const publicBase = config.publicBaseUrl?.replace(/\/+$/, '');
  const mountPath = '/wechat';
  const inbound: InboundContext = {
    clicks: menu ? clickMessages(menu) : new Map<string, string>(),
    knowledge: deps.knowledge,
    serviceUrl: publicBase ? `${publicBase}${mountPath}` : 'wechat://official-account',
  };

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

  const turns = new KeyedQueue<OpenId>();
  const background = new Set<Promise<unknown>>();
  let closed = false;

  const track = (p: Promise<unknown>): void => {
    background.add(p);
    void p.finally(() => background.delete(p));
  };

  // ---- turns ---------------------------------------------------------------------------------

  /** A typed reply naming one of the options offered last becomes that option (choices.ts). */
  async function messageTurn(m: InboundMessage, activity: Partial<Activity> & { text: string }, typed: boolean): Promise<string[]> {
    const offered = await choices.get(m.openId);
    if (offered?.length) {
      await choices.clear(m.openId);
      const chosen = typed ? resolveChoice(activity.text, offered, choiceLexicon) : undefined;
      if (chosen) {
        activity.text = chosen.text;
        if (chosen.value !== undefined) activity.value = chosen.value;
      }
    }
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
    const what = toInbound(m, inbound);
    switch (what.kind) {
      case 'message':
        return messageTurn(m, what.activity, what.typed);
      case 'welcome':
        return runTurn(m, what.activity);
      case 'say':
        return [t(DEFAULT_LOCALE, what.key)];
      case 'unsubscribe':
        await choices.clear(m.openId);
        outbox?.forget(m.openId);
        return [];
      case 'ignore':
        if (what.unmappedClick !== undefined) {
          log.warn({ eventKey: maskPersonalData(what.unmappedClick.slice(0, 128)) }, 'wechat menu click with a key the menu file does not map');
        }
        return [];
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
      requests.authenticate(req);
      const echostr = query(req, 'echostr');
      if (!echostr || echostr.length > 512) throw new WeChatRequestError(400, 'no-echostr', 'echostr is required');
      res.status(200).type('text/plain').setHeader('X-Content-Type-Options', 'nosniff').send(echostr);
    } catch (err) {
      await requests.refuse(req, res, err);
    }
  });

  router.post('/', async (req, res) => {
    try {
      if (closed) {
        res.status(503).type('text/plain').send('shutting down');
        return;
      }
      const parsed = await requests.read(req);
      const m = parsed.message;
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
      if (h.kind === 'reply') sendPassiveReply(res, parsed, h.reply, replyCrypto);
      else sendSuccess(res);
    } catch (err) {
      await requests.refuse(req, res, err);
    }
  });

  router.get('/a/:id', answerPage(answers, t));

  router.all('/', (_req, res) => {
    res.status(405).setHeader('Allow', 'GET, POST').type('text/plain').send('method not allowed');
  });

  // ---- outside a turn (proactive.ts) ---------------------------------------------------------

  const outside = { outbox, render: renderForUser, log, now };
  runner.registerSink(WECHAT_CHANNEL_ID, proactiveSink(outside));
  const delivery = staffDelivery(outside);

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

/**
 * The one wiring place: config → content → search → dialogs → bot → channels → createApp → listen.
 * Everything else receives its dependencies; nothing else reads the environment.
 *
 * buildRuntime() assembles the parts without listening (tests and tools use it); start() listens,
 * attaches the web chat stream and, in development, rebuilds content when knowledge files change.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { watch } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { createApp } from './app';
import { createBot } from './bot/bot';
import { createCaseDesk } from './bot/case-desk';
import { Deliveries } from './cases/delivery';
import { StaffedHours } from './cases/hours';
import { openCaseDatabase } from './cases/open';
import { bridgeCaseEvents } from './cases/pg-events';
import { InProcessAdapter } from './bot/in-process-adapter';
import type { Channel } from './channels/channel';
import { createDirectLineChannel } from './channels/directline';
import { createWebChatChannel } from './channels/webchat';
import { createWeChatChannel } from './channels/wechat';
import { type Config, ConfigError, loadConfig } from './config';
import { formatIssues } from './content/errors';
import { KnowledgeBase } from './content/knowledge';
import { errorsOf, loadKnowledge } from './content/loader';
import { checkDialogs, loadFlows } from './dialogs';
import { type Logger, createLogger } from './logger';
import { contentHash, SearchEngine } from './search/engine';
import { createStaffDesk } from './staff/desk';
import { createEditor } from './editor';
import { KnowledgeGit } from './editor/git';
import { StaffUsers } from './staff/users';
import { loadOrBuild } from './search/store';
import type { KnowledgeSearch } from './search/types';
import { createExpiringStore, createRecordSinks, createStorage, parseStoreSpec } from './state';
import { MemoryConversationLog } from './channels/directline/conversation-log';
import { SqliteConversationLog } from './channels/directline/sqlite-log';
import { MemoryAnswerPageStore } from './channels/wechat/answer-pages';
import { MemoryDedupeStore } from './channels/wechat/dedupe';
import { connectorTimeoutPolicy } from './http/bot-endpoint';
import { RateLimits } from './http/rate-limits';
import { retainable, startRetention } from './state/retention';

/** A search whose engine can be swapped when content changes (development). */
class SwappableSearch implements KnowledgeSearch {
  constructor(public engine: SearchEngine) {}
  search(...args: Parameters<KnowledgeSearch['search']>) {
    return this.engine.search(...args);
  }
}

export function buildRuntime(config: Config, logger: Logger) {
  const content = loadKnowledge(config.knowledgeDir);
  const errors = errorsOf(content);
  if (errors.length) {
    const msg = `knowledge content has ${errors.length} errors:\n${formatIssues(errors)}`;
    if (config.NODE_ENV === 'production') throw new Error(`refusing to start: ${msg}`);
    logger.warn({ errors: errors.length }, msg);
  }
  const { engine, source, why } = loadOrBuild(content, resolve(config.SEARCH_INDEX_FILE));
  logger.info({ entries: engine.size, source, why, contentHash: engine.hash }, 'search index ready');
  const search = new SwappableSearch(engine);
  const kb = new KnowledgeBase(content);
  const flows = loadFlows(config.dialogsDir, kb);

  const { feedback, unanswered } = createRecordSinks(config.STATE_STORE, config.MEMORY_RECORDS_MAX);
  // Bounds (issue 10): one set of rate limits for every entry point; stores sized from config.
  const limits = new RateLimits(config.rateLimits);
  const jsonLimits = { limit: config.JSON_MAX_BYTES, maxDepth: config.JSON_MAX_DEPTH, maxNodes: config.JSON_MAX_VALUES };
  const storage = createStorage(config.STATE_STORE, { maxItems: config.MEMORY_STATE_MAX_ITEMS, ttlMs: config.MEMORY_STATE_TTL_HOURS * 3600_000 });
  const store = parseStoreSpec(config.STATE_STORE);
  const logLimits = { maxConversations: config.DIRECTLINE_LOG_MAX_CONVERSATIONS, idleTtlMs: config.DIRECTLINE_LOG_IDLE_HOURS * 3600_000 };
  const conversationLog = store.kind === 'sqlite' ? new SqliteConversationLog(store.file, { maxConversations: 100_000 }) : new MemoryConversationLog(logLimits);
  // 12348 cases: handoffs become stored cases; staff take over in the console at /staff.
  const caseDb = openCaseDatabase({ databaseUrl: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, sqliteFile: config.CASES_DB });
  const staffUsers = new StaffUsers(caseDb.db);
  const desk = createCaseDesk({
    cases: caseDb.cases,
    staffName: async (username) => (await staffUsers.get(username))?.displayName,
    kb,
    search,
    flows,
    dialogsDir: config.dialogsDir,
    hours: new StaffedHours(config.STAFF_HOURS, config.STAFF_TIMEZONE),
    logger,
  });
  const handoff = desk.sink;
  const { bot, onTurnError } = createBot({
    kb,
    search,
    flows,
    storage,
    logger,
    feedback,
    unanswered,
    handoff,
    live: desk.live,
  });
  const logic = (ctx: Parameters<typeof bot.run>[0]) => bot.run(ctx);

  const cloudAdapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication(
      {
        MicrosoftAppId: config.MicrosoftAppId,
        MicrosoftAppPassword: config.MicrosoftAppPassword,
        MicrosoftAppType: config.MicrosoftAppType,
        MicrosoftAppTenantId: config.MicrosoftAppTenantId,
      },
      undefined,
      undefined,
      undefined,
      // Outbound Bot Framework calls (with credentials) give up after BOTFRAMEWORK_TIMEOUT_MS.
      { requestPolicyFactories: [connectorTimeoutPolicy(config.BOTFRAMEWORK_TIMEOUT_MS)] } as never,
    ),
  );
  cloudAdapter.onTurnError = onTurnError;
  const adapter = new InProcessAdapter(logic);
  adapter.onTurnError = onTurnError;

  const directLine = createDirectLineChannel({
    runner: adapter,
    logger,
    secret: config.DIRECTLINE_SECRET,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    log: conversationLog,
    limits,
    bodyLimit: config.JSON_MAX_BYTES,
    jsonLimits: { maxDepth: config.JSON_MAX_DEPTH, maxNodes: config.JSON_MAX_VALUES },
  });
  const channels: Channel[] = [directLine];
  const deliveries = new Deliveries().add(directLine.delivery);
  if (config.WECHAT_TOKEN) {
    const wechat = createWeChatChannel({
      runner: adapter,
      logger,
      knowledge: kb,
      // The same UI strings and choice lexicon the flows were validated with (dialogs/).
      translator: flows.translator,
      choiceLexicon: flows.choices,
      config: {
        token: config.WECHAT_TOKEN,
        appId: config.WECHAT_APPID,
        appSecret: config.WECHAT_APPSECRET,
        encodingAESKey: config.WECHAT_ENCODING_AES_KEY,
        previousEncodingAESKey: config.WECHAT_ENCODING_AES_KEY_PREVIOUS,
        apiBase: config.WECHAT_API_BASE,
        publicBaseUrl: config.PUBLIC_BASE_URL,
        messageMode: config.WECHAT_MESSAGE_MODE,
      },
      limits,
      // With STATE_STORE=sqlite these survive a restart: a retry after a crash is not a second turn.
      dedupe: new MemoryDedupeStore({ maxEntries: config.WECHAT_DEDUPE_MAX, persist: store.kind === 'sqlite' ? createExpiringStore(config.STATE_STORE, 'wechat-dedupe') : undefined }),
      nonces: createExpiringStore(config.STATE_STORE, 'wechat-nonce', config.WECHAT_DEDUPE_MAX),
      answers: new MemoryAnswerPageStore(7 * 24 * 3600_000, config.WECHAT_ANSWER_PAGES_MAX),
    });
    channels.push(wechat);
    deliveries.add(wechat.delivery);
  }
  const staff = createStaffDesk({
    db: caseDb.db,
    users: staffUsers,
    cases: caseDb.cases,
    events: desk.events,
    deliveries,
    translator: flows.translator,
    logger,
    kb,
    cannedDir: resolve(config.CANNED_DIR),
    cookieSecure: config.STAFF_COOKIE_SECURE === undefined || config.STAFF_COOKIE_SECURE === '' ? config.NODE_ENV === 'production' : ['true', '1'].includes(config.STAFF_COOKIE_SECURE),
    sessionHours: config.STAFF_SESSION_HOURS,
  });
  // Content editors (/staff/kb, /staff/api/kb): same sessions and roles; saves swap search and kb.
  const editor = createEditor({
    knowledgeDir: config.knowledgeDir,
    dialogsDir: config.dialogsDir,
    search,
    kb,
    flows,
    sessions: staff.sessions,
    cases: caseDb.cases,
    unanswered,
    feedback,
    logger,
    git: config.KB_GIT === 'off' ? undefined : KnowledgeGit.open(config.knowledgeDir),
  });
  // The page last: it serves "/" and static files.
  channels.push(
    createWebChatChannel({
      logger,
      directLine,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      webSocket: !config.DIRECTLINE_POLLING,
      limits,
      azure: config.DIRECTLINE_AZURE_SECRET ? { secret: config.DIRECTLINE_AZURE_SECRET, domain: config.DIRECTLINE_AZURE_DOMAIN } : undefined,
    }),
  );

  const app = createApp({
    logger,
    search,
    cloudAdapter,
    bot: logic,
    channels,
    authenticated: !!config.MicrosoftAppId,
    limits,
    jsonLimits,
    routes: [...editor.routes, staff.console],
    health: () => ({ entries: search.engine.size, contentHash: search.engine.hash, store: config.STATE_STORE.split(':')[0] }),
  });
  const retention = { state: retainable(storage), feedback: retainable(feedback), unanswered: retainable(unanswered), directLineLog: retainable(conversationLog) };
  return { app, search, kb, adapter, directLine, channels, handoff, feedback, unanswered, retention, limits, caseDb, desk, staff, editor };
}

export async function start(config: Config, logger: Logger): Promise<Server> {
  const t0 = performance.now();
  const rt = buildRuntime(config, logger);

  if (config.WATCH_CONTENT || config.NODE_ENV === 'development') {
    // An editor saved a file: re-read and re-check everything (entries, directory, and the flows
    // that name entries), then swap search and lookups together; on any error keep what runs.
    let timer: NodeJS.Timeout | undefined;
    watch(config.knowledgeDir, { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const next = loadKnowledge(config.knowledgeDir);
        const errs = [...errorsOf(next), ...checkDialogs(config.dialogsDir, new KnowledgeBase(next)).filter((i) => i.severity === 'error')];
        if (errs.length) {
          logger.warn({ errors: errs.length }, `content changed but has errors; keeping the current content:\n${formatIssues(errs)}`);
          return;
        }
        // An editor's publish from the console has swapped in this very content already.
        if (contentHash(next) === rt.search.engine.hash) return;
        rt.search.engine = SearchEngine.build(next);
        rt.kb.replace(next);
        logger.info({ entries: rt.search.engine.size }, 'content changed: reloaded and search index rebuilt');
      }, 300);
    }).unref();
  }

  await rt.caseDb.ready;
  // Several processes on one PostgreSQL: staff consoles hear about cases from all of them.
  const bridge = rt.caseDb.pg
    ? await bridgeCaseEvents(rt.desk.events, rt.caseDb.pg.pool, rt.caseDb.pg.schema, (err) => logger.warn({ err }, 'case events (LISTEN/NOTIFY) failed'))
    : undefined;
  // Slow or idle clients must not hold connections (Node's defaults allow 300 s per request and
  // check only every 30 s).
  const server = createServer(
    {
      headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(1000, config.HTTP_HEADERS_TIMEOUT_MS),
    },
    rt.app,
  ).listen(config.PORT, config.HOST);
  server.maxConnections = config.HTTP_MAX_CONNECTIONS;
  await new Promise<void>((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });
  const retention = startRetention({
    targets: rt.retention,
    retentionMs: config.RETENTION_DAYS * 24 * 3600_000,
    intervalMs: config.RETENTION_SWEEP_MINUTES * 60_000,
    logger,
  });
  server.once('close', () => retention.stop());
  rt.directLine.attach(server);
  logger.info({ port: config.PORT, readyMs: Math.round(performance.now() - t0) }, `legal-aid-bot listening on http://localhost:${config.PORT}`);

  const shutdown = () => {
    logger.info('shutting down');
    server.close();
    void Promise.all([...rt.channels.map((c) => c.close?.()), bridge?.close().then(() => rt.caseDb.db.close()) ?? rt.caseDb.db.close()]).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return server;
}

if (require.main === module) {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    console.error(e instanceof ConfigError ? e.message : e);
    process.exit(1);
  }
  const logger = createLogger(config.LOG_LEVEL);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  start(config, logger).catch((e: unknown) => {
    logger.fatal({ err: e }, (e as Error).message);
    process.exit(1);
  });
}

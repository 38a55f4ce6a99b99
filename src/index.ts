/**
 * The one wiring place: config → content → search → bot → channels → createApp → listen.
 * Everything else receives its dependencies; nothing else reads the environment.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { watch } from 'node:fs';
import { resolve } from 'node:path';
import { createApp } from './app';
import { createBot } from './bot/bot';
import { type Config, ConfigError, loadConfig } from './config';
import { formatIssues } from './content/errors';
import { errorsOf, loadKnowledge } from './content/loader';
import { type Logger, createLogger } from './logger';
import { SearchEngine } from './search/engine';
import { loadOrBuild } from './search/store';
import type { KnowledgeSearch } from './search/types';

/** A search whose engine can be swapped when content changes (development). */
class SwappableSearch implements KnowledgeSearch {
  constructor(public engine: SearchEngine) {}
  search(...args: Parameters<KnowledgeSearch['search']>) {
    return this.engine.search(...args);
  }
}

export async function start(config: Config, logger: Logger) {
  const t0 = performance.now();
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

  const bot = createBot({ search });
  const cloudAdapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: config.MicrosoftAppId,
      MicrosoftAppPassword: config.MicrosoftAppPassword,
      MicrosoftAppType: config.MicrosoftAppType,
      MicrosoftAppTenantId: config.MicrosoftAppTenantId,
    }),
  );
  cloudAdapter.onTurnError = async (context, error) => {
    logger.error({ err: error, conversation: context.activity.conversation?.id }, 'turn failed');
    await context.sendActivity('抱歉，出了点问题，请再说一次。Sorry, something went wrong; please try again.');
  };

  const app = createApp({
    logger,
    search,
    cloudAdapter,
    bot: (ctx) => bot.run(ctx),
    health: () => ({ entries: search.engine.size, contentHash: search.engine.hash }),
  });

  if (config.WATCH_CONTENT || config.NODE_ENV === 'development') {
    let timer: NodeJS.Timeout | undefined;
    watch(config.knowledgeDir, { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const next = loadKnowledge(config.knowledgeDir);
        const errs = errorsOf(next);
        if (errs.length) {
          logger.warn({ errors: errs.length }, `content changed but has errors; keeping the current index:\n${formatIssues(errs)}`);
          return;
        }
        search.engine = SearchEngine.build(next);
        logger.info({ entries: search.engine.size }, 'content changed: search index rebuilt');
      }, 300);
    }).unref();
  }

  const server = app.listen(config.PORT, config.HOST, () => {
    logger.info({ port: config.PORT, readyMs: Math.round(performance.now() - t0) }, `legal-aid-bot listening on http://localhost:${config.PORT}`);
  });
  return { app, server };
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
  start(config, logger).catch((e: unknown) => {
    logger.fatal({ err: e }, (e as Error).message);
    process.exit(1);
  });
}

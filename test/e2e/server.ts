/**
 * Test support: the chat page and Direct Line endpoint in front of a bot, listening on 127.0.0.1
 * with an ephemeral port — by default the product bot (dialog engine, real knowledge and search,
 * via test/bot/harness.ts), or any BotLogic. Used by the directlinejs and browser tests, and
 * runnable by hand: `npx tsx test/e2e/server.ts [port]`.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Storage } from 'botbuilder';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { type BotLogic, InProcessAdapter } from '../../src/bot/in-process-adapter';
import { type DirectLineChannel, createDirectLineChannel } from '../../src/channels/directline';
import { createWebChatChannel } from '../../src/channels/webchat';
import { createLogger } from '../../src/logger';
import type { KnowledgeSearch } from '../../src/search/types';
import { buildBot } from '../bot/harness';
import { searchEngine } from '../helpers';

export interface ChatServer {
  url: string;
  adapter: InProcessAdapter;
  directLine: DirectLineChannel;
  close(): Promise<void>;
}

export interface ChatServerOptions {
  webSocket?: boolean;
  port?: number;
  logLevel?: string;
  /** The bot's turn logic; default: the product bot. */
  bot?: (search: KnowledgeSearch) => BotLogic;
  /** The product bot's state store (default: memory); a SQLite file survives a restart of the server. */
  storage?: Storage;
}

export async function startChatServer(opts: ChatServerOptions = {}): Promise<ChatServer> {
  const logger = createLogger(opts.logLevel ?? 'silent');
  const search = searchEngine();
  let adapter: InProcessAdapter;
  let logic: BotLogic;
  if (opts.bot) {
    logic = opts.bot(search);
    adapter = new InProcessAdapter(logic);
  } else {
    const real = buildBot({ search, logger, storage: opts.storage });
    adapter = real.adapter;
    logic = (ctx) => real.bot.run(ctx);
  }
  const directLine = createDirectLineChannel({ runner: adapter, logger, secret: 'e2e-secret-0123456789abcdef' });
  const webChat = createWebChatChannel({ logger, directLine, webSocket: opts.webSocket ?? true });
  const app = createApp({
    logger,
    search,
    cloudAdapter: new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})),
    bot: logic,
    channels: [directLine, webChat],
  });
  const server = app.listen(opts.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  directLine.attach(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    adapter,
    directLine,
    async close() {
      await directLine.close?.();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

if (require.main === module) {
  startChatServer({ port: Number(process.argv[2] ?? 3978), logLevel: 'info' }).then((s) => console.log(`chat page at ${s.url}/`));
}

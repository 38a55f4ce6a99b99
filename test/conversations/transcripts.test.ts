/**
 * Every transcript in test/conversations/*.yaml, played through the real bot (real knowledge,
 * search and dialogs) on the InProcessAdapter. Transcripts with `restart` steps run on a SQLite
 * store and rebuild every process object (storage, bot, adapter) over the same file mid-way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage, type Storage } from 'botbuilder';
import { SqliteStorage } from '../../src/state';
import { buildBot, chat, type TestBot } from '../bot/harness';
import { searchEngine } from '../helpers';
import { loadTranscripts, runTranscript, type Transcript } from './runner';

const transcripts = loadTranscripts(__dirname);

describe('conversation transcripts (InProcessAdapter, real bot)', function () {
  this.timeout(60_000);
  before(() => searchEngine());

  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'transcripts-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [n, t] of transcripts.entries()) {
    it(`${t.file}: ${t.name}`, async () => {
      const file = join(dir, `t${n}.db`);
      const open = (): { storage: Storage; close: () => void } => {
        if (t.store === 'sqlite') {
          const s = new SqliteStorage(file);
          return { storage: s, close: () => s.close() };
        }
        return { storage: new MemoryStorage(), close: () => undefined };
      };
      let store = open();
      let bot: TestBot = buildBot({ storage: store.storage });
      const ids = { conversationId: `conv-${n}`, userId: `user-${n}` };
      let c = chat(bot.adapter, { channelId: t.channel ?? 'test', locale: t.locale, ...ids });
      try {
        await runTranscript(t as Transcript, (text) => c.say(text), {
          restart: async () => {
            store.close();
            store = open();
            bot = buildBot({ storage: store.storage });
            c = chat(bot.adapter, { channelId: t.channel ?? 'test', locale: t.locale, ...ids });
          },
        });
      } finally {
        store.close();
      }
    });
  }
});

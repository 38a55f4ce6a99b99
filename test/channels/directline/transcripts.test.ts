/**
 * Every conversation transcript (test/conversations/*.yaml) over Direct Line: the chat page's
 * server (test/e2e/server.ts: Direct Line endpoint and the real bot with real knowledge, search
 * and dialogs) on 127.0.0.1, and a citizen speaking plain Direct Line 3.0 over HTTP
 * (transcript-client.ts): start the conversation as Web Chat does (the bot greets with its menu),
 * post each message, read the replies since the last watermark. The transcript's locale is the
 * page's. One server serves all transcripts, one conversation each.
 *
 * A transcript is a conversation from the citizen's first message. Web Chat's start adds the
 * greeting, whose menu stays open for that first message; where the menu takes it as one of its
 * options, the transcript is played as a Direct Line client holding a token posts it, without the
 * greeting (GREETING_TAKES lists them and why).
 *
 * Transcripts with `restart` steps get their own server over a SQLite store, and a restart is a
 * real one: the server is closed and a new one (new bot, adapter and Direct Line log, the same
 * secret) listens; the client keeps its token, conversation and watermark, as an open page would.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage } from '../../../src/state';
import { loadTranscripts, needsRestart, runTranscript, type Transcript } from '../../conversations/runner';
import { type ChatServer, startChatServer } from '../../e2e/server';
import { searchEngine } from '../../helpers';
import { type DirectLineChat, directLineChat } from './transcript-client';

const transcripts = loadTranscripts(join(__dirname, '../../conversations'));

/** Transcripts whose first message the greeting's open menu takes as an option, by "file: name". */
// Transcripts that cannot start the way Web Chat does (greeting first), with why. Empty: every
// transcript runs after the greeting, as a citizen's conversation does.
const GREETING_TAKES: Record<string, string> = {};

describe('conversation transcripts over Direct Line (HTTP on 127.0.0.1, real bot)', function () {
  this.timeout(60_000);
  let shared: ChatServer;
  let dir: string;

  before(async () => {
    searchEngine();
    dir = mkdtempSync(join(tmpdir(), 'directline-transcripts-'));
    shared = await startChatServer({ webSocket: false });
  });
  after(async () => {
    await shared?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every transcript named in GREETING_TAKES exists', () => {
    const names = new Set(transcripts.map((t) => `${t.file}: ${t.name}`));
    for (const k of Object.keys(GREETING_TAKES)) assert.ok(names.has(k), `stale entry: ${k}`);
  });

  async function open(t: Transcript, url: string): Promise<DirectLineChat> {
    const c = directLineChat(url, { locale: t.locale });
    if (GREETING_TAKES[`${t.file}: ${t.name}`]) await c.openWithoutGreeting();
    else assert.ok((await c.join()).length > 0, 'the bot greets a new conversation');
    return c;
  }

  for (const [n, t] of transcripts.entries()) {
    const title = `${t.file}: ${t.name}`;
    const notes = [GREETING_TAKES[title] && `started without the greeting: ${GREETING_TAKES[title]}`, needsRestart(t) && 'server restarted over SQLite'].filter(Boolean);
    const name = notes.length ? `${title} (${notes.join('; ')})` : title;
    if (!needsRestart(t)) {
      it(name, async () => {
        const c = await open(t, shared.url);
        await runTranscript(t, (text) => c.say(text));
      });
      continue;
    }
    it(name, async () => {
      const file = join(dir, `t${n}.db`);
      let storage = new SqliteStorage(file);
      let server: ChatServer | undefined = await startChatServer({ webSocket: false, storage });
      const stop = async () => {
        await server?.close();
        server = undefined;
        storage.close();
      };
      try {
        const c = await open(t, server.url);
        await runTranscript(t, (text) => c.say(text), {
          restart: async () => {
            await stop();
            storage = new SqliteStorage(file);
            server = await startChatServer({ webSocket: false, storage });
            c.moveTo(server.url);
          },
        });
      } finally {
        await stop();
      }
    });
  }
});

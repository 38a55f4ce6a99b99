/**
 * Every conversation transcript (test/conversations/*.yaml) over WeChat: the fake platform posts
 * each message in safe mode (encrypted, signed) to the channel on 127.0.0.1, the real bot (real
 * knowledge, search and dialogs) answers, and the citizen's received messages are read back with
 * the options parsed out of the numbered lines (transcript-client.ts). One channel serves all
 * transcripts, one OpenID each. Transcripts with `restart` steps get their own channel over a
 * SQLite store, rebuilt mid-way behind the same platform and user, as after a process restart
 * (the channel's own memory of offered options is lost too, as it would be). The citizen already
 * follows the account: no subscribe event, so no greeting before the transcript's first message.
 *
 * WeChat carries no locale: every activity arrives as zh-CN. A transcript set in an English
 * channel locale is played as a WeChat citizen gets English — by typing "English" first (its
 * replies are not part of the transcript) — except where the channel locale itself is the subject.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage, type Storage } from 'botbuilder';
import { SqliteStorage } from '../../../src/state';
import { buildBot, realKb } from '../../bot/harness';
import { type Send, type Transcript, loadTranscripts, needsRestart, runTranscript } from '../../conversations/runner';
import { searchEngine } from '../../helpers';
import { FakeWeChatPlatform, randomAesKey } from './fake-platform';
import { APPID, type Harness, SECRET, TOKEN, startHarness } from './harness';
import { toBotReplies, weChatSend } from './transcript-client';

const transcripts = loadTranscripts(join(__dirname, '../../conversations'));

/** Transcripts that cannot mean anything on WeChat, by "file: name", with the reason. */
const SKIP: Record<string, string> = {
  'language.yaml: an explicit choice beats the channel locale':
    'it is about the channel locale (en-US) losing to a typed choice, and WeChat carries no locale',
};

/** What a WeChat citizen types to get the transcript's language, when it is not the default. */
function languagePrelude(t: Transcript): string | undefined {
  return /^en\b/i.test(t.locale ?? '') ? 'English' : undefined;
}

describe('WeChat messages read back as transcript replies', () => {
  it('the numbered option lines closing the last message are its buttons, in order, and leave the text', () => {
    assert.deepEqual(toBotReplies(['第一段', '依据：某法\n\n回复 1：有帮助\n回复 2：没帮助']), [
      { text: '第一段', suggestions: [] },
      { text: '依据：某法', suggestions: ['有帮助', '没帮助'] },
    ]);
    assert.deepEqual(toBotReplies(['Legal basis: x\n\nReply 1: Helpful\nReply 2: Not helpful']), [{ text: 'Legal basis: x', suggestions: ['Helpful', 'Not helpful'] }]);
    assert.deepEqual(toBotReplies(['回复 1：只有选项']), [{ text: '', suggestions: ['只有选项'] }]);
  });

  it('text without option lines has no buttons; option lines elsewhere stay text; misnumbered options fail', () => {
    assert.deepEqual(toBotReplies(['请回复序号：\n1. 工资']), [{ text: '请回复序号：\n1. 工资', suggestions: [] }]);
    assert.deepEqual(toBotReplies(['回复 1：甲\n说明']), [{ text: '回复 1：甲\n说明', suggestions: [] }]);
    assert.deepEqual(toBotReplies([]), []);
    assert.throws(() => toBotReplies(['正文\n\n回复 2：甲\n回复 3：乙']), /not numbered/);
  });
});

describe('conversation transcripts over WeChat (safe mode, fake platform, real bot)', function () {
  this.timeout(60_000);
  let platform: FakeWeChatPlatform;
  let shared: Harness;
  let dir: string;

  /** The channel in front of a fresh product bot over `storage`, behind the one platform. */
  async function channel(storage: Storage): Promise<Harness> {
    const bot = buildBot({ storage });
    const h = await startHarness({
      mode: 'safe',
      platform,
      logic: (ctx) => bot.bot.run(ctx),
      tuning: { replyBudgetMs: 4500 },
      deps: { knowledge: realKb() },
    });
    h.adapter.onTurnError = bot.onTurnError;
    return h;
  }

  before(async () => {
    searchEngine(); // build the index once, outside the reply budget
    dir = mkdtempSync(join(tmpdir(), 'wechat-transcripts-'));
    platform = await new FakeWeChatPlatform({ token: TOKEN, appId: APPID, appSecret: SECRET, encodingAESKey: randomAesKey() }).start();
    shared = await channel(new MemoryStorage());
  });
  after(async () => {
    await shared?.close();
    await platform?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The transcript after the citizen's language choice, if it needs one. */
  async function play(t: Transcript, send: Send, opts?: Parameters<typeof runTranscript>[2]): Promise<void> {
    const prelude = languagePrelude(t);
    if (prelude) assert.ok((await send(prelude)).length > 0, `no reply to the language choice "${prelude}"`);
    await runTranscript(t, send, opts);
  }

  it('every skip names a transcript that exists', () => {
    const names = new Set(transcripts.map((t) => `${t.file}: ${t.name}`));
    for (const k of Object.keys(SKIP)) assert.ok(names.has(k), `stale skip: ${k}`);
  });

  for (const [n, t] of transcripts.entries()) {
    const user = `oTranscript_${String(n).padStart(3, '0')}_${Date.now().toString(36)}`;
    const title = `${t.file}: ${t.name}`;
    const skip = SKIP[title];
    if (skip) {
      it.skip(`${title} — skipped on WeChat: ${skip}`);
      continue;
    }
    const prelude = languagePrelude(t);
    const how = [prelude && `locale ${t.locale} → the citizen types "${prelude}" first`, needsRestart(t) && 'channel and bot restarted over SQLite'].filter(Boolean);
    const name = how.length ? `${title} (${how.join('; ')})` : title;
    if (!needsRestart(t)) {
      it(name, () => play(t, weChatSend(shared, user)));
      continue;
    }
    it(name, async () => {
      const file = join(dir, `t${n}.db`);
      let storage = new SqliteStorage(file);
      let h = await channel(storage);
      const stop = async () => {
        await h.close();
        storage.close();
      };
      try {
        await play(t, (text) => weChatSend(h, user)(text), {
          restart: async () => {
            await stop();
            storage = new SqliteStorage(file);
            h = await channel(storage);
          },
        });
      } finally {
        await stop();
      }
    });
  }
});

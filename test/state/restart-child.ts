/**
 * Child process for restart.test.ts: opens the bot over STATE_STORE, sends the messages given as
 * arguments, prints the replies as JSON and exits — a real process ending mid-conversation.
 */
import { createStorage, SqliteStorage } from '../../src/state';
import { buildBot, chat } from '../bot/harness';

async function main(): Promise<void> {
  const [spec, conversationId, ...messages] = process.argv.slice(2);
  const storage = createStorage(spec!);
  const b = buildBot({ storage });
  const c = chat(b.adapter, { conversationId, userId: `user-${conversationId}` });
  const out = [];
  for (const m of messages) out.push(await c.say(m));
  if (storage instanceof SqliteStorage) storage.close();
  process.stdout.write(JSON.stringify(out));
}

void main();

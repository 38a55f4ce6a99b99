/**
 * Console chat with the bot, through the same InProcessAdapter the channels use:
 *   npm run repl                       (zh-CN; STATE_STORE, KNOWLEDGE_DIR, DIALOGS_DIR from env)
 *   npm run repl -- --locale en-US     the channel locale to send
 * Buttons are shown as a numbered list; typing the number sends the button's text. Replies are
 * Markdown rendered for the terminal (bold, lists, links as their text). At a terminal the input
 * line is the prompt "you> " (the terminal itself shows what was typed, so it is not echoed
 * again); with piped input each line is written after "you> " so the transcript reads the same.
 * Commands: :new (new conversation), :quit.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Activity } from 'botbuilder';
import { createBot } from '../bot/bot';
import { InProcessAdapter } from '../bot/in-process-adapter';
import { loadConfig } from '../config';
import { formatIssues } from '../content/errors';
import { KnowledgeBase } from '../content/knowledge';
import { errorsOf, loadKnowledge } from '../content/loader';
import { loadFlows } from '../dialogs';
import { createLogger } from '../logger';
import { createSearch } from '../search/engine';
import { createRecordSinks, createStorage } from '../state';
import { markdownForTerminal } from './terminal-markdown';

export interface ReplOptions {
  adapter: InProcessAdapter;
  input: Readable;
  output: Writable;
  locale?: string;
  channelId?: string;
  /** A person at a terminal: a prompt, no echo, bold in ANSI. Default: input.isTTY. */
  interactive?: boolean;
}

/** Runs until the input ends or ":quit". */
export async function runRepl(o: ReplOptions): Promise<void> {
  const interactive = o.interactive ?? !!(o.input as Readable & { isTTY?: boolean }).isTTY;
  const write = (s: string) => o.output.write(`${s}\n`);
  let conversation = randomUUID();
  let buttons: string[] = [];
  const send = async (text: string) => {
    const activity: Partial<Activity> = {
      type: 'message',
      text,
      channelId: o.channelId ?? 'console',
      locale: o.locale,
      conversation: { id: conversation, isGroup: false, conversationType: 'personal', name: 'console' },
      from: { id: 'console-user', name: 'you' },
    };
    const replies = await o.adapter.run(activity);
    for (const r of replies) {
      if (r.type !== 'message') continue;
      write(`bot> ${markdownForTerminal(r.text ?? '', { color: interactive }).replace(/\n/g, '\n     ')}`);
      const actions = r.suggestedActions?.actions ?? [];
      if (actions.length) {
        buttons = actions.map((a) => (a.type === 'openUrl' ? String(a.title ?? '') : String(a.value ?? a.title ?? '')));
        write(`     [${buttons.map((b, i) => `${i + 1} ${b}`).join(' | ')}]`);
      }
    }
  };
  write('legal-aid-bot console — type a question; :new starts over, :quit leaves');
  const rl = createInterface({ input: o.input, output: interactive ? o.output : undefined, terminal: interactive, prompt: 'you> ' });
  if (interactive) rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === ':quit') break;
    if (text === ':new') {
      conversation = randomUUID();
      buttons = [];
      write('(new conversation)');
    } else if (text) {
      if (!interactive) write(`you> ${text}`);
      const n = /^\d+$/.test(text) ? Number(text) : 0;
      await send(n >= 1 && n <= buttons.length ? buttons[n - 1]! : text);
    }
    if (interactive) rl.prompt();
  }
  rl.close();
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const content = loadKnowledge(config.knowledgeDir);
  const errors = errorsOf(content);
  if (errors.length) process.stderr.write(`knowledge has ${errors.length} errors:\n${formatIssues(errors)}\n`);
  const kb = new KnowledgeBase(content);
  const flows = loadFlows(config.dialogsDir, kb);
  const sinks = createRecordSinks(config.STATE_STORE);
  const { bot, onTurnError } = createBot({ kb, search: createSearch(content), flows, storage: createStorage(config.STATE_STORE), logger, ...sinks });
  const adapter = new InProcessAdapter((ctx) => bot.run(ctx));
  adapter.onTurnError = onTurnError;
  const i = process.argv.indexOf('--locale');
  await runRepl({ adapter, input: process.stdin, output: process.stdout, locale: i > 0 ? process.argv[i + 1] : undefined });
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
  });
}

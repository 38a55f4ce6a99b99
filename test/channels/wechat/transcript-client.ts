/**
 * A citizen on WeChat as the conversation-transcript runner (test/conversations/runner.ts) sees
 * one. Every chat message the citizen receives for a turn (the passive reply, then
 * customer-service messages) is one reply. WeChat has no buttons: the channel appends the offered
 * options as numbered lines (the "wechat.choice_line" strings: "回复 1：…", "Reply 1: …"); those
 * lines are read back as the turn's buttons and taken out of the text, so a transcript's
 * `suggests` checks what the citizen can pick and `contains` checks what they read. The citizen
 * answers by typing, as on WeChat: a number or a button's words go to the channel as typed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIALOGS_DIR } from '../../bot/harness';
import type { BotReply, Send } from '../../conversations/runner';
import type { Harness } from './harness';

let patterns: RegExp[] | undefined;

/** One regex per locale for an option line, from the same strings the channel renders with. */
function choiceLinePatterns(): RegExp[] {
  if (patterns) return patterns;
  const dir = join(DIALOGS_DIR, 'locales');
  patterns = readdirSync(dir).map((locale) => {
    const file = join(dir, locale, 'wechat.json');
    const template = (JSON.parse(readFileSync(file, 'utf8')) as { wechat: { choice_line: string } }).wechat.choice_line;
    const escaped = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const n = '\\{\\{n\\}\\}';
    const title = '\\{\\{title\\}\\}';
    if (!escaped.includes(n) || !escaped.includes(title)) throw new Error(`${file}: choice_line lacks {{n}} or {{title}}: ${template}`);
    return new RegExp(`^${escaped.replace(n, '(?<n>\\d+)').replace(title, '(?<title>.+)')}$`);
  });
  return patterns;
}

function optionLine(line: string): { n: number; title: string } | undefined {
  for (const p of choiceLinePatterns()) {
    const m = p.exec(line);
    if (m?.groups) return { n: Number(m.groups.n), title: m.groups.title!.trim() };
  }
  return undefined;
}

/**
 * The messages of one turn as replies. The options close the last message (the channel keeps them
 * together there), numbered 1…n; anything else is a rendering error and fails loudly.
 */
export function toBotReplies(messages: string[]): BotReply[] {
  if (!messages.length) return [];
  const lines = messages.at(-1)!.split('\n');
  const options: { n: number; title: string }[] = [];
  let end = lines.length;
  for (let o = optionLine(lines[end - 1] ?? ''); end > 0 && o; o = optionLine(lines[end - 1] ?? '')) {
    options.unshift(o);
    end--;
  }
  options.forEach((o, i) => {
    if (o.n !== i + 1) throw new Error(`WeChat option lines are not numbered 1…${options.length}:\n${messages.at(-1)}`);
  });
  return [
    ...messages.slice(0, -1).map((text) => ({ text, suggestions: [] })),
    { text: lines.slice(0, end).join('\n').trim(), suggestions: options.map((o) => o.title) },
  ];
}

/** The runner's `send` for one WeChat user (an OpenID) talking to the channel in `mode`. */
export function weChatSend(h: Harness, user: string, mode: 'plain' | 'safe' | 'compat' = 'safe'): Send {
  return async (text) => toBotReplies(await h.say(user, text, mode));
}

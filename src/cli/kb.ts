/**
 * Editors' and developers' command line for the knowledge base:
 *   npm run kb -- check               validate all content; exit 1 on errors (warnings listed)
 *   npm run kb -- build               build the search index file ahead of time
 *   npm run kb -- search "<text>"     show ranked hits with confidence and why they matched
 *   npm run kb -- eval <file.yaml>    accuracy and rejection rates on a labelled set
 */
import { resolve } from 'node:path';
import { formatIssues } from '../content/errors';
import { errorsOf, loadKnowledge } from '../content/loader';

const KNOWLEDGE_DIR = resolve(process.env.KNOWLEDGE_DIR ?? 'knowledge');

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  async check() {
    const c = loadKnowledge(KNOWLEDGE_DIR);
    const errors = errorsOf(c);
    const warnings = c.issues.filter((i) => i.severity === 'warning');
    if (warnings.length) console.log(formatIssues(warnings));
    if (errors.length) console.error(formatIssues(errors));
    console.log(
      `${c.entries.length} entries, ${c.topics.length} topics, ${c.hotlines.length} hotlines, ${c.districts.length} districts: ` +
        `${errors.length} errors, ${warnings.length} warnings`,
    );
    return errors.length ? 1 : 0;
  },
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const cmd = name ? commands[name] : undefined;
  if (!cmd) {
    console.error(`usage: npm run kb -- <${Object.keys(commands).join('|')}> [args]`);
    process.exitCode = 2;
    return;
  }
  process.exitCode = await cmd(args);
}

void main();

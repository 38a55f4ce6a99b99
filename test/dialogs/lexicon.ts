/** The real lexicon files from dialogs/lexicon, parsed once for the matcher tests. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { buildChoiceLexicon, type ChoiceLexicon, choiceLexiconFileSchema } from '../../src/dialogs/choice-recognizer';
import { buildCommandLexicon, type CommandLexicon, commandsFileSchema } from '../../src/dialogs/commands';
import { buildContextLexicon, type ContextLexicon, contextFileSchema } from '../../src/dialogs/context';
import { compileEmergencyRules, type EmergencyRules, emergencyFileSchema } from '../../src/dialogs/emergency';

const dir = resolve(__dirname, '../../dialogs/lexicon');
const read = (f: string) => parse(readFileSync(resolve(dir, f), 'utf8'));

let choices: ChoiceLexicon | undefined;
let commands: CommandLexicon | undefined;
let emergency: EmergencyRules | undefined;
let context: ContextLexicon | undefined;

export const choiceLexicon = () => (choices ??= buildChoiceLexicon(choiceLexiconFileSchema.parse(read('choices.yaml'))));
export const commandLexicon = () => (commands ??= buildCommandLexicon(commandsFileSchema.parse(read('commands.yaml'))));
export const emergencyRules = () => (emergency ??= compileEmergencyRules(emergencyFileSchema.parse(read('emergency.yaml'))));
export const contextLexicon = () => (context ??= buildContextLexicon(contextFileSchema.parse(read('context.yaml'))));

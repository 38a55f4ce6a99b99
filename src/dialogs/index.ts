/**
 * Conversation engine: declarative flows in dialogs/ run on botbuilder-dialogs.
 * Code outside src/dialogs imports from here ('../dialogs'), not from the files behind it.
 * Inside, imports run one way (test/dialogs/layers.test.ts):
 *   ids → flow-schema → model → step-contract → steps/ → flow-graph, loader / reply, interpreter → engine
 * beside them the matchers and views the layers use (input, choice-recognizer, commands, context,
 * district, emergency*, alert, answer-view, route-view, sinks, condition).
 *
 * Public API (everything else in this folder is internal):
 *   loadFlows(dialogsDir, kb): LoadedFlows
 *       reads and validates dialogs/ (flows, templates, locales, lexicon); throws
 *       DialogValidationError (.issues: DialogIssue[] with file and step) on any error
 *   checkDialogs(dialogsDir, kb): DialogIssue[]
 *       the same validation, returning errors and warnings (for `npm run kb -- check`)
 *   new DialogEngine({ kb, search, flows, sinks, logger, conversationState, userState })
 *       .onMessage(context) / .onMembersAdded(context): one turn (bot.ts wires it)
 *   FeedbackSink, UnansweredSink, HandoffSink (+ Memory* implementations, and storedText, the
 *       masked and bounded text they keep; SQLite ones in src/state/records.ts): what the engine
 *       reports for editors and staff
 *   readEmergencySet / evaluateEmergency / formatEmergencyReport: the danger sets scored (kb eval,
 *       the editor's regression run)
 *   detectEmergency / recognizeChoice / matchCommand: the pure matchers, exported for tests
 *       and tools; recognizeChoice is also how WeChat reads a reply to its numbered options
 *       (flows.choices, or loadChoiceLexicon(dialogsDir) for lexicon/choices.yaml alone)
 *   replyActivity, sanitizeInput, normalizeForMatch: for the hosting layer (live handoff, staff
 *       replies, case summaries) so that they reuse the engine's one mapping and one normaliser
 */
export { checkDialogs, DialogValidationError, loadChoiceLexicon, loadFlows } from './loader';
export type { DialogIssue, Flow, LoadedFlows } from './loader';
export { DialogEngine } from './engine';
export type { DialogEngineDeps } from './engine';
export {
  MemoryFeedbackSink,
  MemoryHandoffSink,
  MemoryUnansweredSink,
  storedText,
} from './sinks';
export type {
  FeedbackRecord,
  FeedbackSink,
  HandoffEvent,
  HandoffSink,
  ListQuery,
  UnansweredRecord,
  UnansweredSink,
} from './sinks';
export type { Sinks } from './step-contract';
export { detectEmergency } from './emergency';
export type { EmergencyRules } from './emergency';
export { evaluateEmergency, formatEmergencyReport, readEmergencySet } from './emergency-eval';
export type { EmergencySet } from './emergency-eval';
export { recognizeChoice, recognizeYesNo } from './choice-recognizer';
export type { ChoiceLexicon } from './choice-recognizer';
export { matchCommand, matchLanguageSwitch } from './commands';
/** For the hosting layer (live handoff, staff replies): one Reply → Activity mapping, one input cleaner. */
export { replyActivity } from './reply';
export type { Reply } from './step-contract';
export { normalizeForMatch, sanitizeInput } from './input';

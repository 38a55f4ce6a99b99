/**
 * Assembles the bot's side of the 12348 desk from its parts: the case-creating HandoffSink, the
 * recent transcripts, the live-handoff hook and the case events staff listen to. Used by
 * src/index.ts and by tests, so both wire it the same way.
 */
import { CaseEvents } from '../cases/events';
import { CaseHandoffSink, type Classification } from '../cases/handoff-sink';
import type { StaffedHours } from '../cases/hours';
import { loadHandoffLexicon } from '../cases/lexicon';
import type { CaseStore } from '../cases/store';
import { RecentTranscripts } from '../cases/transcripts';
import type { KnowledgeBase } from '../content/knowledge';
import { detectEmergency, type LoadedFlows } from '../dialogs';
import type { Logger } from '../logger';
import type { KnowledgeSearch } from '../search/types';
import { LiveHandoff } from './live-handoff';

export interface CaseDeskDeps {
  cases: CaseStore;
  kb: KnowledgeBase;
  search: KnowledgeSearch;
  flows: LoadedFlows;
  dialogsDir: string;
  hours: StaffedHours;
  logger: Logger;
  events?: CaseEvents;
  /** A staff member's display name, for the citizen's status answers. */
  staffName?: (username: string) => Promise<string | undefined>;
  now?: () => Date;
}

export interface CaseDesk {
  sink: CaseHandoffSink;
  live: LiveHandoff;
  events: CaseEvents;
  transcripts: RecentTranscripts;
}

export function createCaseDesk(deps: CaseDeskDeps): CaseDesk {
  const lexicon = loadHandoffLexicon(deps.dialogsDir);
  const events = deps.events ?? new CaseEvents();
  const transcripts = new RecentTranscripts();
  const isEmergency = (text: string) => !!detectEmergency(text, deps.flows.emergency);
  const classify = (text: string): Classification | undefined => {
    if (!text.trim()) return undefined;
    const r = deps.search.search(text.slice(0, 200), { top: 1 });
    const hit = r.results[0];
    if (!hit || !(r.confident || hit.resembles)) return undefined;
    const topic = deps.kb.topic(hit.topic);
    const entry = deps.kb.entry(hit.id);
    return { topic: hit.topic, matterType: topic?.title, route: entry?.route ?? topic?.route };
  };
  const sink = new CaseHandoffSink({ cases: deps.cases, events, transcripts, lexicon, isEmergency, classify });
  const live = new LiveHandoff({
    cases: deps.cases,
    sink,
    events,
    transcripts,
    lexicon,
    emergency: deps.flows.emergency,
    hours: deps.hours,
    translator: deps.flows.translator,
    logger: deps.logger,
    staffName: deps.staffName,
    now: deps.now,
  });
  return { sink, live, events, transcripts };
}

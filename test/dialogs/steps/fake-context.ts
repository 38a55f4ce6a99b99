/**
 * A fake StepContext for testing one step handler alone: the real dialogs/ data (templates,
 * strings, lexicons) and knowledge, a scripted or real search, memory sinks, and a `sent` list
 * instead of a turn. No Bot Framework, no interpreter. Steps are parsed from editor-style
 * objects with the real flow schema (stepOf), so they carry the schema's branded ids.
 */
import assert from 'node:assert/strict';
import type { Locale } from '../../../src/content/schema';
import { type StepKind, type StepOf, stepSchema } from '../../../src/dialogs/flow-schema';
import { asFlowId, asStepId } from '../../../src/dialogs/ids';
import type { LoadedFlows } from '../../../src/dialogs/model';
import { renderTemplate } from '../../../src/dialogs/reply';
import { MemoryFeedbackSink, MemoryHandoffSink, MemoryUnansweredSink } from '../../../src/dialogs/sinks';
import type { EngineServices, FlowState, Profile, Reply, SlotValue, StepContext, TalkContext } from '../../../src/dialogs/step-contract';
import { createLogger } from '../../../src/logger';
import type { KnowledgeSearch, SearchHit, SearchResult } from '../../../src/search/types';
import { realFlows, realKb } from '../../bot/harness';
import { searchEngine } from '../../helpers';

/** One step of kind K from an editor-style definition, validated by the real schema. */
export function stepOf<K extends StepKind>(kind: K, def: Record<string, unknown>): StepOf<K> {
  const step = stepSchema.parse({ kind, ...def });
  assert.equal(step.kind, kind);
  return step as StepOf<K>;
}

export interface FakeOptions {
  flow?: string;
  step?: string;
  slots?: Record<string, SlotValue>;
  profile?: Profile;
  locale?: Locale;
  talk?: TalkContext;
  search?: KnowledgeSearch;
  flows?: LoadedFlows;
  /** The handoff sink fails (delivery down). */
  handoffFails?: boolean;
}

export interface Fake {
  ctx: StepContext;
  state: FlowState;
  profile: Profile;
  talk: TalkContext;
  sent: Reply[];
  feedback: MemoryFeedbackSink;
  unanswered: MemoryUnansweredSink;
  handoff: MemoryHandoffSink;
  /** Every search the step made (query and options). */
  searches: { query: string; within?: unknown }[];
}

export function fakeContext(opts: FakeOptions = {}): Fake {
  const feedback = new MemoryFeedbackSink();
  const unanswered = new MemoryUnansweredSink();
  const handoff = new MemoryHandoffSink();
  if (opts.handoffFails) handoff.emit = async () => Promise.reject(new Error('delivery down'));
  const searches: Fake['searches'] = [];
  const inner = opts.search ?? searchEngine();
  const search: KnowledgeSearch = {
    search: (query, o) => (searches.push({ query, within: o?.within }), inner.search(query, o)),
  };
  const services: EngineServices = {
    kb: realKb(),
    search,
    flows: opts.flows ?? realFlows(),
    sinks: { feedback, unanswered, handoff },
    logger: createLogger('silent'),
  };
  const profile: Profile = { ...(opts.profile ?? {}) };
  const talk: TalkContext = { ...(opts.talk ?? {}) };
  const locale = opts.locale ?? 'zh-CN';
  const state: FlowState = {
    flow: asFlowId(opts.flow ?? 'test'),
    step: asStepId(opts.step ?? 'here'),
    slots: { ...(opts.slots ?? {}) },
    labels: {},
    retries: 0,
    history: [],
    shown: [],
  };
  const sent: Reply[] = [];
  const ctx: StepContext = {
    services,
    locale,
    profile,
    state,
    turn: { channelId: 'test', conversationId: 'conv-step', reference: { channelId: 'test', conversation: { id: 'conv-step', isGroup: false, conversationType: 'personal', name: '' } } },
    talk,
    send: async (reply) => void sent.push(reply),
    render: (template, extra, l) => renderTemplate(services, profile, l ?? locale, template, extra, state),
    t: (key, vars) => services.flows.translator.t(locale, key, vars),
    getSlot: (name) => (name === 'district' ? profile.district : state.slots[name]),
    setSlot: (name, value) => {
      if (name === 'district') {
        if (value !== undefined) profile.district = String(value);
      } else if (value === undefined) delete state.slots[name];
      else state.slots[name] = value;
    },
  };
  return { ctx, state, profile, talk, sent, feedback, unanswered, handoff, searches };
}

/** A search that always answers `result` (with real entries as hits). */
export function scriptedSearch(result: Partial<SearchResult> & { hits?: { id: string; score?: number; resembles?: boolean }[] }): KnowledgeSearch {
  return {
    search(query) {
      const results: SearchHit[] = (result.hits ?? []).map((h) => {
        const entry = realKb().entry(h.id)!;
        assert.ok(entry, `no entry ${h.id}`);
        return {
          id: entry.id,
          topic: entry.topic,
          title: entry.title,
          score: h.score ?? 1,
          entry,
          resembles: h.resembles ?? true,
          explain: { terms: {}, similarity: 1, coverage: 1, lunr: 1, topic: 1 },
        };
      });
      return { query, confident: result.confident ?? false, reason: result.reason ?? 'no-match', terms: result.terms ?? [query], results };
    },
  };
}

/**
 * What a 12348 case is: a citizen's request for a person, from the moment the bot hands the
 * conversation over until staff close it. Plain data, no storage or Bot Framework behaviour.
 *
 * Life of a case:
 *   waiting ──claim──▶ active ──handback──▶ returned ──close──▶ closed
 *      │                  │                                      ▲
 *      └──cancel (citizen "取消") / close (staff) ────────────────┘
 * "returned": the bot talks to the citizen again and asks for a rating; staff still close it with
 * an outcome for the centre's figures. Personal data (contact, transcript) is shown to staff and
 * never logged (log lines carry the case id only).
 */
import type { ConversationReference } from 'botbuilder';

declare const brand: unique symbol;
export type CaseId = string & { readonly [brand]: 'CaseId' };
export const asCaseId = (s: string) => s as CaseId;
export const CASE_ID_PATTERN = /^c_[A-Za-z0-9_-]{8,40}$/;
export const parseCaseId = (s: unknown): CaseId | undefined => (typeof s === 'string' && CASE_ID_PATTERN.test(s) ? (s as CaseId) : undefined);

export const CASE_STATUSES = ['waiting', 'active', 'returned', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** Statuses in which the citizen's messages go to staff rather than the bot. */
export const LIVE_STATUSES: readonly CaseStatus[] = ['waiting', 'active'];

export const OUTCOMES = ['answered', 'legal-aid-centre', 'mediation', 'zero-barrier', 'no-response', 'cancelled'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export type EntryKind = 'citizen' | 'bot' | 'staff' | 'note' | 'system';

export interface TranscriptEntry {
  at: string;
  kind: EntryKind;
  /** Staff username for staff and note entries. */
  author?: string;
  text: string;
}

/** A legal deadline within 7 days, or a danger signal earlier in the conversation. */
export interface UrgencySignal {
  kind: 'deadline' | 'emergency';
  /** The words that showed it, as the citizen wrote them (shown to staff). */
  evidence: string;
}

export interface CaseSummary {
  /** Topic label from knowledge/topics.yaml, when the conversation was about one. */
  matterType?: string;
  district?: { code: string; name: string };
  /** Screening (and other flow) answers, label → answer. */
  answers: Record<string, string>;
  /** Amounts of money the citizen gave ("3万元", "5000块"). */
  amounts: string[];
  /** Dates and time spans the citizen gave ("3月5日", "三个月", "下周一"). */
  dates: string[];
  urgency: UrgencySignal[];
  /** The citizen's own one-line description, or the rendered screening result. */
  line: string;
  /** The last question asked before the handoff. */
  lastQuestion?: string;
}

/** What the bot hands over when it opens a case, and every case keeps. */
export interface CaseBasis {
  channelId: string;
  conversationId: string;
  reference: Partial<ConversationReference>;
  locale: string;
  topic?: string;
  route?: string;
  summary: CaseSummary;
  /** The citizen agreed to be called back (and gave the number). */
  consentCallback: boolean;
  contact?: string;
}

export interface NewCase extends CaseBasis {
  transcript: TranscriptEntry[];
  /** Defaults to now. */
  at?: string;
}

export interface Rating {
  score: 1 | 2 | 3 | 4 | 5;
  comment?: string;
}

export interface Case extends CaseBasis {
  id: CaseId;
  status: CaseStatus;
  district?: { code: string; name: string };
  urgent: boolean;
  assignee?: string;
  createdAt: string;
  updatedAt: string;
  claimedAt?: string;
  firstResponseAt?: string;
  lastCitizenAt?: string;
  handedBackAt?: string;
  closedAt?: string;
  outcome?: Outcome;
  awaitingRating: boolean;
  rating?: Rating;
}

export interface CaseWithTranscript extends Case {
  transcript: TranscriptEntry[];
  notes: TranscriptEntry[];
}

export interface CaseFilter {
  status?: CaseStatus | CaseStatus[];
  district?: string;
  topic?: string;
  assignee?: string;
  /** Closed at or after (ISO) — for exports. */
  closedSince?: string;
  limit?: number;
}

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  caseId?: CaseId;
  detail?: string;
}

/** A state change that is not allowed now (claim of a claimed case, reply to a closed one …). */
export class CaseConflictError extends Error {
  constructor(
    readonly caseId: CaseId,
    readonly action: string,
    readonly status: CaseStatus | 'missing',
  ) {
    super(status === 'missing' ? `no case ${caseId}` : `cannot ${action} case ${caseId}: it is ${status}`);
    this.name = 'CaseConflictError';
  }
}

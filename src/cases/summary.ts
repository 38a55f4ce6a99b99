/**
 * The structured summary staff read first: matter type, district, screening answers, the amounts
 * and dates the citizen gave, and urgency — a legal deadline within about a week ("后天开庭") or a
 * danger signal earlier in the conversation. Everything is taken from what the citizen wrote
 * (their transcript lines and the handoff's answers); nothing is guessed beyond the patterns here.
 */
import { type HandoffEvent, normalizeForMatch } from '../dialogs';
import type { HandoffLexicon } from './lexicon';
import type { CaseSummary, TranscriptEntry, UrgencySignal } from './model';

const CN_NUM = '零一二两三四五六七八九十百千万';
const AMOUNT = new RegExp(`(?:\\d[\\d,，.]*|[${CN_NUM}]+)\\s*(?:多)?\\s*(?:万元|万块|万|元|块钱|块|rmb|yuan)`, 'giu');
const DATE = new RegExp(
  [
    '\\d{4}\\s*年(?:\\s*\\d{1,2}\\s*月(?:\\s*\\d{1,2}\\s*[日号])?)?',
    '\\d{1,2}\\s*月\\s*\\d{1,2}\\s*[日号]',
    `(?:\\d+|[${CN_NUM}]+)\\s*(?:个)?(?:多)?\\s*(?:个月|年|天|周|星期|礼拜)`,
    '今天|明天|后天|大后天|上周|下周[一二三四五六日天]?|本周|这周|月底|年底|上个月|下个月|去年|今年',
  ].join('|'),
  'gu',
);

function unique(xs: string[], max = 10): string[] {
  return [...new Set(xs.map((x) => x.replace(/\s+/g, '')))].slice(0, max);
}

export function extractAmounts(text: string): string[] {
  // "3个月" is a span, not money: amounts need a currency word, which the pattern requires.
  return unique(text.match(AMOUNT) ?? []);
}

export function extractDates(text: string): string[] {
  return unique(text.match(DATE) ?? []);
}

const CN_DIGIT: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** A deadline word and a near time in the same message ("下周一开庭", "还有3天就到期"). */
export function deadlineSignal(text: string, lex: HandoffLexicon): UrgencySignal | undefined {
  const n = normalizeForMatch(text);
  const word = lex.deadlineWords.find((w) => n.includes(w));
  if (!word) return undefined;
  let near = lex.nearTime.find((w) => n.includes(w));
  if (!near) {
    const m = /(\d+|[一二两三四五六七八九十])天(?:内|后|之内|以内|就)/u.exec(n);
    const days = m ? (/\d/.test(m[1]!) ? Number(m[1]) : (CN_DIGIT[m[1]!] ?? 99)) : undefined;
    if (days !== undefined && days <= lex.nearDaysMax) near = m![0];
  }
  return near ? { kind: 'deadline', evidence: text.length > 80 ? `${text.slice(0, 80)}…` : text } : undefined;
}

export interface SummaryInput {
  event: HandoffEvent;
  transcript: TranscriptEntry[];
  lexicon: HandoffLexicon;
  /** Danger check on one citizen line (the engine's emergency detector). */
  isEmergency: (text: string) => boolean;
  matterType?: string;
}

export function buildSummary(input: SummaryInput): CaseSummary {
  const { event, transcript, lexicon } = input;
  const citizen = transcript.filter((e) => e.kind === 'citizen').map((e) => e.text);
  // The handoff's own one-liner (may be masked) and the last question count as citizen text too.
  const texts = [...citizen, event.lastQuestion ?? '', event.summary];
  const urgency: UrgencySignal[] = [];
  const danger = citizen.find((t) => input.isEmergency(t));
  if (danger) urgency.push({ kind: 'emergency', evidence: danger.length > 80 ? `${danger.slice(0, 80)}…` : danger });
  for (const t of texts) {
    const d = deadlineSignal(t, lexicon);
    if (d) {
      urgency.push(d);
      break;
    }
  }
  return {
    ...(input.matterType ? { matterType: input.matterType } : {}),
    ...(event.district ? { district: event.district } : {}),
    answers: event.answers,
    amounts: unique(texts.flatMap(extractAmounts)),
    dates: unique(texts.flatMap(extractDates)),
    urgency,
    line: event.summary,
    ...(event.lastQuestion ? { lastQuestion: event.lastQuestion } : {}),
  };
}

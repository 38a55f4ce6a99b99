/**
 * The review cycle's lists: entries past their review_by date; entries citing a law that
 * knowledge/laws.yaml marks amended or repealed (or an older version than it lists); directory
 * offices whose contact details are unconfirmed (the bot gives the hotline instead).
 * Contract: pure over the content and laws given; `today` is YYYY-MM-DD.
 */
import { type LawFinding, lawFindings, type LawRecord } from '../content/editorial';
import type { KnowledgeContent } from '../content/loader';

export interface ReviewLists {
  overdue: { id: string; locale: string; title: string; file: string; review_by: string }[];
  laws: LawFinding[];
  unconfirmed: { district: string; office: string; kind: string; file: string; field: string }[];
  counts: { overdue: number; laws: number; unconfirmed: number };
}

export function reviewLists(content: KnowledgeContent, laws: LawRecord[], today: string): ReviewLists {
  const overdue = content.entries
    .filter((e) => e.review_by < today)
    .sort((a, b) => a.review_by.localeCompare(b.review_by))
    .map((e) => ({ id: e.id, locale: e.locale, title: e.title, file: e.file, review_by: e.review_by }));
  const unconfirmed = content.districts.flatMap((d) =>
    d.offices.flatMap((o, i) => (o.status === 'unconfirmed' ? [{ district: d.name, office: o.name, kind: o.kind, file: 'directory', field: `${d.code}.offices.${i}` }] : [])),
  );
  const lawList = lawFindings(content, laws);
  return { overdue, laws: lawList, unconfirmed, counts: { overdue: overdue.length, laws: lawList.length, unconfirmed: unconfirmed.length } };
}

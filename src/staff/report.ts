/**
 * Reporting on closed cases, the figures a 12348 centre reports: one CSV row per case (opened,
 * closed, channel, district, topic, urgency, outcome, who handled it, time to first response,
 * rating) and counts by topic, district and outcome with the mean time to first response and mean
 * satisfaction. Cells that a spreadsheet would run as a formula (=, +, -, @) are quoted with a
 * leading apostrophe; the citizen's rating comment is the only free text and is masked already.
 */
import type { Case } from '../cases/model';

const secondsBetween = (a?: string, b?: string) => (a && b ? Math.max(0, Math.round((Date.parse(b) - Date.parse(a)) / 1000)) : undefined);

export const CSV_COLUMNS = [
  'id',
  'created_at',
  'closed_at',
  'channel',
  'district',
  'topic',
  'urgent',
  'outcome',
  'assignee',
  'first_response_seconds',
  'rating',
  'rating_comment',
] as const;

function cell(v: unknown): string {
  let s = v === undefined || v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function casesCsv(cases: Case[]): string {
  const rows = cases.map((c) =>
    [
      c.id,
      c.createdAt,
      c.closedAt,
      c.channelId,
      c.district?.name ?? '',
      c.topic ?? '',
      c.urgent ? 'yes' : 'no',
      c.outcome ?? '',
      c.assignee ?? '',
      secondsBetween(c.createdAt, c.firstResponseAt),
      c.rating?.score,
      c.rating?.comment,
    ]
      .map(cell)
      .join(','),
  );
  // The BOM makes spreadsheet programs read the Chinese text as UTF-8.
  return `\uFEFF${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

/**
 * The centre's figures as CSV: one row per (dimension, value) for topic, district, outcome and
 * channel, with the number of closed cases, mean seconds to first response and mean rating.
 */
export function summaryCsv(cases: Case[]): string {
  const rows: string[] = ['dimension,value,cases,mean_first_response_seconds,mean_rating,rated'];
  const dims: [string, (c: Case) => string][] = [
    ['all', () => 'all'],
    ['topic', (c) => c.topic ?? 'unknown'],
    ['district', (c) => c.district?.name ?? 'unknown'],
    ['outcome', (c) => c.outcome ?? 'unknown'],
    ['channel', (c) => c.channelId],
  ];
  for (const [dim, key] of dims) {
    const groups = new Map<string, Case[]>();
    for (const c of cases) groups.set(key(c), [...(groups.get(key(c)) ?? []), c]);
    for (const [value, group] of [...groups].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))) {
      const s = caseStats(group);
      rows.push([dim, value, s.closed, s.meanFirstResponseSeconds, s.meanRating, s.rated].map(cell).join(','));
    }
  }
  return `\uFEFF${rows.join('\r\n')}\r\n`;
}

export interface CaseStats {
  closed: number;
  byTopic: Record<string, number>;
  byDistrict: Record<string, number>;
  byOutcome: Record<string, number>;
  meanFirstResponseSeconds?: number;
  meanRating?: number;
  rated: number;
}

export function caseStats(cases: Case[]): CaseStats {
  const count = (key: (c: Case) => string) => {
    const out: Record<string, number> = {};
    for (const c of cases) out[key(c)] = (out[key(c)] ?? 0) + 1;
    return out;
  };
  const firsts = cases.map((c) => secondsBetween(c.createdAt, c.firstResponseAt)).filter((x): x is number => x !== undefined);
  const ratings = cases.map((c) => c.rating?.score).filter((x): x is 1 | 2 | 3 | 4 | 5 => x !== undefined);
  const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : undefined);
  return {
    closed: cases.length,
    byTopic: count((c) => c.topic ?? 'unknown'),
    byDistrict: count((c) => c.district?.code ?? 'unknown'),
    byOutcome: count((c) => c.outcome ?? 'unknown'),
    meanFirstResponseSeconds: mean(firsts),
    meanRating: mean(ratings),
    rated: ratings.length,
  };
}

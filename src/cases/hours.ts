/**
 * Staffed hours of the 12348 desk (STAFF_HOURS, e.g. "1-5 09:00-17:00", days 1 = Monday … 7 =
 * Sunday, several spans separated by ";"), in a time zone (STAFF_TIMEZONE, default
 * Asia/Shanghai). Outside them the citizen is told so and given the hotline and the call-back.
 */
export interface Span {
  days: number[];
  from: number;
  to: number;
}

export class StaffedHours {
  private readonly spans: Span[];

  constructor(
    readonly spec: string,
    readonly timeZone = 'Asia/Shanghai',
  ) {
    this.spans = parseStaffedHours(spec);
    // Throws RangeError for an unknown zone at start-up, not at the first message.
    new Intl.DateTimeFormat('en-US', { timeZone });
  }

  isOpen(at: Date = new Date()): boolean {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: this.timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
    const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
    const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
    const minute = Number(get('hour')) * 60 + Number(get('minute'));
    return this.spans.some((s) => s.days.includes(day) && minute >= s.from && minute < s.to);
  }

  /** "周一至周五 09:00–17:00" style text is in the UI strings; this is the raw spec for them. */
  describe(): string {
    return this.spec;
  }
}

export function parseStaffedHours(spec: string): Span[] {
  const spans: Span[] = [];
  for (const part of spec.split(';').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([1-7])(?:-([1-7]))?\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(part);
    if (!m) throw new Error(`staffed hours "${part}": expected e.g. "1-5 09:00-17:00"`);
    const d1 = Number(m[1]);
    const d2 = Number(m[2] ?? m[1]);
    const from = Number(m[3]) * 60 + Number(m[4]);
    const to = Number(m[5]) * 60 + Number(m[6]);
    if (d2 < d1 || to <= from || to > 24 * 60) throw new Error(`staffed hours "${part}": days or times out of order`);
    spans.push({ days: Array.from({ length: d2 - d1 + 1 }, (_, i) => d1 + i), from, to });
  }
  if (!spans.length) throw new Error('staffed hours: at least one span is needed');
  return spans;
}

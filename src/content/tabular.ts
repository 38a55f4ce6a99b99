/**
 * The knowledge base as a table, for spreadsheets and other tools (TSV and XLSX), in QnA Maker's
 * columns plus ours:
 *   Question   one row per question (QnA Maker's alternate questions); an entry's rows are adjacent
 *   Answer     the answer in Markdown (repeated on each row of the entry, as QnA Maker does)
 *   Source     the entry's file, e.g. labor/labor-wage-arrears.md
 *   Metadata   key:value pairs joined by |, QnA Maker style: title, summary, kind, route, locale,
 *              keywords and followups (comma-separated), updated, review_by — only the keys the
 *              file has; in values %, |, : and , are written %25, %7C, %3A, %2C
 *   id, topic  our ids;   sources  the entry's sources as JSON
 * TSV cells escape backslash, tab, CR and LF as \\ \t \r \n, so one line is one row. A round trip
 * (export, then import) gives every entry back with the same front matter and body.
 * Contract: pure conversions; xlsx read/write go through exceljs; parse errors name row and column.
 */
import ExcelJS from 'exceljs';

export const COLUMNS = ['Question', 'Answer', 'Source', 'Metadata', 'id', 'topic', 'sources'] as const;
type Column = (typeof COLUMNS)[number];
export type Row = Record<Column, string>;

export interface TableEntry {
  file: string;
  frontMatter: Record<string, unknown>;
  body: string;
}

export class TableError extends Error {
  constructor(
    readonly row: number,
    readonly column: string,
    message: string,
  ) {
    super(`row ${row}${column ? `, column ${column}` : ''}: ${message}`);
    this.name = 'TableError';
  }
}

const META_KEYS = ['title', 'summary', 'kind', 'route', 'locale', 'keywords', 'followups', 'updated', 'review_by'] as const;
const LIST_KEYS = new Set(['keywords', 'followups']);
const enc = (s: string) => s.replace(/%/g, '%25').replace(/\|/g, '%7C').replace(/:/g, '%3A').replace(/,/g, '%2C');
const dec = (s: string) => s.replace(/%7C/gi, '|').replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%25/g, '%');

export function toRows(entries: readonly TableEntry[]): Row[] {
  const rows: Row[] = [];
  for (const e of entries) {
    const fm = e.frontMatter;
    const meta = META_KEYS.filter((k) => fm[k] !== undefined)
      .map((k) => `${k}:${LIST_KEYS.has(k) ? (fm[k] as unknown[]).map((x) => enc(String(x))).join(',') : enc(String(fm[k]))}`)
      .join('|');
    const questions = Array.isArray(fm.questions) ? (fm.questions as unknown[]).map(String) : [];
    for (const q of questions.length ? questions : ['']) {
      rows.push({ Question: q, Answer: e.body, Source: e.file, Metadata: meta, id: String(fm.id ?? ''), topic: String(fm.topic ?? ''), sources: JSON.stringify(fm.sources ?? []) });
    }
  }
  return rows;
}

/** Rows back to entries: adjacent rows with the same id (or, without ids, the same Answer) are one entry. */
export function fromRows(rows: readonly Row[], firstRow = 2): TableEntry[] {
  const out: (TableEntry & { key: string })[] = [];
  rows.forEach((r, i) => {
    const at = firstRow + i;
    const key = r.id || `answer:${r.Answer}`;
    let e = out[out.length - 1];
    if (!e || e.key !== key) {
      const fm: Record<string, unknown> = {};
      if (r.id) fm.id = r.id;
      if (r.topic) fm.topic = r.topic;
      for (const pair of r.Metadata ? r.Metadata.split('|') : []) {
        const j = pair.indexOf(':');
        if (j < 1) throw new TableError(at, 'Metadata', `"${pair}" is not key:value`);
        const k = pair.slice(0, j).trim();
        const v = pair.slice(j + 1);
        fm[k] = LIST_KEYS.has(k) ? (v ? v.split(',').map(dec) : []) : dec(v);
      }
      fm.questions = [];
      if (r.sources) {
        try {
          fm.sources = JSON.parse(r.sources);
        } catch {
          throw new TableError(at, 'sources', 'not valid JSON (a list of {law, article, …})');
        }
      }
      e = { key, file: r.Source, frontMatter: fm, body: r.Answer };
      out.push(e);
    }
    if (r.Question) (e.frontMatter.questions as string[]).push(r.Question);
  });
  return out.map(({ key: _k, ...e }) => e);
}

const escapeCell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
const unescapeCell = (s: string) => s.replace(/\\(.)/g, (_m, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c));

export function toTsv(rows: readonly Row[]): string {
  return [COLUMNS.join('\t'), ...rows.map((r) => COLUMNS.map((c) => escapeCell(r[c])).join('\t'))].join('\n') + '\n';
}

function rowsFrom(header: string[], cells: string[][]): Row[] {
  const index = new Map(header.map((h, i) => [h.trim(), i]));
  for (const c of ['Question', 'Answer'] as const) if (!index.has(c)) throw new TableError(1, c, `the header has no ${c} column`);
  const rows = cells.map((line) => Object.fromEntries(COLUMNS.map((c) => [c, index.has(c) ? (line[index.get(c)!] ?? '') : ''])) as Row);
  return rows.filter((r) => Object.values(r).some(Boolean));
}

export function fromTsv(text: string): Row[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines[0]!.split('\t');
  return rowsFrom(header, lines.slice(1).filter((l) => l.length).map((l) => l.split('\t').map(unescapeCell)));
}

export async function toXlsx(rows: readonly Row[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('KB');
  ws.addRow([...COLUMNS]);
  for (const r of rows) ws.addRow(COLUMNS.map((c) => r[c]));
  ws.getRow(1).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function fromXlsx(data: Buffer): Promise<Row[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  if (!ws) throw new TableError(1, '', 'the workbook has no sheet');
  const grid: string[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let i = 1; i <= row.cellCount; i++) {
      const v = row.getCell(i).value;
      cells.push(v === null || v === undefined ? '' : typeof v === 'object' && 'richText' in v ? v.richText.map((t) => t.text).join('') : typeof v === 'object' && 'text' in v ? String(v.text) : v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
    }
    grid.push(cells);
  });
  return rowsFrom(grid[0] ?? [], grid.slice(1));
}

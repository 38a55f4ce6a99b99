/**
 * The Lunr index compiled for querying: for each term, the entries it occurs in with its BM25
 * weight there (the field vectors' weights, field boosts applied, summed over fields) and a bitmask
 * of the fields. Scoring a term is then a scan of two typed arrays. Lunr's own Index#query walks a
 * token-set automaton per term (costly with thousands of distinct Chinese first characters) and
 * looks up a field vector per matching entry and field; at 5,000 entries that was 100x slower.
 *
 * This is the only code that reaches into Lunr's internals. Built once when an index is installed;
 * the Lunr index stays the format that is built and saved.
 */
import type lunr from 'lunr';
import { BIGRAM_MARK } from './pipeline';

export interface Postings {
  refs: string[];
  fields: string[];
  byTerm: Map<string, { docs: Int32Array; weights: Float32Array; fieldMask: Uint8Array }>;
}

export interface Candidate {
  ref: string;
  /** Summed BM25 weight of the matched query terms. */
  score: number;
  /** field → the query's words matched there (bigrams are the typo fallback: not shown). */
  matched: Record<string, string[]>;
}

export function compilePostings(index: lunr.Index): Postings {
  const internals = index as unknown as {
    invertedIndex: Record<string, { _index: number }>;
    fieldVectors: Record<string, { elements: number[] }>;
  };
  const termByIndex: string[] = [];
  for (const [term, posting] of Object.entries(internals.invertedIndex)) termByIndex[posting._index] = term;
  const refs: string[] = [];
  const refOrdinal = new Map<string, number>();
  const fields: string[] = [];
  const fieldOrdinal = new Map<string, number>();
  const acc = new Map<number, Map<number, { w: number; mask: number }>>();
  for (const [key, vector] of Object.entries(internals.fieldVectors)) {
    const slash = key.indexOf('/');
    const field = key.slice(0, slash);
    const ref = key.slice(slash + 1);
    let d = refOrdinal.get(ref);
    if (d === undefined) refOrdinal.set(ref, (d = refs.push(ref) - 1));
    let f = fieldOrdinal.get(field);
    if (f === undefined) fieldOrdinal.set(field, (f = fields.push(field) - 1));
    const el = vector.elements;
    for (let i = 0; i < el.length; i += 2) {
      const t = el[i]!;
      let byDoc = acc.get(t);
      if (!byDoc) acc.set(t, (byDoc = new Map()));
      const cur = byDoc.get(d);
      if (cur) {
        cur.w += el[i + 1]!;
        cur.mask |= 1 << f;
      } else byDoc.set(d, { w: el[i + 1]!, mask: 1 << f });
    }
  }
  const byTerm: Postings['byTerm'] = new Map();
  for (const [t, byDoc] of acc) {
    const term = termByIndex[t];
    if (term === undefined) continue;
    const docs = new Int32Array(byDoc.size);
    const weights = new Float32Array(byDoc.size);
    const fieldMask = new Uint8Array(byDoc.size);
    let i = 0;
    for (const [d, { w, mask }] of byDoc) {
      docs[i] = d;
      weights[i] = w;
      fieldMask[i++] = mask;
    }
    byTerm.set(term, { docs, weights, fieldMask });
  }
  return { refs, fields, byTerm };
}

/**
 * BM25 scores for weighted query terms; the best `top` entries, with which terms matched where.
 * `allowed`, when given, is the only entries that may be candidates.
 */
export function scorePostings(p: Postings, terms: { t: string; w: number }[], top: number, allowed?: ReadonlySet<string>): Candidate[] {
  // Scores by document number in a typed array (a Map was a tenth of a query's time); `seen`
  // keeps the order documents were first scored in, so the sort below sees what it always saw.
  const scores = new Float64Array(p.refs.length);
  const scored = new Uint8Array(p.refs.length);
  const seen: number[] = [];
  const used = terms.map(({ t, w }) => ({ t, w, post: p.byTerm.get(t) })).filter((x) => x.post);
  for (const { w, post } of used) {
    const { docs, weights } = post!;
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i]!;
      if (allowed && !allowed.has(p.refs[d]!)) continue;
      if (!scored[d]) {
        scored[d] = 1;
        seen.push(d);
      }
      scores[d] = scores[d]! + w * weights[i]!;
    }
  }
  const best = seen
    .map((d): [number, number] => [d, scores[d]!])
    .sort((a, b) => b[1] - a[1] || p.refs[a[0]]!.localeCompare(p.refs[b[0]]!))
    .slice(0, top);
  // Which words matched in which fields, for the chosen documents only: one pass over the used
  // postings (searching each list for each chosen document cost more than the scoring).
  const out: Candidate[] = best.map(([d, score]) => ({ ref: p.refs[d]!, score, matched: {} }));
  const rankOf = new Int32Array(p.refs.length).fill(-1);
  best.forEach(([d], i) => (rankOf[d] = i));
  for (const { t, post } of used) {
    if (t.startsWith(BIGRAM_MARK)) continue;
    const { docs, fieldMask } = post!;
    for (let i = 0; i < docs.length; i++) {
      const r = rankOf[docs[i]!]!;
      if (r < 0) continue;
      const matched = out[r]!.matched;
      for (let fi = 0; fi < p.fields.length; fi++) if (fieldMask[i]! & (1 << fi)) (matched[p.fields[fi]!] ??= []).push(t);
    }
  }
  return out;
}

/** In how many entries each term occurs anywhere in the index. */
export function documentFrequencies(p: Postings): Map<string, number> {
  const df = new Map<string, number>();
  for (const [term, x] of p.byTerm) df.set(term, x.docs.length);
  return df;
}

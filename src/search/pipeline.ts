/**
 * The text pipeline shared by indexing and querying, as small named steps in the spirit of
 * lunr.js's pipeline.js:
 *
 *   normalise → segment → stopwords → synonyms → concepts → bigrams
 *
 * The same Analyzer turns an entry's fields and a citizen's question into terms, so both sides
 * always agree. Step names are recorded in the serialised index; loading an index built with other
 * steps (or other dictionaries) is refused and the index is rebuilt.
 *
 * Word terms are kept apart from character-bigram terms (prefixed with BIGRAM_MARK): bigrams are
 * the fallback that lets unknown words, odd splits and typos still match, at a lower weight.
 * A word that belongs to a concept class (knowledge/concepts.yaml: 电动车 and 面包车 are vehicles,
 * 俺爹 and 婆婆 are parents) also yields the class as a word term (CONCEPT_MARK + id), so a story
 * told in everyday words meets an entry that names the thing otherwise.
 */
import { Jieba } from '@node-rs/jieba';
import { dict as defaultDict } from '@node-rs/jieba/dict';
import lunr from 'lunr';
import { normalise } from '../content/normalise';

export const BIGRAM_MARK = '\u00b2';
export const CONCEPT_MARK = '\u00a7';

export interface AnalyzerResources {
  legalTerms: string[];
  synonyms: string[][];
  stopwords: string[];
  concepts?: readonly { id: string; words: readonly string[] }[];
}

export interface Analysis {
  /** Word terms in order of appearance (deduplicated), after stop words and synonyms. */
  words: string[];
  /** Character-bigram terms (each prefixed with BIGRAM_MARK), deduplicated. */
  bigrams: string[];
}

type Step = (input: StepState) => void;
interface StepState {
  text: string;
  /** The question as the segmenter cut it (no overlaps), stop words blanked: the bigram source. */
  content: string;
  words: string[];
  bigrams: string[];
}

// Chinese ideographs (CJK unified + extension A + compatibility).
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
const HAN_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
const LATIN_WORD = /^[a-z][a-z'-]*$/;

let sharedJieba: Jieba | undefined;
let sharedDictKey = '';

/** Jieba with its default dictionary plus our legal terms; loaded once per process and dictionary. */
function jiebaFor(userTerms: string[]): Jieba {
  const key = userTerms.join('\n');
  if (sharedJieba && key === sharedDictKey) return sharedJieba;
  const j = Jieba.withDict(defaultDict);
  // A high frequency makes jieba prefer our terms over its own splits (三个/月工资 → 三个月/工资).
  if (userTerms.length) j.loadDict(Buffer.from(userTerms.map((t) => `${t} 200000 n`).join('\n'), 'utf8'));
  sharedJieba = j;
  sharedDictKey = key;
  return j;
}

/**
 * The words of a text as the process's one jieba cuts it (no overlaps, spaces kept as tokens): for
 * matchers outside search (the emergency detector), so no second segmenter is ever loaded. Uses the
 * dictionary of the last Analyzer built; before any exists, jieba's default dictionary.
 */
export function cutWords(text: string): string[] {
  return (sharedJieba ?? jiebaFor([])).cut(text, false);
}

export class Analyzer {
  /** Names of the steps, in order; stored in the index so an index from other steps is not loaded. */
  static readonly STEP_NAMES = ['normalise', 'segment', 'stopwords', 'synonyms', 'concepts', 'bigrams'] as const;

  private readonly jieba: Jieba;
  private readonly stop: Set<string>;
  private readonly canonical = new Map<string, string>();
  private readonly conceptOf = new Map<string, string>();
  private readonly steps: Record<(typeof Analyzer.STEP_NAMES)[number], Step>;

  constructor(readonly resources: AnalyzerResources) {
    // English words reach these lookups stemmed (segment() stems them), so a Latin word is looked
    // up by its stem: "salary" arrives as "salari".
    const key = (w: string) => {
      const n = this.normalise(w);
      return LATIN_WORD.test(n) ? stemEnglish(n) : n;
    };
    for (const group of resources.synonyms) {
      const [head] = group.map(key);
      for (const w of group) this.canonical.set(key(w), head!);
    }
    for (const c of resources.concepts ?? []) {
      for (const w of c.words) {
        const n = key(w);
        this.conceptOf.set(n, CONCEPT_MARK + c.id);
        const head = this.canonical.get(n);
        if (head && !this.conceptOf.has(head)) this.conceptOf.set(head, CONCEPT_MARK + c.id);
      }
    }
    // Synonyms and concept words must come out of the segmenter whole, or 欠薪 and 拖欠工资 could
    // never meet.
    const terms = new Set<string>();
    for (const t of [...resources.legalTerms, ...resources.synonyms.flat(), ...(resources.concepts ?? []).flatMap((c) => c.words)]) {
      const n = this.normalise(t);
      if (HAN.test(n) && !/\s/.test(n)) terms.add(n);
    }
    this.jieba = jiebaFor([...terms].sort());
    this.stop = new Set(
      resources.stopwords.flatMap((w) => {
        const n = this.normalise(w);
        return LATIN_WORD.test(n) ? [n, stemEnglish(n)] : [n];
      }),
    );
    this.steps = {
      normalise: (s) => {
        s.text = this.normalise(s.text);
      },
      segment: (s) => {
        s.words = this.segment(s.text);
        s.content = this.jieba.cut(s.text, false).map((t) => (this.stop.has(t.trim()) ? ' ' : t)).join('');
      },
      stopwords: (s) => {
        s.words = s.words.filter((w) => !this.stop.has(w) && !this.isNoise(w));
      },
      synonyms: (s) => {
        s.words = s.words.map((w) => this.canonical.get(w) ?? w);
      },
      concepts: (s) => {
        const classes: string[] = [];
        for (const w of s.words) {
          const c = this.conceptOf.get(w);
          if (c) classes.push(c);
        }
        s.words.push(...classes);
      },
      bigrams: (s) => {
        s.bigrams = this.bigrams(s.content);
      },
    };
  }

  /** The one normaliser's text form (normalise.ts): NFKC, lower case, simplified, punctuation kept. */
  normalise(text: string): string {
    return normalise(text, { form: 'text' });
  }

  analyse(text: string): Analysis {
    const state: StepState = { text, content: '', words: [], bigrams: [] };
    for (const name of Analyzer.STEP_NAMES) this.steps[name](state);
    return { words: dedupe(state.words), bigrams: dedupe(state.bigrams) };
  }

  private segment(text: string): string[] {
    const out: string[] = [];
    for (const raw of this.jieba.cutForSearch(text, false)) {
      const w = raw.trim();
      if (!w) continue;
      if (HAN.test(w) || /^\d+$/.test(w)) out.push(w);
      else if (LATIN_WORD.test(w)) out.push(stemEnglish(w));
      else {
        // Mixed tokens like "12348热线" or "app": keep alphanumeric runs.
        for (const m of w.match(/[a-z]+|\d+/g) ?? []) out.push(/^[a-z]/.test(m) ? stemEnglish(m) : m);
      }
    }
    return out;
  }

  private isNoise(w: string): boolean {
    // Lone digits and single Latin letters say nothing; hotline numbers (3+ digits) do.
    return (/^\d{1,2}$/.test(w) && !this.canonical.has(w)) || /^[a-z]$/.test(w);
  }

  private bigrams(text: string): string[] {
    const out: string[] = [];
    for (const run of text.match(HAN_RUN) ?? []) {
      const chars = Array.from(run);
      for (let i = 0; i + 1 < chars.length; i++) {
        out.push(BIGRAM_MARK + chars[i]! + chars[i + 1]!);
      }
    }
    return out;
  }
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}

const stemmer = (lunr as unknown as { stemmer: (t: lunr.Token) => lunr.Token }).stemmer;
function stemEnglish(word: string): string {
  return stemmer(new lunr.Token(word, {})).toString();
}

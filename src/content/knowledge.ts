/**
 * Read-only lookups over validated content: entries by id and locale, topics, hotlines and the
 * per-district directory. Dialogs and channels use this; nothing here touches files or search.
 */
import type { KnowledgeContent } from './loader';
import { normalise } from './normalise';
import type { District, Hotline, KnowledgeEntry, Locale, Office, OfficeKind, Topic } from './schema';

const WORDS = { form: 'words' } as const;

export class KnowledgeBase {
  private readonly byKey = new Map<string, KnowledgeEntry>();
  private readonly topicsById = new Map<string, Topic>();
  private readonly hotlinesById = new Map<string, Hotline>();
  /** Each district's names (name, English name, aliases) in the normaliser's words form. */
  private districtNames: { d: District; names: { name: string; length: number }[] }[] = [];

  constructor(private current: KnowledgeContent) {
    this.index();
  }

  get content(): KnowledgeContent {
    return this.current;
  }

  /** Swap in re-read content (development: an editor saved a file); lookups see it at once. */
  replace(content: KnowledgeContent): void {
    this.current = content;
    this.index();
  }

  private index(): void {
    this.byKey.clear();
    this.topicsById.clear();
    this.hotlinesById.clear();
    for (const e of this.current.entries) this.byKey.set(`${e.locale}:${e.id}`, e);
    for (const t of this.current.topics) this.topicsById.set(t.id, t);
    for (const h of this.current.hotlines) this.hotlinesById.set(h.id, h);
    this.districtNames = this.current.districts.map((d) => ({
      d,
      names: [d.name, d.name_en, ...d.aliases].filter(Boolean).map((n) => ({ name: normalise(n, WORDS), length: n.length })),
    }));
  }

  get entries(): readonly KnowledgeEntry[] {
    return this.current.entries;
  }

  get topics(): readonly Topic[] {
    return this.current.topics;
  }

  get hotlines(): readonly Hotline[] {
    return this.current.hotlines;
  }

  get districts(): readonly District[] {
    return this.current.districts;
  }

  /** The entry in the wanted locale, falling back to zh-CN (the complete set). */
  entry(id: string, locale: Locale = 'zh-CN'): KnowledgeEntry | undefined {
    return this.byKey.get(`${locale}:${id}`) ?? this.byKey.get(`zh-CN:${id}`);
  }

  hasTranslation(id: string, locale: Locale): boolean {
    return this.byKey.has(`${locale}:${id}`);
  }

  topic(id: string): Topic | undefined {
    return this.topicsById.get(id);
  }

  hotline(id: string): Hotline | undefined {
    return this.hotlinesById.get(id);
  }

  /**
   * Finds a district named anywhere in the text ("我在铜山", "Pizhou", "住在銅山區"); longest name
   * wins. Text and names are compared in the one normaliser's words form.
   */
  findDistrict(text: string): District | undefined {
    const t = normalise(text, WORDS);
    let best: { d: District; len: number } | undefined;
    for (const { d, names } of this.districtNames) {
      for (const { name, length } of names) {
        if (name && t.includes(name) && (!best || length > best.len)) best = { d, len: length };
      }
    }
    return best?.d;
  }

  district(code: string): District | undefined {
    return this.current.districts.find((d) => d.code === code);
  }

  /** The office of a kind in a district, and whether its contact details may be shown. */
  office(code: string, kind: OfficeKind): { office: Office; verified: boolean } | undefined {
    const o = this.district(code)?.offices.find((x) => x.kind === kind);
    return o ? { office: o, verified: o.status === 'verified' } : undefined;
  }
}

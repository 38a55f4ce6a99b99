/**
 * The parts of nlp.js 4.x (@nlpjs/nlp, @nlpjs/lang-zh; the packages ship no types) that the
 * benchmark peer in peers.ts uses: the public API (Nlp, addDocument, train, process) and, for the
 * synchronous classifier, the objects its own process() pipeline runs (domain manager, neural NLU,
 * container components), as in @nlpjs/nlu 4.27 src/{nlu,domain-manager,nlu-manager}.js.
 */
declare module '@nlpjs/nlp' {
  export interface NlpClassification {
    intent: string;
    score: number;
  }

  export interface NlpProcessResult {
    intent: string;
    score: number;
    classifications: NlpClassification[];
  }

  /** The input record the NLU steps pass along (tokens: feature → weight once arrToObj ran). */
  export interface NluInput {
    text?: string;
    locale?: string;
    tokens: Record<string, number>;
    settings: Record<string, unknown>;
    classifications?: NlpClassification[];
  }

  export interface NeuralNlu {
    settings: Record<string, unknown>;
    cache?: unknown;
    textToFeatures(input: NluInput): NluInput;
    innerProcess(input: NluInput): NluInput;
    filterNonActivated(input: NluInput): NluInput;
    normalizeClassifications(input: NluInput): NluInput;
  }

  export interface DomainManager {
    stemDict: Record<string, { intent: string; domain: string }>;
    intentDict: Record<string, string>;
    domains: Record<string, NeuralNlu>;
  }

  export interface Container {
    get(name: string): any;
    register(name: string, instance: unknown, isSingleton?: boolean): void;
  }

  export class Nlp {
    constructor(settings?: Record<string, unknown>);
    settings: { threshold: number } & Record<string, unknown>;
    container: Container;
    nluManager: { domainManagers: Record<string, DomainManager> };
    use(plugin: unknown): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    process(locale: string, utterance: string): Promise<NlpProcessResult>;
  }
}

declare module '@nlpjs/lang-zh' {
  export class LangZh {}
}

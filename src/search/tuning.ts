/**
 * The search's constants in one place: the Lunr field boosts the index is built with, the query
 * budget (words, bigrams, characters), how candidates are chosen, the rerank's weights and the
 * relevance floors. The content hash of a saved index includes them, so changing one rebuilds it.
 * How they were chosen: bench/RESULTS.md and the commits that changed them (each with its numbers).
 */
export const TUNING = {
  fieldBoost: { questions: 3, title: 2, keywords: 2, body: 1 },
  bigramWeight: 0.35,
  /** A question's words searched at most (a long story: its opening and its end; concept classes besides). */
  maxWords: 32,
  maxBigrams: 48,
  maxQueryChars: 500,
  candidates: 30,
  /** A bigram's BM25 weight counts this much of a word's. */
  bigramBoost: 0.25,
  /** Lunr is asked for at most this many words, the rarest, and always at least minCandidateWords. */
  maxCandidateWords: 12,
  minCandidateWords: 3,
  /** Words in more than this share of entries are left out of the Lunr query (not the rerank). */
  maxCandidateDfShare: 0.15,
  minCommonDf: 12,
  /** …and never more than this many, whatever the size of the base (bounds the work per query). */
  maxCandidateDf: 250,
  maxCandidateBigrams: 6,
  /** Entries of this many best topics join the candidates even when Lunr did not rank them. */
  topicCandidates: 2,
  entriesPerTopicCandidate: 3,
  bodyCoverage: 0.5,
  W_SIM: 0.4,
  W_LUNR: 0.2,
  W_COVER: 0.2,
  W_TOPIC: 0.35,
  /** Phrase containment counts this much of similarity (a long story containing a short question). */
  containment: 0.8,
  /** Below these nothing in a hit resembles the question: it may not be offered as "您想问的是". */
  minRelevantSimilarity: 0.25,
  minRelevantCoverage: 0.45,
  minRelevantTopic: 0.5,
  /** Within the winning topic, the best entry must lead the next by this share to be answered alone. */
  entryLead: 0.12,
  /** …unless it matches one of its own questions this closely (then it is what was asked). */
  closeQuestion: 0.5,
  /**
   * A probability under this is "no-match" (nothing to offer), not "weak": on the tune halves, below
   * 0.3 an offer held the right topic for 1 of 10 unsure legal questions and came for 8 off-topic ones.
   */
  minOffer: 0.3,
} as const;

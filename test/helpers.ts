/**
 * Shared test fixtures: the real knowledge folder and its search engine, loaded once per run
 * (building the index takes a moment; every suite reads the same immutable objects).
 */
import { resolve } from 'node:path';
import { type KnowledgeContent, loadKnowledge } from '../src/content/loader';
import { SearchEngine } from '../src/search/engine';

export const KNOWLEDGE_DIR = resolve(__dirname, '../knowledge');
export const FIXTURES = resolve(__dirname, 'fixtures');

let content: KnowledgeContent | undefined;
let engine: SearchEngine | undefined;

export function knowledge(): KnowledgeContent {
  content ??= loadKnowledge(KNOWLEDGE_DIR);
  return content;
}

export function searchEngine(): SearchEngine {
  engine ??= SearchEngine.build(knowledge());
  return engine;
}

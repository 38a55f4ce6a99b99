/**
 * Where the prebuilt index lives: `npm run kb -- build` writes it; start-up loads it when it matches
 * the content on disk and rebuilds in memory (with a log line saying why) when it does not.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KnowledgeContent } from '../content/loader';
import { type SerializedIndex, SearchEngine } from './engine';

export function writeIndex(engine: SearchEngine, file: string): number {
  mkdirSync(dirname(file), { recursive: true });
  const json = JSON.stringify(engine.toJSON());
  writeFileSync(file, json);
  return json.length;
}

export function loadOrBuild(content: KnowledgeContent, file: string): { engine: SearchEngine; source: 'prebuilt' | 'rebuilt'; why?: string } {
  let json: SerializedIndex | undefined;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as SerializedIndex;
  } catch {
    return { engine: SearchEngine.build(content), source: 'rebuilt', why: `no prebuilt index at ${file}` };
  }
  const engine = SearchEngine.load(json, content);
  if (engine) return { engine, source: 'prebuilt' };
  return { engine: SearchEngine.build(content), source: 'rebuilt', why: 'prebuilt index is stale (content or pipeline changed)' };
}

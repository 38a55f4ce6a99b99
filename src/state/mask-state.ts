/**
 * What a state store writes: the bot's conversation/user state with every free-text string masked
 * (maskPersonalData), so an ID or phone number a citizen typed into a free-text answer never lands
 * in the store in the clear. Left as they are: identifiers (keys `id`, `*Id`, eTag, serviceUrl —
 * a WeChat MsgId has 19 digits and must stay usable) and the handoff's call-back number (slot
 * `contact`, which staff need to call back and which the handoff itself keeps).
 */
import { maskPersonalData } from '../logger';

const KEEP = /^(?:id|eTag|serviceUrl|contact|.*Id)$/;

export function maskStoredState<T>(value: T): T {
  return walk(value, 0) as T;
}

function walk(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return maskPersonalData(v);
  if (v === null || typeof v !== 'object' || depth > 64) return v;
  if (v instanceof Date) return v;
  if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = KEEP.test(k) ? x : walk(x, depth + 1);
  return out;
}

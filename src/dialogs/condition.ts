/**
 * `when` / `skipIf` conditions (flow-schema.ts conditionSchema) evaluated over slot values.
 * Pure: the caller passes how to read a slot, so steps, the loader and tests share one rule.
 * Layer: beside flow-schema (imports only its types).
 */
import type { Condition } from './flow-schema';

export type SlotValue = string | number | boolean | string[];

function isEmpty(v: SlotValue | undefined): boolean {
  return v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Every listed slot must pass: a value, any of a list, {gte}/{lte}, or "$set"/"$unset". */
export function evalCondition(cond: Condition, get: (slot: string) => SlotValue | undefined): boolean {
  return Object.entries(cond).every(([slot, test]) => {
    const v = get(slot);
    if (test === '$set') return !isEmpty(v);
    if (test === '$unset') return isEmpty(v);
    if (typeof test === 'object' && !Array.isArray(test)) {
      const n = typeof v === 'number' ? v : Number(v ?? 0);
      if ('gte' in test) return n >= test.gte;
      return n <= test.lte;
    }
    const wanted = (Array.isArray(test) ? test : [test]).map(String);
    const have = Array.isArray(v) ? v.map(String) : isEmpty(v) ? [] : [String(v)];
    return have.some((h) => wanted.includes(h));
  });
}

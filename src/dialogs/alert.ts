/**
 * What the danger templates (emergency, emergency-caution) are given: the numbers to call, which
 * categories were seen (for the advice lines) and the extra lines for them — 12356 for self-harm —
 * taken only from the directory (knowledge/directory/hotlines.yaml) and only when it marks them
 * verified, so the bot never shows a number nobody checked.
 */
import type { KnowledgeBase } from '../content/knowledge';
import type { Locale } from '../content/schema';
import type { EmergencyRules } from './emergency';

export interface AlertView {
  calls: string[];
  call119: boolean;
  call120: boolean;
  is: Record<string, true>;
  lines: { number: string; name: string }[];
}

export function alertView(categories: readonly string[], calls: readonly string[], rules: EmergencyRules, kb: KnowledgeBase, locale: Locale): AlertView {
  const ids = [...new Set(categories.flatMap((c) => rules.verifiedLines[c] ?? []))];
  const lines = ids
    .map((id) => kb.hotline(id))
    .filter((h) => !!h && h.status !== 'unconfirmed')
    .map((h) => ({ number: h!.number, name: h!.name[locale] }));
  return {
    calls: [...calls],
    call119: calls.includes('119'),
    call120: calls.includes('120'),
    is: Object.fromEntries(categories.map((c) => [c, true as const])),
    lines,
  };
}

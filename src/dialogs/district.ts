/**
 * "我在铜山区", "Tongshan": a message that only names where the citizen is. Such a message is
 * remembered (engine) and answered with where to go, instead of being searched as a question.
 */
import type { District } from '../content/schema';
import { normalizeForMatch } from './input';

const FILLER = /^(?:我|我们|我家|家|人|在|住在|住|是|就在|现在在)+|(?:的|人|这边|那边|这里|附近|区|县|市|呢|啊|哦)+$/g;

const LATIN_FILLER = /^(?:i|im|am|live|living|stay|in|at|from|the|near|district|county|city)*$/;

export function onlyNamesDistrict(text: string, district: District): boolean {
  let rest = normalizeForMatch(text);
  for (const n of [district.name, district.name_en, ...district.aliases].sort((a, b) => b.length - a.length)) {
    rest = rest.split(normalizeForMatch(n)).join('');
  }
  return LATIN_FILLER.test(rest.replace(FILLER, '').replace(FILLER, ''));
}

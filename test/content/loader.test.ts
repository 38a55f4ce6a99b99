import assert from 'node:assert/strict';
import { join } from 'node:path';
import { KnowledgeValidationError } from '../../src/content/errors';
import { assertValid, errorsOf, loadKnowledge } from '../../src/content/loader';
import { FIXTURES, knowledge } from '../helpers';

describe('content loader', () => {
  describe('on the shipped knowledge base', () => {
    it('finds no errors', () => {
      const errors = errorsOf(knowledge());
      assert.deepEqual(errors.map((e) => `${e.file} [${e.field}] ${e.message}`), []);
    });

    it('covers every topic of the taxonomy with at least one entry', () => {
      const c = knowledge();
      for (const t of c.topics) assert.ok(c.entries.some((e) => e.topic === t.id), t.id);
    });

    it('reads numbers written without quotes in YAML lists as text', () => {
      const withHotline = knowledge().entries.filter((e) => e.keywords.includes('12348'));
      assert.ok(withHotline.length > 0);
    });
  });

  describe('on broken content', () => {
    const bad = loadKnowledge(join(FIXTURES, 'bad-knowledge'));
    const has = (file: string, field: string, pattern: RegExp) =>
      assert.ok(
        bad.issues.some((i) => i.severity === 'error' && i.file === file && i.field === field && pattern.test(i.message)),
        `expected an error in ${file} [${field}] matching ${pattern}; got:\n${bad.issues.map((i) => `${i.file} [${i.field}] ${i.message}`).join('\n')}`,
      );

    it('reports a file without front matter', () => has('area/no-front-matter.md', '', /front matter/));
    it('reports every bad field of one file at once, each with its field', () => {
      has('area/bad-fields.md', 'id', /slug/);
      has('area/bad-fields.md', 'route', /./);
      has('area/bad-fields.md', 'sources', /cite/);
      has('area/bad-fields.md', 'updated', /date/);
      has('area/bad-fields.md', '', /colour|Unrecognized/i);
      has('area/bad-fields.md', 'body', /too short/);
    });
    it('reports an entry placed directly under the knowledge folder instead of skipping it silently', () => {
      has('stray-entry.md', '', /area folder such as knowledge\/labor\//);
      assert.ok(!bad.entries.some((e) => e.id === 'stray-entry'), 'a top-level file must not be loaded as an entry');
    });
    it('reports duplicate ids with the file that used the id first', () => has('area/good.md', 'id', /already used by area\/duplicate\.md/));
    it('reports topics that have no entry', () => has('topics.yaml', 'labor-arbitration', /no entry/));
    it('refuses an unconfirmed office with a filled-in phone number', () => has('directory/xuzhou.yaml', 'districts.0.offices.0.phone', /unconfirmed/));
    it('requires a source and a date for verified offices', () => {
      has('directory/xuzhou.yaml', 'districts.0.offices.1.source', /source/);
      has('directory/xuzhou.yaml', 'districts.0.offices.1.verified_on', /date/);
    });
    it('warns editors about every unconfirmed office', () => {
      assert.ok(bad.issues.some((i) => i.severity === 'warning' && /unconfirmed/.test(i.message)));
    });
    it('throws a KnowledgeValidationError carrying file and field when asked to assert', () => {
      assert.throws(
        () => assertValid(bad),
        (e: unknown) => e instanceof KnowledgeValidationError && e.issues.length >= 10 && typeof e.file === 'string' && e.field !== undefined,
      );
    });
  });
});

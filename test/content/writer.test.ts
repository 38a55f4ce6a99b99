/**
 * Writing content files: stable formatting (every shipped entry file reads back the same, most
 * byte for byte) and atomic replacement (a crash before the rename leaves the old file whole and
 * no temp file behind).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseEntry } from '../../src/content/loader';
import { ContentWriteError, formatEntry, writeFileAtomic } from '../../src/content/writer';
import { KNOWLEDGE_DIR, knowledge } from '../helpers';

const FM = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/;

describe('content writer', () => {
  it('formats front matter in the schema order, questions one a line, keywords inline, no folding', () => {
    const text = formatEntry(
      { review_by: '2027-01-01', title: '被拖欠工资怎么办', id: 'x-y', topic: 'labor', route: '12348', keywords: ['欠薪', '讨薪'], questions: ['老板拖欠工资不给怎么办', '欠薪找谁'], updated: '2026-01-01', summary: '一句很长的话'.repeat(20), sources: [{ article: '第十条', law: '保障农民工工资支付条例' }] },
      '\n\n回答正文……\n\n',
    );
    assert.equal(
      text,
      [
        '---',
        'id: x-y',
        'topic: labor',
        'title: 被拖欠工资怎么办',
        `summary: ${'一句很长的话'.repeat(20)}`,
        'questions:',
        '  - 老板拖欠工资不给怎么办',
        '  - 欠薪找谁',
        'keywords: [欠薪, 讨薪]',
        'route: "12348"',
        'sources:',
        '  - law: 保障农民工工资支付条例',
        '    article: 第十条',
        'updated: 2026-01-01',
        'review_by: 2027-01-01',
        '---',
        '回答正文……',
        '',
      ].join('\n'),
    );
  });

  it('gives every shipped entry back unchanged when re-parsed, and most files byte for byte', () => {
    let same = 0;
    for (const e of knowledge().entries) {
      const original = readFileSync(join(KNOWLEDGE_DIR, e.file), 'utf8');
      const m = FM.exec(original)!;
      const out = formatEntry(parse(m[1]!), m[2]!);
      if (out === original) same++;
      const again = parseEntry(out, e.file, []);
      assert.deepEqual(again, e, e.file);
      // Formatting is a fixed point: a second save changes nothing.
      assert.equal(formatEntry(parse(FM.exec(out)![1]!), FM.exec(out)![2]!), out, e.file);
    }
    assert.ok(same / knowledge().entries.length > 0.75, `${same} of ${knowledge().entries.length} byte for byte`);
  });

  describe('atomic write', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'writer-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('replaces the file completely', () => {
      const f = join(dir, 'a', 'entry.md');
      writeFileAtomic(f, 'old\n');
      writeFileAtomic(f, 'new\n');
      assert.equal(readFileSync(f, 'utf8'), 'new\n');
      assert.deepEqual(readdirSync(join(dir, 'a')), ['entry.md']);
    });

    it('leaves the old file whole and no temp file when the process fails before the rename', () => {
      const f = join(dir, 'entry.md');
      writeFileSync(f, 'the old answer\n');
      assert.throws(
        () =>
          writeFileAtomic(f, 'the new answer\n', {
            rename: () => {
              throw Object.assign(new Error('simulated crash'), { code: 'EIO' });
            },
          }),
        (e: unknown) => e instanceof ContentWriteError && e.file === f && /simulated crash/.test(e.message),
      );
      assert.equal(readFileSync(f, 'utf8'), 'the old answer\n');
      assert.deepEqual(readdirSync(dir), ['entry.md']);
    });

    it('fails with the file named when the folder cannot be written', () => {
      const f = join(dir, 'entry.md');
      writeFileSync(f, 'x');
      assert.throws(() => writeFileAtomic(join(f, 'below-a-file.md'), 'y'), (e: unknown) => e instanceof ContentWriteError && e.file.endsWith('below-a-file.md'));
      assert.ok(existsSync(f));
    });
  });
});

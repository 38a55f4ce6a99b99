/**
 * Typed content problems. A validation run collects every issue (never stops at the first) so an
 * editor sees all of them at once, each with the file and the field it is about.
 */
export type Severity = 'error' | 'warning';

export interface ContentIssue {
  severity: Severity;
  /** Path relative to the content root, e.g. "labor/wage-arrears.md". */
  file: string;
  /** Dotted path inside the file, e.g. "sources.0.article", or "" for the whole file. */
  field: string;
  message: string;
}

export class KnowledgeValidationError extends Error {
  constructor(readonly issues: ContentIssue[]) {
    super(
      `knowledge content is invalid (${issues.filter((i) => i.severity === 'error').length} errors):\n` +
        formatIssues(issues.filter((i) => i.severity === 'error')),
    );
    this.name = 'KnowledgeValidationError';
  }

  get file(): string | undefined {
    return this.issues[0]?.file;
  }

  get field(): string | undefined {
    return this.issues[0]?.field;
  }
}

export function formatIssues(issues: ContentIssue[]): string {
  return issues
    .map((i) => `${i.severity.toUpperCase()} ${i.file}${i.field ? ` [${i.field}]` : ''}: ${i.message}`)
    .join('\n');
}

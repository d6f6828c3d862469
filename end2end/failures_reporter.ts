import path from 'node:path';

import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/** How many failures are told in full; the rest get their title only. */
const TOLD = 3;

/**
 * Prints every failed test once more at the very end of the run, in a few
 * lines each: its title, its error, and the `failure report` its fixture
 * attached (`fixtures/failure_report.ts`). CI keeps only the tail of a long
 * log, and the list reporter's full failure text (stack, attachments'
 * paths) pushes what says why out of it.
 */
export default class FailuresReporter implements Reporter {
  private readonly failed: { test: TestCase; result: TestResult }[] = [];

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status !== test.expectedStatus && result.status !== 'skipped') this.failed.push({ test, result });
  }

  onEnd(_result: FullResult): void {
    if (this.failed.length === 0) return;
    const lines = [`── ${this.failed.length} failed, in short ──`];
    this.failed.forEach(({ test, result }, index) => {
      const [project] = test.titlePath().slice(1, 2);
      const where = `${path.basename(test.location.file)}:${test.location.line}`;
      lines.push(`✘ [${project}] ${where} ${test.title} (${result.status})`);
      if (index >= TOLD) return;
      lines.push(...errorLines(result).map((line) => `  ${line}`));
      // Which of the test's steps failed: a spec may await the same matcher in many places.
      const at = result.error?.location;
      if (at) lines.push(`  at ${path.basename(at.file)}:${at.line}:${at.column}`);
      const report = result.attachments.find((attachment) => attachment.name === 'failure report');
      if (report?.body) lines.push(...report.body.toString('utf8').split('\n').map((line) => `  ${line}`));
    });
    console.log(lines.join('\n'));
  }

  printsToStdio(): boolean {
    return true;
  }
}

/** The error's first lines: what was expected and what came, without the call log. */
function errorLines(result: TestResult): string[] {
  const message = result.error?.message ?? '(no error message)';
  return message
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .filter((line) => !line.startsWith('Call log') && !line.startsWith('- '))
    .slice(0, 5)
    .map((line) => (line.length > 220 ? `${line.slice(0, 219)}…` : line));
}

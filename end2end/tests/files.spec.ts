import fs from 'node:fs';
import path from 'node:path';

import { seriousViolations } from '../fixtures/axe';
import { expectFileDownload, expectZipDownload, openFiles, uploadText } from '../fixtures/files';
import { expect, test } from '../fixtures/pocketcode';
import { phoneScreenshot } from '../fixtures/screenshots';
import { expectTappable } from '../fixtures/tappable';

const page_width = 390;

const PLAN = 'fn main() {\n    println!("hi from the agent");\n}\n';

test('Files on a phone: browse, read, download a file and a folder, upload into a folder', async ({
  pocketcode,
  page,
}) => {
  const chat = await pocketcode.newChat();
  // What the agent wrote.
  fs.mkdirSync(path.join(chat.worktree, 'notes'), { recursive: true });
  fs.writeFileSync(path.join(chat.worktree, 'notes', 'plan.rs'), PLAN);
  fs.writeFileSync(path.join(chat.worktree, 'notes', 'todo.md'), '- ship it\n');

  const { files, tree } = await openFiles(page);
  const notes = tree.getByRole('button', { name: /^notes\/\s*,\s*untracked$/ });
  await expect(notes).toHaveAttribute('aria-expanded', 'false');
  await notes.click();
  await expect(notes).toHaveAttribute('aria-expanded', 'true');
  await expect(files.getByTestId('files-folder')).toHaveText('notes/');
  const plan = tree.getByRole('button', { name: /plan\.rs/ });
  await expect(plan).toContainText(`${PLAN.length} B`);
  for (const control of [notes, plan, files.getByRole('link', { name: 'Download folder (zip)' })]) {
    await expectTappable(control, page_width);
  }
  await phoneScreenshot(page, 'files-tree.png');

  await plan.click();
  const lines = files.getByTestId('file-lines');
  await expect(lines).toContainText('println!("hi from the agent");');
  await expect(lines.locator('.tok-k').first()).toHaveText('fn');
  await expect(lines.locator('span[aria-hidden="true"]').nth(1)).toHaveText('2');
  const wrap = files.getByRole('button', { name: 'Wrap lines' });
  await expect(wrap).toHaveAttribute('aria-pressed', 'false');
  await expect(lines).toHaveClass(/whitespace-pre(\s|$)/);
  await wrap.click();
  await expect(wrap).toHaveAttribute('aria-pressed', 'true');
  await expect(lines).toHaveClass(/whitespace-pre-wrap/);
  const downloadFile = files.getByRole('link', { name: 'Download', exact: true });
  for (const control of [wrap, downloadFile]) await expectTappable(control, page_width);
  await phoneScreenshot(page, 'files-viewer.png');
  expect(await seriousViolations(page, 'section[aria-label="Files"]')).toEqual([]);
  await expectFileDownload(page, files, 'plan.rs', PLAN);

  await files.getByRole('button', { name: '← Files' }).click();
  await expect(notes).toHaveAttribute('aria-expanded', 'true');
  await expectZipDownload(page, files, 'notes.zip', { 'plan.rs': PLAN, 'todo.md': '- ship it\n' });

  await uploadText(files, tree, 'from-phone.txt', 'typed on a phone\n', 'notes/');
  const upload = files.getByLabel('Upload files');
  expect(fs.readFileSync(path.join(chat.worktree, 'notes', 'from-phone.txt'), 'utf8')).toBe('typed on a phone\n');
  await expectTappable(files.locator('label', { hasText: 'Upload files' }), page_width);

  // A refusal says why, and writes nothing.
  await upload.setInputFiles({ name: 'todo.md', mimeType: 'text/plain', buffer: Buffer.from('replaced?\n') });
  await expect(files.getByTestId('upload-note')).toContainText('Upload refused: notes/todo.md is already there');
  expect(fs.readFileSync(path.join(chat.worktree, 'notes', 'todo.md'), 'utf8')).toBe('- ship it\n');
  await phoneScreenshot(page, 'files-upload.png');
  expect(await seriousViolations(page, 'section[aria-label="Files"]')).toEqual([]);
});

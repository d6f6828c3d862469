import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { seriousViolations } from '../fixtures/axe';
import { expect, test } from '../fixtures/pocketcode';
import { expectTappable } from '../fixtures/tappable';

/** A zip's files, name → bytes (read from its central directory, as unzip does). */
function unzip(zip: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let end = zip.length - 22;
  while (end > 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const [nameLength, extra, comment] = [28, 30, 32].map((o) => zip.readUInt16LE(at + o));
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    files.set(name, method === 8 ? zlib.inflateRawSync(data) : data);
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

const page_width = 390;

const PLAN = 'fn main() {\n    println!("hi from the agent");\n}\n';

test('Files on a phone: browse, read, download a file and a folder, upload into a folder', async ({
  pocketcode,
  page,
}, testInfo) => {
  const chat = await pocketcode.newChat();
  // What the agent wrote.
  fs.mkdirSync(path.join(chat.worktree, 'notes'), { recursive: true });
  fs.writeFileSync(path.join(chat.worktree, 'notes', 'plan.rs'), PLAN);
  fs.writeFileSync(path.join(chat.worktree, 'notes', 'todo.md'), '- ship it\n');

  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: 'Files' }).click();
  const files = page.getByRole('region', { name: 'Files' });
  const tree = files.getByRole('list', { name: 'Worktree' });
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
  await page.screenshot({ path: testInfo.outputPath('files-tree.png') });

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
  await page.screenshot({ path: testInfo.outputPath('files-viewer.png') });
  expect(await seriousViolations(page, 'section[aria-label="Files"]')).toEqual([]);

  const [file] = await Promise.all([page.waitForEvent('download'), downloadFile.click()]);
  expect(file.suggestedFilename()).toBe('plan.rs');
  expect(fs.readFileSync(await file.path(), 'utf8')).toBe(PLAN);

  await files.getByRole('button', { name: '← Files' }).click();
  await expect(notes).toHaveAttribute('aria-expanded', 'true');
  const [zip] = await Promise.all([
    page.waitForEvent('download'),
    files.getByRole('link', { name: 'Download folder (zip)' }).click(),
  ]);
  expect(zip.suggestedFilename()).toBe('notes.zip');
  const zipped = unzip(fs.readFileSync(await zip.path()));
  expect([...zipped.keys()].sort()).toEqual(['plan.rs', 'todo.md']);
  expect(zipped.get('plan.rs')?.toString()).toBe(PLAN);
  expect(zipped.get('todo.md')?.toString()).toBe('- ship it\n');

  const upload = files.getByLabel('Upload files');
  await upload.setInputFiles({ name: 'from-phone.txt', mimeType: 'text/plain', buffer: Buffer.from('typed on a phone\n') });
  await expect(files.getByTestId('upload-note')).toHaveText('Uploaded 1 file(s) into notes/.');
  await expect(tree.getByRole('button', { name: /from-phone\.txt/ })).toBeVisible();
  expect(fs.readFileSync(path.join(chat.worktree, 'notes', 'from-phone.txt'), 'utf8')).toBe('typed on a phone\n');
  await expectTappable(files.locator('label', { hasText: 'Upload files' }), page_width);

  // A refusal says why, and writes nothing.
  await upload.setInputFiles({ name: 'todo.md', mimeType: 'text/plain', buffer: Buffer.from('replaced?\n') });
  await expect(files.getByTestId('upload-note')).toContainText('Upload refused: notes/todo.md is already there');
  expect(fs.readFileSync(path.join(chat.worktree, 'notes', 'todo.md'), 'utf8')).toBe('- ship it\n');
  await page.screenshot({ path: testInfo.outputPath('files-upload.png') });
  expect(await seriousViolations(page, 'section[aria-label="Files"]')).toEqual([]);
});

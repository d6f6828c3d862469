import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { seriousViolations } from '../fixtures/axe';
import { expectFileDownload, expectZipDownload, openFiles, uploadText } from '../fixtures/files';
import { LoginPage } from '../fixtures/login';
import { expect, PocketcodePage, test } from '../fixtures/pocketcode';
import { phoneScreenshot } from '../fixtures/screenshots';
import { type RemoteOpencode, startRemoteOpencode } from '../fixtures/remote_opencode';
import { type Server, startPocketcode } from '../fixtures/server';
import { type Sshd, startSshd } from '../fixtures/sshd';
import { expectTappable } from '../fixtures/tappable';
import { expectLine } from '../fixtures/terminal';

// A server of its own that trusts the test's sshd, and a real opencode on
// the "remote" side with its own scripted model.
test.use({ storageState: { cookies: [], origins: [] } });
test.describe.configure({ mode: 'default' });

let sshd: Sshd;
let server: Server;
let remote: RemoteOpencode;
test.beforeAll(async () => {
  sshd = await startSshd();
  remote = await startRemoteOpencode();
  server = await startPocketcode({ env: { POCKETCODE_SSH_KNOWN_HOSTS: sshd.knownHosts } });
});
test.afterAll(async () => {
  await server?.stop();
  await remote?.stop();
  await sshd?.stop();
});

const page_width = 390;
const PLAN = 'fn main() {\n    println!("hi from the remote");\n}\n';

/** A project on the remote: committed, then a file the agent wrote. */
function seedProject(): string {
  const project = remote.project('webapp');
  const git = (...args: string[]) => execFileSync('git', ['-C', project, ...args]);
  fs.writeFileSync(path.join(project, 'README.md'), '# webapp\n');
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'init');
  fs.mkdirSync(path.join(project, 'notes'));
  fs.writeFileSync(path.join(project, 'notes', 'plan.rs'), PLAN);
  fs.writeFileSync(path.join(project, 'notes', 'todo.md'), '- ship it\n');
  return project;
}

test('a remote chat on a phone: its files browsed, a file read and downloaded, a folder as a zip, an upload; a terminal on the remote', async ({
  page,
}, testInfo) => {
  const project = seedProject();
  const session = await remote.createSession(project, 'Remote files');
  const pocketcode = new PocketcodePage(page);
  await page.goto(`${server.baseUrl}/connections`);
  await new LoginPage(page).logIn(server.password);
  const fn = async (name: string, form: Record<string, string>) => {
    const answer = await page.request.post(`${server.baseUrl}/pocket/fn/${name}`, { form });
    return { status: answer.status(), body: await answer.text() };
  };
  const saved = await fn('save_connection', {
    name: 'devbox',
    host: '127.0.0.1',
    port: String(sshd.port),
    user: sshd.user,
    identity_file: sshd.key,
    remote_port: String(remote.port),
  });
  expect(saved.status, saved.body).toBe(200);
  await fn('connect', { name: 'devbox' });
  const used = await fn('use_open_connection', { name: 'devbox' });
  expect(used.body).toContain('"connected"');

  await pocketcode.goto(`${server.baseUrl}/remote/devbox/${session}`);
  const { files, tree } = await openFiles(page);
  const notes = tree.getByRole('button', { name: /^notes\/\s*,\s*has changes$/ });
  await notes.click();
  await expect(files.getByTestId('files-folder')).toHaveText('notes/');
  const plan = tree.getByRole('button', { name: /plan\.rs\s*,\s*added/ });
  for (const control of [notes, plan, files.getByRole('link', { name: 'Download folder (zip)' })]) {
    await expectTappable(control, page_width);
  }

  await plan.click();
  const lines = files.getByTestId('file-lines');
  await expect(lines).toContainText('println!("hi from the remote");');
  await expect(lines.locator('.tok-k').first()).toHaveText('fn');
  await page.screenshot({ path: testInfo.outputPath('remote-files-viewer.png') });
  expect(await seriousViolations(page, 'section[aria-label="Files"]')).toEqual([]);
  await expectFileDownload(page, files, 'plan.rs', PLAN);

  await files.getByRole('button', { name: '← Files' }).click();
  await expectZipDownload(page, files, 'notes.zip', { 'plan.rs': PLAN, 'todo.md': '- ship it\n' });

  await uploadText(files, tree, 'from-phone.txt', 'typed on a phone\n', 'notes/');
  expect(fs.readFileSync(path.join(project, 'notes', 'from-phone.txt'), 'utf8')).toBe('typed on a phone\n');
  await page.screenshot({ path: testInfo.outputPath('remote-files-upload.png') });
  expect(await seriousViolations(page, 'section[aria-label="Files"]')).toEqual([]);

  // ⋯ → Terminal: a shell on the remote, in the session's directory.
  await files.getByRole('button', { name: 'Close the files' }).click();
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: /Terminal/ }).click();
  const screen = page.getByRole('region', { name: 'Terminal' }).getByTestId('terminal-screen').first();
  await expect(screen).toHaveAttribute('data-link', 'live');
  await page.keyboard.type('echo hi\n');
  await expectLine(screen, 'hi');
  // The directory's name only: its whole path wraps on a phone's screen.
  await page.keyboard.type('echo "in-$(basename "$PWD")"\n');
  await expectLine(screen, `in-${path.basename(project)}`);
  // The key bar above the keyboard, on an iPhone.
  await expect(page.getByRole('region', { name: 'Terminal' }).getByRole('button', { name: 'Tab', exact: true })).toBeVisible();
  await phoneScreenshot(page, 'terminal-key-bar.png');
  expect(await seriousViolations(page, '[data-testid=terminal-sheet]')).toEqual([]);
});

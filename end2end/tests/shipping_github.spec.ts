import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { type GithubStandin, startGithubStandin } from '../fixtures/github_standin';
import { LoginPage } from '../fixtures/login';
import { expect, PocketcodePage, test } from '../fixtures/pocketcode';
import { type Server, startPocketcode } from '../fixtures/server';

// Its own pocketcode, pointed at its own GitHub stand-in (git over HTTP
// with token auth and GitHub's pull request calls): pocketcode clones
// `e2e/shipit` from it as it would from github.com.
test.use({ storageState: { cookies: [], origins: [] } });
// One pocketcode and stand-in for the file's tests, one after the other.
test.describe.configure({ mode: 'serial' });

const OWNER = 'e2e';
const NAME = 'shipit';

/** git in `dir` (a worktree, or the stand-in's bare repo). */
const git = (dir: string, ...args: string[]) =>
  execFileSync('git', args, { cwd: dir, stdio: 'pipe' }).toString().trim();

let standin: GithubStandin;
let server: Server;
let bare: string;
test.beforeAll(async () => {
  standin = await startGithubStandin();
  bare = standin.createRepo(OWNER, NAME);
  standin.configure(OWNER, NAME, {
    check_runs: [{ name: 'build', status: 'completed', conclusion: 'success' }],
  });
  server = await startPocketcode({
    env: { GITHUB_TOKEN: standin.token, POCKETCODE_GITHUB_API: standin.api },
  });
});
test.afterAll(async () => {
  await server?.stop();
  await standin?.stop();
});

/** axe-core's serious and critical findings in the Changes sheet (as accessibility.spec.ts asks them). */
async function seriousViolations(page: import('@playwright/test').Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .include('section[aria-label="Changes"]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Fails unless `control` is at least 44 px tall and inside a 390 px wide screen. */
async function expectThumbSized(control: import('@playwright/test').Locator) {
  await expect(control).toBeVisible();
  const box = await control.boundingBox();
  expect(box?.height ?? 0, await control.textContent()).toBeGreaterThanOrEqual(44);
  expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
}

test('from a finished chat: Changes → Commit → Push → Open PR → the header shows it → Merge, at 390×844', async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  const pocketcode = new PocketcodePage(page);
  const base = server.baseUrl;
  await page.goto(`${base}/`);
  await new LoginPage(page).logIn(server.password);
  await pocketcode.waitHydrated();

  const added = await page.request.post(`${base}/pocket/fn/add_repo`, { form: { source: `${OWNER}/${NAME}` } });
  expect(added.status(), await added.text()).toBe(200);
  const made = await page.request.post(`${base}/pocket/fn/new_chat`, { form: { repo: `${OWNER}/${NAME}` } });
  const madeBody = await made.text();
  expect(made.status(), madeBody).toBe(200);
  const { worktree } = JSON.parse(madeBody);
  const chatId: string = worktree.chat_id;
  await pocketcode.goto(`${base}/chat/${worktree.repo}/${chatId}`);
  const file = `shipped-${chatId}.txt`;
  await pocketcode.send(`[scenario:write path=${file} content="shipped through GitHub from a phone"]`);
  await pocketcode.expectReply('Done. The write tool returned');
  await pocketcode.waitUntilIdle();
  await expect(page.getByTestId('unshipped')).toContainText('1 uncommitted');

  // ⋯ → Changes → Commit.
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: 'Changes (diff)' }).click();
  const changes = page.getByRole('region', { name: 'Changes' });
  await changes.getByLabel('Commit message').fill(`Ship ${file}`);
  await changes.getByRole('button', { name: 'Commit 1 file(s)' }).click();
  await expect(changes.getByRole('list', { name: 'Commits ahead' })).toContainText(`Ship ${file}`);
  const tip = git(worktree.path, 'rev-parse', 'HEAD');

  // Push: the branch is on the stand-in with the commit.
  const pushBox = changes.getByRole('region', { name: 'Push' });
  await expect(pushBox.getByTestId('push-state')).toHaveText('1 unpushed (never pushed)');
  const push = pushBox.getByRole('button', { name: 'Push', exact: true });
  await expectThumbSized(push);
  await push.click();
  await expect(pushBox.getByTestId('pushed')).toContainText(`Pushed pocketcode/${chatId} at ${tip.slice(0, 7)}`);
  await expect(pushBox.getByTestId('push-state')).toHaveText(`pushed ✓ ${tip.slice(0, 7)}`);
  expect(git(bare, 'rev-parse', `refs/heads/pocketcode/${chatId}`)).toBe(tip);
  await expect(push).toBeDisabled();

  // Open the pull request: title and body prefilled, a draft toggle.
  const pull = changes.getByRole('region', { name: 'Pull request' });
  await expect(pull.getByLabel('Pull request title')).not.toHaveValue('');
  await expect(pull.getByLabel('Pull request body')).toHaveValue(new RegExp(`Ship ${file}`));
  const draft = pull.getByRole('checkbox', { name: 'Draft (not ready for review)' });
  await expect(draft).not.toBeChecked();
  await pull.getByLabel('Pull request title').fill(`Ship ${file}`);
  const open = pull.getByRole('button', { name: 'Open pull request' });
  for (const control of [pull.getByLabel('Pull request title'), pull.locator('label').filter({ hasText: 'Draft (not ready for review)' }), open]) {
    await expectThumbSized(control);
  }
  expect(await seriousViolations(page), 'the Changes sheet with Push and the pull request form').toEqual([]);
  await pull.scrollIntoViewIfNeeded();
  await page.screenshot({ path: testInfo.outputPath('shipping-push-open-form.png') });
  await open.click();
  await expect(pull.getByTestId('pull-state')).toHaveText('Pull request #1 open');
  await expect(pull.getByTestId('pull-checks')).toHaveText('checks: 1 passed, 0 failed, 0 pending');
  await expect(pull.getByRole('link', { name: '#1 on GitHub ↗' })).toHaveAttribute('href', /\/pull\/1$/);
  await page.screenshot({ path: testInfo.outputPath('shipping-pull-request.png') });

  // The header shows it.
  const chip = page.getByRole('link', { name: 'Pull request #1 open on GitHub' });
  await expect(chip).toHaveText('PR #1 open');
  await expectThumbSized(chip);

  // Merge with a merge commit (the repo allows all three: a picker).
  const method = pull.getByRole('combobox', { name: 'Merge method' });
  await method.selectOption('merge');
  const merge = pull.getByRole('button', { name: 'Merge pull request' });
  for (const control of [method, merge, pull.getByRole('button', { name: 'Close pull request' })]) {
    await expectThumbSized(control);
  }
  expect(await seriousViolations(page), 'the Changes sheet with an open pull request').toEqual([]);
  await merge.click();
  await expect(pull.getByTestId('pull-state')).toHaveText('Pull request #1 merged');
  await expect(page.getByRole('link', { name: 'Pull request #1 merged on GitHub' })).toHaveText('PR #1 merged');
  await expect(pull.getByRole('button', { name: 'Merge pull request' })).toHaveCount(0);
  // The stand-in's main has the chat's commit.
  git(bare, 'merge-base', '--is-ancestor', tip, 'refs/heads/main');
  await page.screenshot({ path: testInfo.outputPath('shipping-merged.png') });
});

/**
 * Logs in and makes a chat of the stand-in's repo; `commit(file)` writes
 * `file` in its worktree and commits it through pocketcode, answering the
 * new HEAD.
 */
async function chatWithCommits(page: import('@playwright/test').Page) {
  const pocketcode = new PocketcodePage(page);
  const base = server.baseUrl;
  await page.goto(`${base}/`);
  await new LoginPage(page).logIn(server.password);
  await pocketcode.waitHydrated();
  const made = await page.request.post(`${base}/pocket/fn/new_chat`, { form: { repo: `${OWNER}/${NAME}` } });
  const madeBody = await made.text();
  expect(made.status(), madeBody).toBe(200);
  const { worktree } = JSON.parse(madeBody);
  const chat = { repo: worktree.repo as string, chat_id: worktree.chat_id as string };
  const commit = async (file: string) => {
    writeFileSync(path.join(worktree.path, file), `${file}\n`);
    const committed = await page.request.post(`${base}/pocket/fn/commit_chat`, {
      form: { ...chat, message: `Add ${file}` },
    });
    expect(committed.status(), await committed.text()).toBe(200);
    return git(worktree.path, 'rev-parse', 'HEAD');
  };
  return { pocketcode, base, chat, commit };
}

test('a push GitHub refuses (its branch moved on) goes through only with Force push and a second tap', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const { pocketcode, base, chat, commit } = await chatWithCommits(page);
  const branch = `refs/heads/pocketcode/${chat.chat_id}`;
  await commit('first.txt');
  const pushed = await page.request.post(`${base}/pocket/fn/push_chat`, { form: chat });
  expect(pushed.status(), await pushed.text()).toBe(200);

  // Someone else pushes to the chat's branch on GitHub; the chat commits on.
  const theirs = git(bare, 'commit-tree', 'refs/heads/main^{tree}', '-p', 'refs/heads/main', '-m', 'not the chat');
  git(bare, 'update-ref', branch, theirs);
  const tip = await commit('second.txt');

  await pocketcode.goto(`${base}/chat/${chat.repo}/${chat.chat_id}`);
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: 'Changes (diff)' }).click();
  const pushBox = page.getByRole('region', { name: 'Changes' }).getByRole('region', { name: 'Push' });
  await pushBox.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(pushBox.getByRole('alert')).toContainText('not a fast-forward');
  expect(git(bare, 'rev-parse', branch)).toBe(theirs);

  // One tap arms it, and still pushes nothing; the second replaces GitHub's commit.
  const force = pushBox.getByRole('button', { name: 'Force push' });
  await expectThumbSized(force);
  await force.click();
  const confirm = pushBox.getByRole('button', { name: "Tap again: replace GitHub's commits" });
  await expect(confirm).toBeVisible();
  expect(git(bare, 'rev-parse', branch)).toBe(theirs);
  await pushBox.scrollIntoViewIfNeeded();
  await page.screenshot({ path: testInfo.outputPath('shipping-force-push.png') });
  await confirm.click();
  await expect(pushBox.getByTestId('pushed')).toHaveText(
    `Pushed pocketcode/${chat.chat_id} at ${tip.slice(0, 7)} (forced).`,
  );
  expect(git(bare, 'rev-parse', branch)).toBe(tip);
});

test('a branch name typed in Push is where the branch goes, and the next push goes there again', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const { pocketcode, base, chat, commit } = await chatWithCommits(page);
  const first = await commit('named-first.txt');
  const named = `feature/phone-${chat.chat_id}`;

  const openChanges = async () => {
    await page.getByRole('button', { name: 'Chat menu' }).click();
    await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: 'Changes (diff)' }).click();
    return page.getByRole('region', { name: 'Changes' }).getByRole('region', { name: 'Push' });
  };
  await pocketcode.goto(`${base}/chat/${chat.repo}/${chat.chat_id}`);
  let pushBox = await openChanges();
  const field = pushBox.getByLabel('Branch on GitHub');
  await expect(field).toHaveValue(`pocketcode/${chat.chat_id}`);
  await expectThumbSized(field);
  // The default branch is refused by name, and nothing moves on GitHub.
  const mainBefore = git(bare, 'rev-parse', 'refs/heads/main');
  await field.fill('main');
  await expect(pushBox.getByTestId('push-state')).toHaveText('not pushed under this name yet');
  await field.evaluate((input) => input.setAttribute('data-before-reload', ''));
  await pushBox.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(pushBox.getByRole('alert')).toContainText('default branch');
  expect(git(bare, 'rev-parse', 'refs/heads/main')).toBe(mainBefore);
  // Every push reloads the sheet (a new Push box): what was typed stays.
  await expect(page.locator('[data-before-reload]')).toHaveCount(0);
  await expect(field).toHaveValue('main');

  await field.fill(named);
  await pushBox.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(pushBox.getByTestId('pushed')).toContainText(`Pushed ${named} at ${first.slice(0, 7)}`);
  expect(git(bare, 'rev-parse', `refs/heads/${named}`)).toBe(first);
  expect(() => git(bare, 'rev-parse', '--verify', `refs/heads/pocketcode/${chat.chat_id}`)).toThrow();

  // Another commit, a reload: the field keeps the name, the state counts against it.
  const second = await commit('named-second.txt');
  await pocketcode.goto(`${base}/chat/${chat.repo}/${chat.chat_id}`);
  pushBox = await openChanges();
  await expect(pushBox.getByLabel('Branch on GitHub')).toHaveValue(named);
  await expect(pushBox.getByTestId('push-state')).toHaveText('1 unpushed');
  await pushBox.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(pushBox.getByTestId('pushed')).toContainText(`Pushed ${named} at ${second.slice(0, 7)}`);
  expect(git(bare, 'rev-parse', `refs/heads/${named}`)).toBe(second);
});

import { LoginPage } from '../fixtures/login';
import { e2eRepo, expect, PocketcodePage, test } from '../fixtures/pocketcode';
import { useOwnServer } from '../fixtures/own_server';

// A server of its own with a watchdog that declares a stopped opencode hung
// within 24 s (a probe a second, 8 s to answer, 2 misses: with the whole
// suite running, a chat's first open boots its directory's instance slowly
// enough that 3 s probes killed opencode before the test stopped it);
// the shared server keeps the default probes (a loaded machine must not
// see spurious restarts there).
const ownServer = useOwnServer({
  env: {
    POCKETCODE_OPENCODE_PROBE_SECS: '1',
    POCKETCODE_OPENCODE_PROBE_TIMEOUT_SECS: '8',
    POCKETCODE_OPENCODE_PROBE_MISSES: '2',
  },
});

test('a chat working when opencode hangs reads interrupted, and Continue finishes it', async ({ page }) => {
  const server = ownServer();
  test.setTimeout(180_000);
  const pocketcode = new PocketcodePage(page);
  await page.goto(`${server.baseUrl}/`);
  await new LoginPage(page).logIn(server.password);
  await pocketcode.waitHydrated();

  const made = await page.request.post(`${server.baseUrl}/pocket/fn/new_chat`, { form: { repo: e2eRepo() } });
  expect(made.status(), await made.text()).toBe(200);
  const chat = await made.json();
  const href = `/chat/${chat.worktree.repo}/${chat.worktree.chat_id}`;
  await pocketcode.goto(`${server.baseUrl}${href}`);
  await pocketcode.send('[scenario:slow chunks=600 ms=100] a long answer');
  await expect(pocketcode.transcript).toContainText('Slow chunk 3 of 600');

  // opencode stops answering (its process group, bubblewrap included).
  const health = await page.request.get(`${server.baseUrl}/admin/health`);
  const group: number = (await health.json()).opencode.pid;
  expect(group).toBeGreaterThan(1);
  process.kill(-group, 'SIGSTOP');

  // Without a reload: the top bar says so and the chat offers Continue.
  const restart = page.getByRole('banner').locator('[data-opencode-restart="hung"]');
  // Within the watchdog's bound (24 s) and opencode's start.
  await expect(restart).toHaveText('opencode restarted just now (hung)', { timeout: 60_000 });
  const banner = page.getByTestId('interrupted');
  await expect(banner).toContainText('opencode was restarted while this chat was working.');
  await pocketcode.openSidebar();
  const link = pocketcode.sidebar.locator(`a[href="${href}"]`);
  await expect(link).toHaveAttribute('data-status', 'interrupted');
  await expect(link).toContainText('interrupted');

  // Still so after a reload (and after the chat's resync from the new opencode).
  await pocketcode.reload();
  await expect(banner).toBeVisible();
  const button = banner.getByRole('button', { name: 'Continue' });
  const box = await button.boundingBox();
  expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
  expect(box?.width ?? 0).toBeGreaterThanOrEqual(44);

  await button.click();
  await expect(banner).toBeHidden();
  await expect(pocketcode.messages('Assistant').last()).toContainText('You said: "continue"');
  await pocketcode.waitUntilIdle();
  await pocketcode.openSidebar();
  await expect(link).toHaveAttribute('data-status', 'idle');
  await expect(banner).toBeHidden();
});

import { LoginPage } from '../fixtures/login';
import { expect, PocketcodePage, test } from '../fixtures/pocketcode';
import { type Server, startPocketcode } from '../fixtures/server';
import { healthEndpoint, type Sshd, startSshd } from '../fixtures/sshd';

// A server of its own that trusts the test's sshd, and an "opencode" on
// the remote side (its health endpoint: discovery is what is tested here).
test.use({ storageState: { cookies: [], origins: [] } });

let sshd: Sshd;
let server: Server;
let remote: { port: number; stop: () => Promise<void> };
test.beforeAll(async () => {
  sshd = await startSshd();
  remote = await healthEndpoint('1.18.33');
  server = await startPocketcode({ env: { POCKETCODE_SSH_KNOWN_HOSTS: sshd.knownHosts } });
});
test.afterAll(async () => {
  await server?.stop();
  await remote?.stop();
  await sshd?.stop();
});

test('add a connection on a phone, connect, copy its diagnostics, disconnect and delete it', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const pocketcode = new PocketcodePage(page);
  await page.goto(`${server.baseUrl}/connections`);
  await new LoginPage(page).logIn(server.password);
  await pocketcode.waitHydrated();
  await expect(page.getByText('No connections yet.')).toBeVisible();

  // A bad value: the field is named, nothing is saved.
  const form = page.getByRole('region', { name: 'Add a connection' });
  await form.getByLabel(/^Name/).fill('loopback');
  await form.getByLabel(/^Host \(/).fill('-oProxyCommand=sh');
  await form.getByRole('button', { name: 'Save connection' }).click();
  await expect(page.getByRole('alert')).toContainText('Host');
  await expect(page.getByText('No connections yet.')).toBeVisible();

  await form.getByLabel(/^Host \(/).fill('127.0.0.1');
  await form.getByLabel(/^Port/).fill(String(sshd.port));
  await form.getByLabel(/^User/).fill(sshd.user);
  await form.getByLabel(/^IdentityFile/).fill(sshd.key);
  await form.getByLabel('opencode port on the remote').fill(String(remote.port));
  await form.getByRole('button', { name: 'Save connection' }).click();
  const row = page.getByRole('listitem', { name: 'Connection loopback' });
  await expect(row).toContainText(`${sshd.user}@127.0.0.1:${sshd.port}`);
  await expect(row.getByTestId('connection-state')).toHaveText('Not connected');

  await row.getByRole('button', { name: 'Connect' }).click();
  await expect(row.getByTestId('connection-state')).toHaveText('Connected: opencode 1.18.33');

  await row.getByRole('button', { name: 'Copy diagnostics' }).click();
  await expect(row.getByRole('status')).toHaveText('Diagnostics copied.');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain('ssh command:');
  expect(copied).toContain('StrictHostKeyChecking=yes');
  expect(copied).toContain('Connected');
  await expect(row.getByLabel('Diagnostics')).toContainText('ssh command:');

  await row.getByRole('button', { name: 'Disconnect' }).click();
  await expect(row.getByTestId('connection-state')).toHaveText('Not connected');
  await row.getByRole('button', { name: 'Delete' }).click();
  await row.getByRole('button', { name: 'Tap again to delete' }).click();
  await expect(page.getByText('No connections yet.')).toBeVisible();
});

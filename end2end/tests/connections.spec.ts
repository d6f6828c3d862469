import { LoginPage } from '../fixtures/login';
import { expect, PocketcodePage, test } from '../fixtures/pocketcode';
import { freePort, type Server, startPocketcode } from '../fixtures/server';
import { type RemoteOpencode, startRemoteOpencode } from '../fixtures/remote_opencode';
import { healthEndpoint, type Sshd, startSshd } from '../fixtures/sshd';

// A server of its own that trusts the test's sshd; on the "remote" side
// either a bare health endpoint (discovery is what the first test is
// about) or a real opencode with its own scripted model (remote chats).
test.use({ storageState: { cookies: [], origins: [] } });
// One worker runs both, in order: one set of servers.
test.describe.configure({ mode: 'default' });

let sshd: Sshd;
let server: Server;
let remote: { port: number; stop: () => Promise<void> };
let remoteOpencode: RemoteOpencode;
test.beforeAll(async () => {
  sshd = await startSshd();
  remote = await healthEndpoint('1.18.33');
  remoteOpencode = await startRemoteOpencode();
  server = await startPocketcode({ env: { POCKETCODE_SSH_KNOWN_HOSTS: sshd.knownHosts } });
});
test.afterAll(async () => {
  await server?.stop();
  await remoteOpencode?.stop();
  await remote?.stop();
  await sshd?.stop();
});

/** Saves connection `name` to the test's sshd, the remote opencode at `remotePort`. */
async function addConnection(page: import('@playwright/test').Page, name: string, remotePort: number) {
  const form = page.getByRole('region', { name: 'Add a connection' });
  await form.getByLabel(/^Name/).fill(name);
  await form.getByLabel(/^Host \(/).fill('127.0.0.1');
  await form.getByLabel(/^Port/).fill(String(sshd.port));
  await form.getByLabel(/^User/).fill(sshd.user);
  await form.getByLabel(/^IdentityFile/).fill(sshd.key);
  await form.getByLabel('opencode port on the remote').fill(String(remotePort));
  await form.getByRole('button', { name: 'Save connection' }).click();
  return page.getByRole('listitem', { name: `Connection ${name}` });
}

/** The fixture's remote opencode has no password: pocketcode shows it as
 * open to every user of the host and uses it only after two taps. */
async function useOpenRemote(row: import('@playwright/test').Locator) {
  await expect(row.getByTestId('connection-state')).toHaveText('Failed (Open)');
  await expect(row.getByText('Open to every user of 127.0.0.1: its opencode has no password.')).toBeVisible();
  await row.getByRole('button', { name: 'Use anyway' }).click();
  await row.getByRole('button', { name: 'Tap again: every user of 127.0.0.1 can drive it' }).click();
}

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

  const row = await addConnection(page, 'loopback', remote.port);
  await expect(row).toContainText(`${sshd.user}@127.0.0.1:${sshd.port}`);
  await expect(row.getByTestId('connection-state')).toHaveText('Not connected');

  // Connected from elsewhere (another tab, a script): the row follows
  // through the live event stream, with no reload and no polling.
  const connected = await page.request.post(`${server.baseUrl}/pocket/fn/connect`, { form: { name: 'loopback' } });
  expect(connected.status(), await connected.text()).toBe(200);
  await useOpenRemote(row);
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

  // Edit: the form comes filled with the profile; saving replaces it.
  await row.getByRole('button', { name: 'Edit' }).click();
  await expect(form.getByLabel(/^Name/)).toHaveValue('loopback');
  await expect(form.getByLabel(/^Host \(/)).toHaveValue('127.0.0.1');
  await expect(form.getByLabel(/^Port/)).toHaveValue(String(sshd.port));
  await expect(form.getByText(/^Editing loopback: saving replaces it/)).toBeVisible();
  const closed = await freePort();
  await form.getByLabel('opencode port on the remote').fill(String(closed));
  await form.getByRole('button', { name: 'Save connection' }).click();
  await expect(page.getByRole('listitem', { name: /^Connection / })).toHaveCount(1);
  // Nothing answers there: the step that failed, and what to do.
  await row.getByRole('button', { name: 'Connect' }).click();
  await expect(row.getByTestId('connection-state')).toHaveText('Failed (Discovery)');
  await expect(row.getByRole('alert')).toContainText(String(closed));

  await row.getByRole('button', { name: 'Delete' }).click();
  await row.getByRole('button', { name: 'Tap again to delete' }).click();
  await expect(page.getByText('No connections yet.')).toBeVisible();
});

test('a connected remote on a phone: its chat in the sidebar, opened, prompted and streamed; a new chat in a directory on it', async ({
  page,
}) => {
  const project = remoteOpencode.project('webapp');
  const existing = await remoteOpencode.createSession(project, 'Remote triage');
  const pocketcode = new PocketcodePage(page);
  await page.goto(`${server.baseUrl}/connections`);
  await new LoginPage(page).logIn(server.password);
  await pocketcode.waitHydrated();

  const row = await addConnection(page, 'devbox', remoteOpencode.port);
  await row.getByRole('button', { name: 'Connect' }).click();
  await useOpenRemote(row);
  await expect(row.getByTestId('connection-state')).toHaveText(/^Connected: opencode /);

  // The remote's chat is in the sidebar, marked with the connection.
  await pocketcode.openSidebar();
  const link = pocketcode.sidebar.locator(`a[href="/remote/devbox/${existing}"]`);
  await expect(link).toContainText('Remote triage');
  await expect(link.getByTestId('chat-place')).toHaveText('on devbox');
  await link.click();
  await page.waitForURL(`**/remote/devbox/${existing}`);
  await expect(page.getByTestId('remote-directory')).toHaveText(project);

  // A prompt streams its answer back through the tunnel.
  await pocketcode.send('hello from the phone');
  await pocketcode.expectReply('hello from the phone');
  await pocketcode.waitUntilIdle();
  // Git stays local: a remote chat's menu has no branch or diff.
  await page.getByRole('button', { name: 'Chat menu' }).click();
  const menu = page.getByRole('menu', { name: 'Chat menu' });
  await expect(menu.getByRole('menuitem', { name: 'Rename' })).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: /Copy branch|Changes/ })).toHaveCount(0);

  // A new chat in a directory on the remote: a wrong path is refused, a
  // real one opens its chat.
  await pocketcode.goto(`${server.baseUrl}/connections`);
  const newChat = row.getByLabel('New chat in a directory on devbox');
  await newChat.fill('/no/such/directory');
  // Another tab adds a connection and tries it: the list reloads at each
  // of its steps, and what is typed in this row stays.
  const fn = (name: string, form: Record<string, string>) =>
    page.request.post(`${server.baseUrl}/pocket/fn/${name}`, { form });
  const spare = { name: 'spare', host: '127.0.0.1', port: String(sshd.port), user: sshd.user };
  const saved = await fn('save_connection', { ...spare, identity_file: sshd.key, remote_port: String(await freePort()) });
  expect(saved.status(), await saved.text()).toBe(200);
  expect((await fn('connect', { name: 'spare' })).status()).toBe(200);
  const spareRow = page.getByRole('listitem', { name: 'Connection spare' });
  await expect(spareRow.getByTestId('connection-state')).toHaveText('Failed (Discovery)');
  await expect(newChat).toHaveValue('/no/such/directory');
  await row.getByRole('button', { name: 'Start chat' }).click();
  await expect(row.getByRole('alert')).toContainText('no directory /no/such/directory on devbox');
  const api = remoteOpencode.project('api');
  await newChat.fill(api);
  await row.getByRole('button', { name: 'Start chat' }).click();
  await page.waitForURL(/\/remote\/devbox\/ses_/);
  await expect(page.getByTestId('remote-directory')).toHaveText(api);
  await pocketcode.send('second remote chat');
  await pocketcode.expectReply('second remote chat');

  // Disconnected: the remote's chats leave the sidebar.
  expect((await fn('delete_connection', { name: 'spare' })).status()).toBe(200);
  await pocketcode.goto(`${server.baseUrl}/connections`);
  await expect(spareRow).toHaveCount(0);
  await row.getByRole('button', { name: 'Disconnect' }).click();
  await expect(row.getByTestId('connection-state')).toHaveText('Not connected');
  await pocketcode.openSidebar();
  await expect(link).toHaveCount(0);
});

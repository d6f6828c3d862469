import { type LoginPage, SESSION_COOKIE } from '../fixtures/login';
import { expect, PocketcodePage, test } from '../fixtures/pocketcode';

// Every test here starts logged out, whatever the config's shared login.
test.use({ storageState: { cookies: [], origins: [] } });

/** Opens `/` logged out, logs in there and waits for the app to hydrate. */
async function logInAtHome(pocketcode: PocketcodePage, loginPage: LoginPage, password: string): Promise<void> {
  await pocketcode.page.goto('/');
  await loginPage.logIn(password);
  await pocketcode.waitHydrated();
}

/** Path and query of the page the browser is on. */
function pathAndQuery(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

test('a visit while logged out goes through the login page to the page first asked for', async ({
  browser,
  page,
  pocketcode,
  loginPage,
  password,
  consoleErrors,
}) => {
  // A real session, made in a logged-in browser of its own.
  const other = await browser.newContext({ storageState: process.env.POCKETCODE_STORAGE_STATE });
  const creator = new PocketcodePage(await other.newPage());
  // The request shares the new context's cookie: a chat made while logged in.
  const chat = await creator.newChat();
  await other.close();

  const wanted = chat.href;
  await page.goto(wanted);
  await loginPage.expectShown();
  expect(new URL(page.url()).searchParams.get('next')).toBe(wanted);

  await loginPage.logIn(password);
  await expect(page).toHaveURL((url) => pathAndQuery(url.href) === wanted);
  await pocketcode.waitHydrated();
  await expect(pocketcode.chatLink(chat)).toHaveAttribute('aria-current', 'page');
  await expect(pocketcode.prompt).toBeEditable();
  // The login page's and the app's CSPs let everything we ship run.
  expect(consoleErrors).toEqual([]);
});

test('a wrong password shows an error and sets no cookie', async ({ page, context, loginPage }) => {
  await page.goto('/');
  await loginPage.expectShown();

  await loginPage.logIn('not-the-password');
  await expect(loginPage.alert).toContainText('Wrong password');
  await loginPage.expectShown();
  const cookies = await context.cookies();
  expect(cookies.map((c) => c.name)).not.toContain(SESSION_COOKIE);

  // Still locked out.
  await page.goto('/');
  await loginPage.expectShown();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the login form is a real password form and logs in', async ({ page, pocketcode, loginPage, password }) => {
    const wanted = '/?session=ses_doesnotexist123';
    await page.goto(wanted);
    await loginPage.expectShown();
    // What password managers look for.
    await expect(loginPage.password).toHaveAttribute('type', 'password');
    await expect(loginPage.password).toHaveAttribute('autocomplete', 'current-password');

    await loginPage.logIn(password);
    await expect(page).toHaveURL((url) => pathAndQuery(url.href) === wanted);
    // The server-rendered app, never hydrated.
    await expect(page.getByRole('banner')).toContainText('pocketcode');
    await expect(pocketcode.app).not.toHaveAttribute('data-hydrated', 'true');
  });
});

test('logging out from the top bar ends the login on this device', async ({
  page,
  context,
  pocketcode,
  loginPage,
  password,
}) => {
  await logInAtHome(pocketcode, loginPage, password);
  // Already logged in: the login page sends the browser on.
  await page.goto('/login?next=%2Fresources%3Fx%3D1');
  await expect(page).toHaveURL((url) => pathAndQuery(url.href) === '/resources?x=1');
  await pocketcode.goto('/');

  // A tap target a thumb can hit, in the sidebar.
  await pocketcode.openSidebar();
  const box = await pocketcode.logOutLink.boundingBox();
  expect(box?.height).toBeGreaterThanOrEqual(44);
  expect(box?.width).toBeGreaterThanOrEqual(44);
  await pocketcode.logOutLink.click();
  await expect(page).toHaveURL((url) => url.pathname === '/logout');
  await loginPage.logOutHereButton.click();

  await loginPage.expectShown();
  await expect(loginPage.status).toHaveText('You are logged out.');
  expect((await context.cookies()).map((c) => c.name)).not.toContain(SESSION_COOKIE);
  await page.goto('/');
  await loginPage.expectShown();
});

test('a tab whose login ends (here: its cookie is gone) goes to the login page when its stream reconnects', async ({
  page,
  context,
  pocketcode,
  loginPage,
  password,
}) => {
  await logInAtHome(pocketcode, loginPage, password);
  const chat = await pocketcode.newChat();

  await context.clearCookies();
  // The phone lost its network and got it back: the stream reconnects, the
  // wall refuses it, and the session check says why.
  await page.evaluate(() => window.dispatchEvent(new Event('offline')));
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await loginPage.expectShown();
  expect(new URL(page.url()).searchParams.get('next')).toBe(chat.href);

  // Logging in again comes back to the chat.
  await loginPage.logIn(password);
  await expect(page).toHaveURL((url) => url.pathname === chat.href);
});

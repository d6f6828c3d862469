import { expect, REPLY_TIMEOUT, test } from '../fixtures/pocketcode';

// A chat made and answered with JavaScript on, then read with it off.
test('with JavaScript off a chat reads in full, sends by a plain form post, and says what needs JavaScript', async ({
  pocketcode,
  browser,
}) => {
  const chat = await pocketcode.newChat();
  await pocketcode.send('Readable without scripts');
  await pocketcode.expectReply('You said: "Readable without scripts"');
  await pocketcode.waitUntilIdle();

  const context = await browser.newContext({
    javaScriptEnabled: false,
    storageState: process.env.POCKETCODE_STORAGE_STATE,
    baseURL: new URL(pocketcode.page.url()).origin,
  });
  try {
    const page = await context.newPage();
    await page.goto(chat.href);
    const transcript = page.getByRole('list', { name: 'Transcript' });
    await expect(transcript.getByRole('listitem', { name: 'You', exact: true })).toContainText(
      'Readable without scripts',
    );
    await expect(transcript.getByRole('listitem', { name: 'Assistant', exact: true })).toContainText(
      'You said: "Readable without scripts"',
    );
    await expect(page.locator('main#app')).not.toHaveAttribute('data-hydrated', 'true');
    // The chat is in the server-rendered sidebar (a closed drawer on phones).
    await expect(page.locator(`nav#sidebar a[href="${chat.href}"]`)).toHaveCount(1);
    // What needs JavaScript is said, not silently broken.
    await expect(page.getByRole('note', { name: 'JavaScript is off' })).toContainText('Stop');

    // Sending still works: the form posts to the server and comes back here.
    await page.getByRole('textbox', { name: 'Prompt' }).fill('Sent by a form post');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page).toHaveURL((url) => url.pathname === chat.href);
    await expect(async () => {
      await page.reload();
      await expect(transcript.getByRole('listitem', { name: 'Assistant', exact: true }).last()).toContainText(
        'You said: "Sent by a form post"',
        { timeout: 1_000 },
      );
    }).toPass({ timeout: REPLY_TIMEOUT });
  } finally {
    await context.close();
  }
});

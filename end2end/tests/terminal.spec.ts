import type { CDPSession, Locator, Page, WebSocketRoute } from '@playwright/test';

import { seriousViolations } from '../fixtures/axe';
import { expect, test } from '../fixtures/pocketcode';
import { expectLine, rows } from '../fixtures/terminal';

/**
 * The Terminal sheet on a phone: a shell in the chat's worktree (opencode's
 * PTY through pocketcode's proxy, drawn by xterm.js), typed into with the
 * phone keyboard and the key bar, still usable after a rotation (and told
 * its new size), Ctrl from the key bar, and a second terminal of its own;
 * typing before the connection opens, 24-bit colours under the page's CSP,
 * a phone keyboard's compositions, and a keyboard that covers the page.
 */

/** Waits until the prompt's row ends with `typed`. */
async function expectTyped(screen: Locator, typed: string): Promise<void> {
  await expect.poll(async () => (await rows(screen)).some((row) => row.trimEnd().endsWith(typed))).toBe(true);
}

/** `stty size` in the shell: the PTY's rows and columns. */
async function sttySize(page: Page, screen: Locator): Promise<[number, number]> {
  // Short, so that its line fits a zoomed-in screen's 20-odd columns.
  const marker = `s${Date.now() % 100_000}`;
  await page.keyboard.type(`echo ${marker}-$(stty size | tr ' ' x)\n`);
  let size: [number, number] = [0, 0];
  await expect
    .poll(async () => {
      const hit = (await rows(screen)).map((r) => new RegExp(`^${marker}-(\\d+)x(\\d+)$`).exec(r)).find(Boolean);
      if (hit) size = [Number(hit[1]), Number(hit[2])];
      return !!hit;
    })
    .toBe(true);
  return size;
}

/**
 * Resolves once the shell has been told a size that `fits` (the sheet's
 * PUT to the PTY answered). Typing before that races bash's redraw on
 * SIGWINCH: readline moves up as many rows as the prompt took at the old
 * width and clears them, which can erase the output a command just printed.
 */
function shellResized(page: Page, fits: (rows: number, cols: number) => boolean): Promise<unknown> {
  return page.waitForResponse((response) => {
    const request = response.request();
    if (request.method() !== 'PUT' || !/\/pty\/[^/?]+(\?|$)/.test(response.url()) || !response.ok()) return false;
    const size = (JSON.parse(request.postData() ?? '{}') as { size?: { rows: number; cols: number } }).size;
    return !!size && fits(size.rows, size.cols);
  });
}

/** Opens ⋯ → Terminal; the first terminal's screen. */
async function openTerminal(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: /Terminal/ }).click();
  return page.getByRole('region', { name: 'Terminal' }).getByTestId('terminal-screen').first();
}

test('a terminal in the chat worktree, from a phone', async ({ pocketcode, page }, testInfo) => {
  await pocketcode.newChat();
  // xterm.js is not part of the chat page's load.
  await expect(page.locator('script[src*="xterm"]')).toHaveCount(0);

  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: /Terminal/ }).click();
  const sheet = page.getByRole('region', { name: 'Terminal' });
  const first = sheet.getByTestId('terminal-screen').first();
  await expect(first).toHaveAttribute('data-link', 'live');
  await expect(page.locator('script[src*="xterm"]')).toHaveCount(2);

  // `ech`, the key bar's Tab completes it, ` hi`, Enter.
  await page.keyboard.type('ech');
  await sheet.getByRole('button', { name: 'Tab', exact: true }).tap();
  await page.keyboard.type(' hi\n');
  await expectLine(first, 'hi');
  await page.screenshot({ path: testInfo.outputPath('terminal.png') });
  expect(await seriousViolations(page, '[data-testid=terminal-sheet]')).toEqual([]);

  // Rotated: the shell is told the wider, shorter size, and still types.
  const [tallRows, tallCols] = await sttySize(page, first);
  const viewport = page.viewportSize();
  if (!viewport) throw new Error('no viewport');
  const rotated = shellResized(page, (_, cols) => cols > tallCols);
  await page.setViewportSize({ width: viewport.height, height: viewport.width });
  await rotated;
  const [wideRows, wideCols] = await sttySize(page, first);
  expect(wideCols).toBeGreaterThan(tallCols);
  expect(wideRows).toBeLessThan(tallRows);

  // Ctrl from the key bar, then `c` on the keyboard, interrupts a sleep.
  // The sleep's job prints first, so the ^C cannot reach the shell before
  // the job is in the foreground (on a loaded machine it would be lost).
  await page.keyboard.type('sh -c "echo asleep-$((2+2)); exec sleep 100"\n');
  await expectLine(first, 'asleep-4');
  await sheet.getByRole('button', { name: 'Ctrl' }).tap();
  await expect(sheet.getByRole('button', { name: 'Ctrl' })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.type('c');
  await expect(sheet.getByRole('button', { name: 'Ctrl' })).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.type('echo woke-$((1+1))\n');
  await expectLine(first, 'woke-2');

  // A second terminal: its own shell and screen.
  await sheet.getByRole('button', { name: 'New terminal' }).tap();
  const second = sheet.getByTestId('terminal-screen').nth(1);
  await expect(second).toHaveAttribute('data-link', 'live');
  await expect(first).toBeHidden();
  await page.keyboard.type('echo two-$((1+1))\n');
  await expectLine(second, 'two-2');
  await sheet.getByRole('button', { name: 'Terminal 1', exact: true }).tap();
  await expect(first).toBeVisible();
  await page.keyboard.type('echo one-$((0+1))\n');
  await expectLine(first, 'one-1');
  expect(await rows(first)).not.toContain('two-2');
  expect(await rows(second)).not.toContain('one-1');
  expect(await seriousViolations(page, '[data-testid=terminal-sheet]')).toEqual([]);

  // Ending a tab ends its shell; the other stays.
  await sheet.getByRole('button', { name: 'End Terminal 2' }).tap();
  await expect(sheet.getByTestId('terminal-screen')).toHaveCount(1);
  await sheet.getByRole('button', { name: 'Close the terminal' }).tap();
  await expect(sheet).toBeHidden();
});

test('typing before the connection opens, and while it comes back, reaches the shell in order', async ({
  pocketcode,
  page,
}) => {
  // Each connection waits for the test's word, so the typing surely comes first.
  let release = () => {};
  let gate = new Promise<void>((resolve) => (release = resolve));
  const servers: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/pty\/[^/?]+\/connect/, async (ws) => {
    await gate;
    servers.push(ws.connectToServer());
  });
  await pocketcode.newChat();
  const screen = await openTerminal(page);
  await expect(page.locator('.xterm-helper-textarea')).toBeFocused();
  await expect(screen).toHaveAttribute('data-link', 'connecting');
  await page.keyboard.type('echo early-$((3+4))\n');
  await page.keyboard.type('echo then-$((4+4))\n');
  release();
  await expect(screen).toHaveAttribute('data-link', 'live');
  await expectLine(screen, 'early-7');
  await expectLine(screen, 'then-8');
  const lines = await rows(screen);
  expect(lines.indexOf('early-7')).toBeLessThan(lines.indexOf('then-8'));

  // The connection drops (a phone that slept): typed while it comes back.
  gate = new Promise<void>((resolve) => (release = resolve));
  await servers[0].close();
  await expect(screen).toHaveAttribute('data-link', 'reconnecting');
  await page.keyboard.type('echo back-$((4+5))\n');
  release();
  await expect(screen).toHaveAttribute('data-link', 'live');
  await expectLine(screen, 'back-9');
});

test('24-bit colours show, and the page\'s CSP refuses nothing', async ({ pocketcode, page }) => {
  await pocketcode.newChat();
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.effectiveDirective}: ${e.sample || e.blockedURI}`),
    );
  });
  const screen = await openTerminal(page);
  await expect(screen).toHaveAttribute('data-link', 'live');
  // Red on blue, as 24-bit colours; the command line shows neither `RED2`.
  await page.keyboard.type(`printf '\\033[48;2;0;0;255m\\033[38;2;255;0;0m%s\\033[0m\\n' "RED$((1+1))"\n`);
  await expectLine(screen, 'RED2');
  const cell = screen.locator('.xterm-rows span', { hasText: /^RED2$/ });
  const colours = await cell.evaluate((span) => {
    const style = getComputedStyle(span);
    return [style.color, style.backgroundColor];
  });
  expect(colours).toEqual(['rgb(255, 0, 0)', 'rgb(0, 0, 255)']);
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
});

/** A phone keyboard's word: composed a letter at a time, then committed. */
async function compose(cdp: CDPSession, word: string): Promise<void> {
  for (let end = 1; end <= word.length; end++) {
    const text = word.slice(0, end);
    await cdp.send('Input.imeSetComposition', { text, selectionStart: end, selectionEnd: end });
  }
  await cdp.send('Input.insertText', { text: word });
}

test('a phone keyboard\'s compositions reach the shell once', async ({ pocketcode, page }) => {
  await pocketcode.newChat();
  const screen = await openTerminal(page);
  await expect(screen).toHaveAttribute('data-link', 'live');
  await expect(page.locator('.xterm-helper-textarea')).toBeFocused();
  const cdp = await page.context().newCDPSession(page);
  // Each key after a word comes once the word is on the screen, as a
  // thumb's would: xterm commits a composition on a timer after its end,
  // and CDP's next event can come sooner than that on a loaded machine.
  await compose(cdp, 'echo');
  await expectTyped(screen, 'echo');
  await cdp.send('Input.insertText', { text: ' ' });
  await compose(cdp, 'composed');
  await expectTyped(screen, 'echo composed');
  await cdp.send('Input.insertText', { text: '-' });
  await compose(cdp, 'word');
  await expectTyped(screen, 'echo composed-word');
  await page.keyboard.press('Enter');
  await expectLine(screen, 'composed-word');
});

test('a keyboard that covers the page leaves the key bar and the cursor in sight', async ({ pocketcode, page }) => {
  await pocketcode.newChat();
  const screen = await openTerminal(page);
  await expect(screen).toHaveAttribute('data-link', 'live');
  const [tallRows] = await sttySize(page, screen);
  // iOS's keyboard shrinks the visual viewport and leaves the layout as it
  // was; so does a zoom, which Chromium can be told to do.
  const cdp = await page.context().newCDPSession(page);
  const shrunk = shellResized(page, (rows) => rows < tallRows);
  await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 2 });
  await expect.poll(() => page.evaluate(() => window.visualViewport?.scale)).toBe(2);
  await shrunk;
  expect((await sttySize(page, screen))[0]).toBeLessThan(tallRows);
  const inSight = (selector: string) =>
    page.evaluate((selector) => {
      const box = document.querySelector(selector)?.getBoundingClientRect();
      const seen = window.visualViewport;
      if (!box || !seen || box.height === 0) return false;
      return box.top >= seen.offsetTop - 1 && box.bottom <= seen.offsetTop + seen.height + 1;
    }, selector);
  await expect.poll(() => inSight('[data-testid=terminal-keys]')).toBe(true);
  await expect.poll(() => inSight('.xterm-rows .xterm-cursor')).toBe(true);
  await page.keyboard.type('echo still-$((5+5))\n');
  await expectLine(screen, 'still-10');
});

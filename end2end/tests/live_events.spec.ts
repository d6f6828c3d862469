import type { Page } from '@playwright/test';

import { ASSISTANT_LABEL, type Chat, expect, PocketcodePage, REPLY_TIMEOUT, test } from '../fixtures/pocketcode';

/**
 * Two tabs of one phone browser, each on its own chat, both streaming at once
 * over pocketcode's one stream per tab (`/pocket/events`, which carries every
 * chat's events). The network goes away mid-answer until both answers are
 * done, and later the tabs go to the background mid-answer and come back.
 * Each chat must end with exactly its own answer, and at no moment show a
 * gap, a duplicate or the other chat's text: a gap or a duplicate would be
 * repaired by the reload at the end of the answer, so every intermediate
 * state is checked too.
 *
 * Nothing here is specific to phones (the stream, `setOffline` and the
 * visibility events behave the same in the desktop project), so it runs in
 * every project.
 */

const CHUNKS = { a: 60, b: 59 } as const;

/** What the scripted model streams for `[scenario:slow chunks=N ms=…]`. */
function slowReply(chunks: number): string {
  return Array.from({ length: chunks }, (_, i) => `Slow chunk ${i + 1} of ${chunks}. `)
    .join('')
    .trim();
}

/** The texts of the assistant messages, without their author line. */
async function replies(chat: PocketcodePage): Promise<string[]> {
  const texts = await chat.messages('Assistant').allTextContents();
  return texts.map((text) => text.replace(ASSISTANT_LABEL, '').trim());
}

/** Records the assistant messages' texts at every DOM change, in the page. */
async function recordReplies(page: Page): Promise<void> {
  await page.evaluate((label) => {
    const seen: string[][] = [];
    (window as unknown as { replySnapshots: string[][] }).replySnapshots = seen;
    let last = '';
    new MutationObserver(() => {
      const texts = [...document.querySelectorAll('ol[aria-label="Transcript"] li[aria-label="Assistant"]')].map(
        (li) => (li.textContent ?? '').replace(label, '').trim(),
      );
      const key = JSON.stringify(texts);
      if (key !== last) {
        last = key;
        seen.push(texts);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, ASSISTANT_LABEL);
}

async function recordedReplies(page: Page): Promise<string[][]> {
  return page.evaluate(() => (window as unknown as { replySnapshots: string[][] }).replySnapshots);
}

/** Emulates the page going to the background (`hidden`) or coming back. */
async function setVisibility(page: Page, state: 'hidden' | 'visible'): Promise<void> {
  await page.evaluate((state) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  }, state);
}

/** The URLs of the event streams a page opened, in order. */
function streamRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/pocket/events' || url.pathname === '/event') urls.push(url.pathname + url.search);
  });
  return urls;
}

test('two chats stream at once through going offline and a background/resume, each complete and unmixed', async ({
  context,
  page,
}) => {
  test.setTimeout(120_000);
  const tag = Math.random().toString(36).slice(2, 8);
  const tabs = {
    a: new PocketcodePage(page),
    b: new PocketcodePage(await context.newPage()),
  };
  const streams = { a: streamRequests(tabs.a.page), b: streamRequests(tabs.b.page) };
  const chats: Record<string, Chat> = {};
  for (const name of ['a', 'b'] as const) {
    chats[name] = await tabs[name].newChat();
    await expect(tabs[name].app).toHaveAttribute('data-live-events', 'open');
    await recordReplies(tabs[name].page);
  }
  const prompt = (name: 'a' | 'b', round: number) =>
    `[scenario:slow chunks=${CHUNKS[name]} ms=100] ${name}-${tag}-round${round}`;

  /** Sends round `round`'s prompt in both chats and waits until both stream. */
  async function startBoth(round: number): Promise<void> {
    await Promise.all((['a', 'b'] as const).map((name) => tabs[name].send(prompt(name, round))));
    for (const name of ['a', 'b'] as const) {
      await expect(tabs[name].messages('Assistant').nth(round - 1)).toContainText(
        `Slow chunk 3 of ${CHUNKS[name]}.`,
      );
    }
  }

  /** Waits until each tab opened a new stream that resumes from its last id. */
  async function expectResumed(since: { a: number; b: number }): Promise<void> {
    for (const name of ['a', 'b'] as const) {
      await expect
        .poll(() => streams[name].slice(since[name]).filter((url) => url.includes('last_event_id=')).length, {
          message: `tab ${name} reconnects with ?last_event_id= (streams: ${streams[name].join(' ')})`,
        })
        .toBeGreaterThan(0);
      await expect(tabs[name].app).toHaveAttribute('data-live-events', 'open');
    }
  }

  async function expectComplete(round: number): Promise<void> {
    for (const name of ['a', 'b'] as const) {
      const reply = tabs[name].messages('Assistant').nth(round - 1);
      await tabs[name].expectReply(`Slow chunk ${CHUNKS[name]} of ${CHUNKS[name]}.`, reply);
      await tabs[name].waitUntilIdle();
      expect(await replies(tabs[name])).toEqual(Array(round).fill(slowReply(CHUNKS[name])));
    }
  }

  // Round 1: the network goes away in the middle of both answers.
  await startBoth(1);
  const beforeOffline = { a: streams.a.length, b: streams.b.length };
  await context.setOffline(true);
  // The tabs notice (the stream closes), and the answers go on without them
  // to their end: the tabs get all the rest when they are back.
  for (const name of ['a', 'b'] as const) {
    await expect(tabs[name].app).toHaveAttribute('data-live-events', 'closed');
  }
  for (const name of ['a', 'b'] as const) {
    await expect.poll(() => tabs[name].answerFinished(chats[name]), { timeout: REPLY_TIMEOUT }).toBe(true);
  }
  await context.setOffline(false);
  await expectResumed(beforeOffline);
  await expectComplete(1);

  // Round 2: both tabs go to the background mid-answer, then come back.
  await startBoth(2);
  await Promise.all([setVisibility(tabs.a.page, 'hidden'), setVisibility(tabs.b.page, 'hidden')]);
  // The stream stays open in the background: the answers grow there, and
  // are still going when the tabs come back.
  for (const name of ['a', 'b'] as const) {
    await expect(tabs[name].messages('Assistant').nth(1)).toContainText(`Slow chunk 20 of ${CHUNKS[name]}.`);
  }
  const beforeResume = { a: streams.a.length, b: streams.b.length };
  await Promise.all([setVisibility(tabs.a.page, 'visible'), setVisibility(tabs.b.page, 'visible')]);
  await expectResumed(beforeResume);
  await expectComplete(2);

  for (const name of ['a', 'b'] as const) {
    const other = name === 'a' ? 'b' : 'a';
    const expected = slowReply(CHUNKS[name]);
    // Every state the reply went through was a piece of its own answer.
    const snapshots = await recordedReplies(tabs[name].page);
    expect(snapshots.length, `tab ${name} saw the answers grow`).toBeGreaterThan(10);
    for (const texts of snapshots) {
      expect(texts.length).toBeLessThanOrEqual(2);
      for (const text of texts) {
        expect(expected.startsWith(text), `tab ${name} showed "${text.slice(-80)}"`).toBe(true);
      }
    }
    // Nothing of the other chat, prompts included.
    await expect(tabs[name].transcript).not.toContainText(`of ${CHUNKS[other]}.`);
    await expect(tabs[name].transcript).not.toContainText(`${other}-${tag}`);
    await expect(tabs[name].messages('You')).toHaveText([
      new RegExp(`${name}-${tag}-round1$`),
      new RegExp(`${name}-${tag}-round2$`),
    ]);
    // One stream per tab on pocketcode's endpoint, never opencode's own.
    expect(streams[name].filter((url) => !url.startsWith('/pocket/events'))).toEqual([]);
  }

  // The same tab switches to the other chat: it shows that chat's answers only.
  await tabs.a.openFromSidebar(chats.b);
  await expect(tabs.a.messages('Assistant')).toHaveCount(2);
  expect(await replies(tabs.a)).toEqual([slowReply(CHUNKS.b), slowReply(CHUNKS.b)]);
  await expect(tabs.a.transcript).not.toContainText(`a-${tag}`);
});

test('a stream that stays silent past the heartbeats is replaced, resuming from its last id', async ({ page }) => {
  // The page's clock (timers, `performance.now()`) is fake, the network is
  // real: jumping 30 s ahead looks like a connection that stopped sending
  // even its 10 s heartbeats, the way a dead mobile socket does.
  await page.clock.install();
  const chat = new PocketcodePage(page);
  const streams = streamRequests(page);
  await chat.newChat();
  await expect(chat.app).toHaveAttribute('data-live-events', 'open');
  await recordReplies(page);

  await chat.send(`[scenario:slow chunks=${CHUNKS.a} ms=100] silent`);
  await expect(chat.messages('Assistant').last()).toContainText(`Slow chunk 3 of ${CHUNKS.a}.`);
  const before = streams.length;
  await page.clock.fastForward('00:30');
  await expect
    .poll(() => streams.slice(before).filter((url) => url.includes('last_event_id=')).length, {
      message: `a new stream from the last id (streams: ${streams.join(' ')})`,
    })
    .toBeGreaterThan(0);

  await chat.expectReply(`Slow chunk ${CHUNKS.a} of ${CHUNKS.a}.`);
  await chat.waitUntilIdle();
  expect(await replies(chat)).toEqual([slowReply(CHUNKS.a)]);
  for (const texts of await recordedReplies(page)) {
    for (const text of texts) expect(slowReply(CHUNKS.a).startsWith(text), `showed "${text.slice(-80)}"`).toBe(true);
  }
});

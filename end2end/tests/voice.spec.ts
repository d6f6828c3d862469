import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

import type { Page } from '@playwright/test';

import { seriousViolations } from '../fixtures/axe';
import { LoginPage } from '../fixtures/login';
import { e2eRepo, expect, PocketcodePage, test } from '../fixtures/pocketcode';
import { phoneScreenshot } from '../fixtures/screenshots';
import { fakeRecognition } from '../fixtures/speech';
import { type ScriptedModel, startScriptedModel } from '../fixtures/scripted_model';
import { type Server, startPocketcode } from '../fixtures/server';

// Its own pocketcode, whose transcription service is a scripted model of
// its own; the browser's microphone is Chromium's fake one, playing a WAV
// espeak-ng speaks here (the `pixel-7-voice` project passes its path).
test.use({ storageState: { cookies: [], origins: [] } });
test.describe.configure({ mode: 'serial' });

const SPOKEN = 'Please make the send button bigger.';
/** What the scripted service "hears" in any recording. */
const TRANSCRIBED = 'Make the send button bigger.';
/** What the fake browser recognition "hears". */
const RECOGNISED = 'add a dark mode toggle';

let model: ScriptedModel;
let server: Server;
test.beforeAll(async () => {
  const wav = process.env.POCKETCODE_E2E_VOICE_WAV;
  if (!wav) throw new Error('POCKETCODE_E2E_VOICE_WAV is not set: run the pixel-7-voice project');
  execFileSync('espeak-ng', ['-w', wav, SPOKEN]);
  model = await startScriptedModel({ transcription: TRANSCRIBED });
  server = await startPocketcode({
    env: { POCKETCODE_TRANSCRIBE_URL: model.url, POCKETCODE_TRANSCRIBE_KEY: model.key },
  });
});
test.afterAll(async () => {
  await server?.stop();
  await model?.stop();
});

/** Logs in to this spec's server and opens a new chat of the e2e repo. */
async function openChat(page: Page): Promise<PocketcodePage> {
  const pocketcode = new PocketcodePage(page);
  await page.goto(`${server.baseUrl}/`);
  await new LoginPage(page).logIn(server.password);
  await pocketcode.waitHydrated();
  const made = await page.request.post(`${server.baseUrl}/pocket/fn/new_chat`, { form: { repo: e2eRepo() } });
  const body = await made.text();
  expect(made.status(), body).toBe(200);
  const { worktree } = JSON.parse(body);
  await pocketcode.goto(`${server.baseUrl}/chat/${worktree.repo}/${worktree.chat_id}`);
  await expect(pocketcode.prompt).toBeVisible();
  return pocketcode;
}

/** The mic: at least 44 × 44 CSS pixels, on the phone's screen. */
async function thumbSizedMic(page: Page) {
  const mic = page.getByRole('button', { name: 'Voice input' });
  await expect(mic).toBeVisible();
  const box = await mic.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  expect(box!.width).toBeGreaterThanOrEqual(44);
  expect(box!.x + box!.width).toBeLessThanOrEqual(page.viewportSize()!.width);
  return mic;
}

/** Nothing was sent: the transcript has no message of the user's. */
async function expectNothingSent(pocketcode: PocketcodePage) {
  await expect(pocketcode.messages('You')).toHaveCount(0);
}

test('without speech recognition the mic records; the transcription lands at the caret, unsent', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    delete w.SpeechRecognition;
    delete w.webkitSpeechRecognition;
  });
  const pocketcode = await openChat(page);
  const mic = await thumbSizedMic(page);
  await pocketcode.prompt.fill('Voice note:');
  await expect(mic).toHaveAttribute('aria-pressed', 'false');
  const before = (await model.transcriptions()).length;

  await mic.click();
  await expect(mic).toHaveAttribute('aria-pressed', 'true');
  const status = page.getByRole('status').filter({ hasText: 'Recording' });
  // Two seconds of the fake microphone's speech, then Stop.
  await expect(status).toHaveText(/Recording 0:0[2-9]/);
  expect(await seriousViolations(page, 'form')).toEqual([]);
  await phoneScreenshot(page, 'voice-recording.png');
  await page.getByRole('button', { name: 'Stop recording' }).click();

  await expect(pocketcode.prompt).toHaveValue(`Voice note: ${TRANSCRIBED}`);
  await expect(mic).toHaveAttribute('aria-pressed', 'false');
  await expect(status).toBeHidden();
  await expectNothingSent(pocketcode);
  const uploads = (await model.transcriptions()).slice(before);
  expect(uploads).toHaveLength(1);
  expect(uploads[0].content_type).toMatch(/^audio\/webm/);
  expect(uploads[0].container).toBe('webm');
  expect(uploads[0].model).toBe('whisper-1');
  // Two seconds of Opus are kilobytes, not a header.
  expect(uploads[0].bytes).toBeGreaterThan(2_000);
});

test("the browser's own speech recognition puts its phrases in the box, with nothing sent to the server", async ({
  page,
}) => {
  // Heard with spaces around it: the box gets the phrase trimmed.
  await fakeRecognition(page, ` ${RECOGNISED} `);
  const pocketcode = await openChat(page);
  const mic = await thumbSizedMic(page);
  const before = (await model.transcriptions()).length;

  await mic.click();
  await expect(mic).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('status').filter({ hasText: 'Listening…' })).toBeVisible();
  await expect(pocketcode.prompt).toHaveValue(RECOGNISED);
  expect(await seriousViolations(page, 'form')).toEqual([]);
  await page.getByRole('button', { name: 'Stop listening' }).click();
  await expect(mic).toHaveAttribute('aria-pressed', 'false');

  await expectNothingSent(pocketcode);
  expect(await model.transcriptions()).toHaveLength(before);
});

test('a speech recognition with no service behind it (network error) falls back to recording', async ({ page }) => {
  // Debian's Chromium: the constructor is there, but it fails with `network`.
  await page.addInitScript(() => {
    class NoServiceRecognition {
      onresult: ((event: unknown) => void) | null = null;
      onerror: ((event: unknown) => void) | null = null;
      onend: ((event: unknown) => void) | null = null;
      start() {
        setTimeout(() => {
          this.onerror?.({ error: 'network' });
          this.onend?.({});
        });
      }
      stop() {}
      abort() {}
    }
    const w = window as unknown as Record<string, unknown>;
    w.SpeechRecognition = NoServiceRecognition;
    w.webkitSpeechRecognition = NoServiceRecognition;
  });
  const pocketcode = await openChat(page);
  const mic = await thumbSizedMic(page);

  await mic.click();
  await expect(page.getByRole('status').filter({ hasText: 'Recording' })).toHaveText(/Recording 0:0[1-9]/);
  await page.getByRole('button', { name: 'Stop recording' }).click();
  await expect(pocketcode.prompt).toHaveValue(TRANSCRIBED);
  await expect(mic).toHaveAttribute('aria-pressed', 'false');
  await expectNothingSent(pocketcode);
});

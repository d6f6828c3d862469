import { expect, test } from '../fixtures/pocketcode';

// A 1×1 PNG: what the scripted model's echo scenario counts is its size.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

test('the mode and model picked reach the model, and stay picked after a reload', async ({ pocketcode, page }) => {
  await pocketcode.newChat();
  const mode = page.getByRole('combobox', { name: 'Mode', exact: true });
  const model = page.getByRole('combobox', { name: 'Model', exact: true });
  // Defaults first: opencode's default agent and model.
  await expect(mode).toHaveValue('build');
  await expect(model).toHaveValue('scripted/scripted-model');

  await mode.selectOption('plan');
  await model.selectOption('scripted/scripted-model-lite');
  await pocketcode.reload();
  await expect(mode).toHaveValue('plan');
  await expect(model).toHaveValue('scripted/scripted-model-lite');

  await pocketcode.send('[scenario:echo] what did you get?');
  await expect(pocketcode.messages('Assistant').last()).toContainText(
    'Request: model=scripted-model-lite; mode=plan; images=0.',
  );
  await pocketcode.waitUntilIdle();

  // Back to build: the next request says so.
  await mode.selectOption('build');
  await pocketcode.send('[scenario:echo] and now?');
  await expect(pocketcode.messages('Assistant').last()).toContainText(
    'Request: model=scripted-model-lite; mode=build; images=0.',
  );
});

test('a picked and a pasted photo reach the model as image parts', async ({ pocketcode, page }) => {
  await pocketcode.newChat();
  await page.getByLabel('Attach photos').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG });
  const attached = page.getByRole('list', { name: 'Attached images' });
  await expect(attached.getByRole('img', { name: 'dot.png' })).toBeVisible();

  // Pasted into the prompt box, as a phone's or desktop's clipboard would.
  await pocketcode.prompt.evaluate((box, bytes) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], 'pasted.png', { type: 'image/png' }));
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, [...PNG]);
  await expect(attached.getByRole('img', { name: 'pasted.png' })).toBeVisible();

  // Removed and picked again: the list follows.
  await page.getByRole('button', { name: 'Remove pasted.png' }).click();
  await expect(attached.getByRole('img')).toHaveCount(1);
  await pocketcode.prompt.evaluate((box, bytes) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], 'pasted.png', { type: 'image/png' }));
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, [...PNG]);
  await expect(attached.getByRole('img')).toHaveCount(2);

  await pocketcode.send('[scenario:echo] two dots');
  const reply = pocketcode.messages('Assistant').last();
  await expect(reply).toContainText(
    `Request: model=scripted-model; mode=build; images=2 (image/png ${PNG.length} bytes, image/png ${PNG.length} bytes).`,
  );
  // Sent: the thumbnails are gone from the composer and shown in the transcript.
  await expect(attached).toBeHidden();
  await expect(pocketcode.messages('You').last().getByRole('img')).toHaveCount(2);
});

test('oversized or unsupported files are refused with a message and nothing is attached', async ({
  pocketcode,
  page,
}) => {
  await pocketcode.newChat();
  const input = page.getByLabel('Attach photos');
  await input.setInputFiles({
    name: 'huge.png',
    mimeType: 'image/png',
    buffer: Buffer.alloc(5 * 1024 * 1024 + 1),
  });
  await expect(page.getByRole('alert').filter({ hasText: 'huge.png is' })).toContainText(
    'images can be at most 5.0 MiB',
  );
  await input.setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') });
  await expect(page.getByRole('alert').filter({ hasText: 'notes.pdf' })).toContainText('not an image type');
  await expect(page.getByRole('list', { name: 'Attached images' })).toHaveCount(0);

  // The text-only model warns when an image is attached.
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('scripted/scripted-model-lite');
  await input.setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG });
  await expect(page.getByRole('alert').filter({ hasText: 'does not take images' })).toBeVisible();
});

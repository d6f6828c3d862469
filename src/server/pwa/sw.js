// pocketcode's service worker. The server prepends `const VERSION = "…";`
// (the build's version), `const BUILD = "…";` (its files' content hashes)
// and `const APP_FILES = [css, js, wasm, split loader];` (their names), so every deploy
// is a new worker.
//
// What it does:
// - Keeps copies of the app's files (/pkg/: WASM, JS, CSS; icons), fetched
//   at install. Files whose names carry a content hash never change, so
//   they come from the copy first; any other file comes from the network
//   first (the copy only when it fails), so a page never hydrates with an
//   older WASM than its HTML.
// - When a page can't be loaded (offline, server down), answers with an
//   offline page listing the chats the app last showed.
// - Never touches server functions, the event stream, opencode's routes or
//   anything but GETs of the app's own pages and files.
// - A new version waits until the page asks it to take over (the page shows
//   a "reload" prompt), so open tabs are never switched under the user.
// - Shows push notifications and opens the chat when one is tapped.

const CACHE = `pocketcode-${VERSION}-${BUILD}`;
const CHATS_KEY = '/__pocketcode/chats.json';
const PAGES = [/^\/$/, /^\/chat\//, /^\/repos$/, /^\/resources$/];
const FILES = [/^\/pkg\//, /^\/icons\//, /^\/favicon\.svg$/, /^\/manifest\.webmanifest$/];
// The hashed names (pocketcode.<hash>.*, and a --split build's chunk loader
// and chunks, which are kept once fetched: opening a sheet offline still
// finds its chunk if it opened, or was prefetched, before).
const HASHED =
  BUILD === 'unhashed'
    ? /^$/
    : /^\/pkg\/(pocketcode\.[^./]+\.(css|js|wasm)|__wasm_split\.[^./]+\.js|(split_\w+|chunk_\d+)\.[^./]+\.wasm)$/;
const PRECACHE = [...APP_FILES, '/icons/icon-192.png', '/favicon.svg'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      // The first worker has nobody to disturb: it takes over at once.
      .then(() => (self.registration.active ? undefined : self.skipWaiting())),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('pocketcode-') && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'skip-waiting') {
    self.skipWaiting();
  } else if (data.type === 'chats' && Array.isArray(data.chats)) {
    const body = JSON.stringify({ saved: Date.now(), chats: data.chats.slice(0, 200) });
    event.waitUntil(
      caches.open(CACHE).then((cache) => cache.put(CHATS_KEY, new Response(body, { headers: { 'content-type': 'application/json' } }))),
    );
  } else if (data.type === 'version' && event.source) {
    event.source.postMessage({ type: 'version', version: VERSION });
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && PAGES.some((p) => p.test(url.pathname))) {
    event.respondWith(fetch(request).catch(() => offlinePage(url)));
  } else if (HASHED.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (FILES.some((p) => p.test(url.pathname))) {
    event.respondWith(networkFirst(request));
  }
  // Anything else goes to the network as if there were no worker.
});

// The same file as the copy kept: its validators match (the WASM bundle is
// megabytes, not worth writing again on every page load).
const sameFile = (a, b) =>
  ['etag', 'last-modified'].some((h) => a.headers.get(h) && a.headers.get(h) === b.headers.get(h));

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  try {
    const response = await fetch(request);
    if (response.ok && !(cached && sameFile(cached, response))) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    if (cached) return cached;
    throw error;
  }
}

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

async function offlinePage(url) {
  const cache = await caches.open(CACHE);
  const saved = await cache.match(CHATS_KEY);
  const { saved: when, chats } = saved ? await saved.json() : { saved: 0, chats: [] };
  const items = chats
    .map(
      (chat) =>
        `<li class="border-b border-neutral-800 py-2"><a class="text-neutral-100" href="${escapeHtml(chat.href)}">${escapeHtml(chat.title || 'Untitled chat')}</a>` +
        `<div class="text-xs text-neutral-400">${escapeHtml(chat.repo || '')} · ${escapeHtml(chat.status || '')}</div></li>`,
    )
    .join('');
  const list = chats.length
    ? `<ul aria-label="Chats when last online" class="mt-3">${items}</ul>` +
      `<p class="mt-2 text-xs text-neutral-400">As of ${escapeHtml(new Date(when).toLocaleString())}.</p>`
    : '<p class="mt-3 text-neutral-400">No chats were saved on this device yet.</p>';
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#000000"><title>pocketcode (offline)</title>
<link rel="stylesheet" href="${APP_FILES[0]}"></head>
<body class="bg-black p-4 font-mono text-neutral-300">
<h1 class="font-bold text-neutral-100">pocketcode is out of reach</h1>
<p role="alert" class="mt-2 text-amber-300">You are offline, or the server is not answering. Your chats keep running on the server.</p>
<p class="mt-2"><a class="underline" href="${escapeHtml(url.pathname + url.search)}">Try again</a></p>
${list}</body></html>`;
  return new Response(html, {
    status: 503,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self'",
      'cache-control': 'no-store',
    },
  });
}

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (_) {
    data = { title: 'pocketcode', body: event.data ? event.data.text() : '' };
  }
  const title = data.title || 'pocketcode';
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((clients) => {
      // The tab the user is looking at already shows it.
      const watching = clients.some((c) => c.visibilityState === 'visible' && c.focused && data.url && new URL(c.url).pathname === data.url);
      if (watching) return undefined;
      return self.registration.showNotification(title, {
        body: data.body || '',
        tag: data.tag || data.url || 'pocketcode',
        icon: '/icons/icon-192.png',
        badge: '/icons/icon-192.png',
        data: { url: data.url || '/' },
      });
    }),
  );
});

// A tap on a notification: the tab already on that chat comes forward, or
// a tab of the app goes there, or a new one opens. Browsers allow focus()
// and openWindow() only while handling the tap; a refused focus still
// leaves the tab on the chat. (Top level, so a test can call it.)
async function openFromNotification(notification) {
  notification.close();
  const target = new URL((notification.data && notification.data.url) || '/', self.location.origin).href;
  const focus = (client) => client.focus().catch(() => client);
  const clients = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const there = clients.find((client) => client.url === target);
  if (there) return focus(there);
  const tab = clients.find((client) => 'navigate' in client);
  if (tab) {
    const moved = await tab.navigate(target).catch(() => null);
    if (moved) return focus(moved);
  }
  return self.clients.openWindow(target);
}

self.addEventListener('notificationclick', (event) => {
  event.waitUntil(openFromNotification(event.notification));
});

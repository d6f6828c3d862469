// The page's side of the installable app (the worker is /sw.js):
// registers the worker, offers a reload when a new version is waiting, and
// keeps the worker's copy of the chat list current for the offline page.
(() => {
  if (!('serviceWorker' in navigator)) return;
  const workers = navigator.serviceWorker;
  let reloadAsked = false;

  function offerReload(registration) {
    if (!registration.waiting || !workers.controller || document.getElementById('pwa-update')) return;
    const bar = document.createElement('div');
    bar.id = 'pwa-update';
    bar.setAttribute('role', 'status');
    bar.className =
      'fixed inset-x-0 bottom-0 z-50 flex items-center gap-3 border-t border-neutral-700 bg-black px-3 pt-2 pb-[max(0.5rem,env(safe-area-inset-bottom))] text-neutral-100';
    const text = document.createElement('span');
    text.className = 'flex-1';
    text.textContent = 'A new version of pocketcode is ready.';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'min-h-11 border border-neutral-500 px-4';
    button.textContent = 'Reload';
    button.addEventListener('click', () => {
      reloadAsked = true;
      button.disabled = true;
      if (registration.waiting) registration.waiting.postMessage({ type: 'skip-waiting' });
    });
    bar.append(text, button);
    // Outside <body>'s app tree, so hydration never sees it.
    document.documentElement.append(bar);
  }

  workers.addEventListener('controllerchange', () => {
    if (reloadAsked) window.location.reload();
  });

  window.addEventListener('load', () => {
    workers
      .register('/sw.js')
      .then((registration) => {
        offerReload(registration);
        registration.addEventListener('updatefound', () => {
          const worker = registration.installing;
          if (!worker) return;
          worker.addEventListener('statechange', () => {
            if (worker.state === 'installed') offerReload(registration);
          });
        });
        // Back from the background: is there a newer version?
        document.addEventListener('visibilitychange', () => {
          if (document.visibilityState === 'visible') registration.update().catch(() => undefined);
        });
      })
      .catch((error) => console.warn('pocketcode: no service worker:', error));
  });

  // The sidebar's chats, as the offline page will list them.
  function saveChats() {
    if (!workers.controller) return;
    const chats = [...document.querySelectorAll('nav#sidebar a[href^="/chat/"]')].map((a) => ({
      href: a.getAttribute('href'),
      title: (a.querySelector('.text-neutral-100') || a).textContent.trim(),
      repo: ((a.querySelector('.text-xs .min-w-0') || {}).textContent || '').trim(),
      status: a.dataset.status || '',
    }));
    if (chats.length) workers.controller.postMessage({ type: 'chats', chats });
  }
  let timer = 0;
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(saveChats, 1000);
  };
  window.addEventListener('load', () => {
    const sidebar = document.querySelector('nav#sidebar');
    if (sidebar) new MutationObserver(later).observe(sidebar, { subtree: true, childList: true, characterData: true, attributes: true });
    later();
  });
  workers.addEventListener('controllerchange', later);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') saveChats();
  });
})();

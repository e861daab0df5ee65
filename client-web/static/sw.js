// The app shell for a page opened without a network (issue 16, item 5): the
// page, its script and its stylesheet, kept by this service worker so that
// the app opens on the state it kept in IndexedDB (src/net/state-store.ts).
//
// Network first, the cache only when the network fails: the assets' names
// are fixed (not hashed), so serving them from the cache first would keep an
// old client for as long as the cache lives. A successful answer refreshes
// the cached copy. Only the shell is handled: never /ws, /api/, /metrics.
const CACHE = "kenes-shell-v1";
const SHELL = ["/", "/assets/app.js", "/assets/styles.css"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  // Every page of the app is the same index.html (the server's fallback).
  const key = req.mode === "navigate" ? "/" : SHELL.includes(url.pathname) ? url.pathname : null;
  if (!key) return;
  event.respondWith(
    fetch(req).then(
      (res) => {
        if (res.ok) {
          const copy = res.clone();
          event.waitUntil(caches.open(CACHE).then((c) => c.put(key, copy)));
        }
        return res;
      },
      () => caches.match(key).then((hit) => hit ?? Response.error()),
    ),
  );
});

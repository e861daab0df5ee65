// The app shell for a page opened without a network (issue 16, item 5): the
// page, its script and its stylesheet, kept by this service worker so that
// the app opens on the state it kept in IndexedDB (src/net/state-store.ts).
//
// scripts/bundle.mjs writes dist/sw.js from this file with the build's hashed
// asset names in SHELL and a cache name of the build in CACHE: a new build is
// a new worker (its bytes differ), whose activate step deletes the old cache.
//
// The page ("/", every navigation) is network first, the cache only when the
// network fails, so a new build is seen on the next visit. A hashed asset is
// cache first: its name changes whenever its content does, so a kept copy is
// never stale. A fixed name (this file unbundled) stays network first. Only
// the shell is handled: never /ws, /api/, /metrics.
const CACHE = "kenes-shell-dev";
const SHELL = ["/", "/assets/app.js", "/assets/styles.css"];
// The server's rule for a name it lets browsers keep (server/static_files.h).
const HASHED = /^\/assets\/(?:[^/]*\/)*[^/.]+-[0-9a-f]{8,}\.[^/]+$/;

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
  // Other navigations (/metrics, /healthz opened by an operator) are not the
  // shell, and must never be kept as it.
  const appPage = url.pathname === "/" || url.pathname === "/join" || url.pathname.startsWith("/join/") || url.pathname.startsWith("/c/");
  const key = req.mode === "navigate" ? (appPage ? "/" : null) : SHELL.includes(url.pathname) ? url.pathname : null;
  if (!key) return;
  const fromNetwork = () =>
    fetch(req).then((res) => {
      if (res.ok) {
        const copy = res.clone();
        event.waitUntil(caches.open(CACHE).then((c) => c.put(key, copy)));
      }
      return res;
    });
  if (HASHED.test(key)) {
    event.respondWith(caches.match(key).then((hit) => hit ?? fromNetwork()));
    return;
  }
  event.respondWith(fromNetwork().catch(() => caches.match(key).then((hit) => hit ?? Response.error())));
});

// The map page's service worker (docs/web.md, "The service worker"): the page comes up offline,
// so that the outbox (IndexedDB) is on screen after a reload without network and goes out when
// it returns. Served at /map/sw.js with `Service-Worker-Allowed: /map`, registered with the scope
// /map (main.ts). What it keeps is the page's own code, never an answer of the API:
//   /map (navigations)      network first, the cached copy when the network fails;
//   /map/assets/* (hashed)  cache first (a name never changes its content);
//   /map/config.json        network first, the cached copy when the network fails;
//   anything else (/me, /collections/..., /tiles/..., other origins) and anything carrying an
//   Authorization header: not intercepted, not stored (the API key is never in a cache).
// Bundled on its own by web/build.mjs, which fills in the build's hash and the hashed names.

declare const __ROOTZONE_BUILD__: string;
declare const __ROOTZONE_PRECACHE__: string[];

// The few service-worker types used here (tsconfig's lib is the page's DOM, not WebWorker).
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(r: Promise<Response> | Response): void;
}
interface WorkerScope {
  addEventListener(type: 'install' | 'activate', f: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', f: (e: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  location: Location;
}

const scope = self as unknown as WorkerScope;
const prefix = 'rootzone-map-';
const cacheName = prefix + __ROOTZONE_BUILD__;
const pagePath = '/map';
const configPath = '/map/config.json';

scope.addEventListener('install', (e) => {
  // The page and every file it loads, as this build names them; a new build installs at once.
  e.waitUntil(
    caches
      .open(cacheName)
      .then((c) => c.addAll([pagePath, configPath, ...__ROOTZONE_PRECACHE__].map((p) => new Request(p, { cache: 'reload', credentials: 'omit' }))))
      .then(() => scope.skipWaiting()),
  );
});

scope.addEventListener('activate', (e) => {
  e.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith(prefix) && n !== cacheName).map((n) => caches.delete(n))))
      .then(() => scope.clients.claim()),
  );
});

scope.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET' || req.headers.has('Authorization')) return;
  const url = new URL(req.url);
  if (url.origin !== scope.location.origin) return;
  if (req.mode === 'navigate' && url.pathname === pagePath) {
    e.respondWith(networkFirst(req, pagePath));
  } else if (url.pathname === configPath) {
    e.respondWith(networkFirst(req, configPath));
  } else if (url.pathname.startsWith('/map/assets/')) {
    e.respondWith(cacheFirst(req));
  }
  // Everything else (the API, tiles, /map/sw.js itself) goes to the network untouched.
});

// Stored under its path without query or fragment (the page's view lives in the fragment).
async function networkFirst(req: Request, key: string): Promise<Response> {
  const cache = await caches.open(cacheName);
  try {
    const res = await fetch(req);
    if (res.ok) await cache.put(key, res.clone());
    return res;
  } catch (err) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw err;
  }
}

async function cacheFirst(req: Request): Promise<Response> {
  const cache = await caches.open(cacheName);
  const kept = await cache.match(req, { ignoreSearch: true });
  if (kept) return kept;
  const res = await fetch(req);
  if (res.ok) await cache.put(req, res.clone());
  return res;
}

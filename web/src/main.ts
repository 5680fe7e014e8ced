// The map page's start: language, session, the shell with its screens, the map.
import * as maplibregl from 'maplibre-gl';
import { apiPath } from './api/client';
import type { MapConfig } from './api/types';
import { formatDate, formatNumber, locale, setLocale, t } from './i18n/i18n';
import { mapScreen, theMap, treeBounds } from './map/map_screen';
import { initSearch } from './search/search';
import { byId } from './shell/dom';
import { bus } from './shell/events';
import { notify } from './shell/notice';
import { initPanel } from './shell/panel';
import { initField } from './field/field';
import { initReview } from './review/review';
import { initWorks } from './works/works';
import { currentRole, initSession } from './shell/session';
import { registerScreen, setRole, showScreen } from './shell/shell';

declare global {
  interface Window {
    // Set by the browser tests (page.addInitScript) before the page loads; only then is the map
    // object published for them to count rendered features.
    __rootzoneTest?: boolean;
    __rootzoneMap?: maplibregl.Map;
    __rootzoneI18n?: { formatNumber: typeof formatNumber; formatDate: typeof formatDate };
    __rootzoneBus?: typeof bus;
  }
}

// Public and without the key, so that the service worker may keep a copy for offline use (it
// never stores what carries an Authorization header).
async function loadConfig(): Promise<MapConfig> {
  try {
    const res = await fetch(apiPath('/map/config.json'), { headers: { Accept: 'application/json' }, credentials: 'omit', cache: 'no-cache' });
    if (res.ok) return (await res.json()) as MapConfig;
  } catch {
    // Offline without a kept copy: no basemap.
  }
  return { basemap: null };
}

// The service worker (web/src/sw.ts) keeps the page and its files, so that a reload without
// network still shows the page and its outbox. Optional: without it (an old browser, a private
// window that refuses it) the page works as before online.
function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/map/sw.js', { scope: '/map' }).catch((e: unknown) => {
    console.info('rootzone: no service worker', e);
  });
}

async function start(): Promise<void> {
  // MapLibre's worker is a file of ours (same origin): the CSP's worker-src 'self' allows it.
  maplibregl.setWorkerUrl(document.body.dataset.workerUrl ?? '');
  setLocale(locale());
  const lang = byId('lang-switch');
  const renderLang = () => (lang.textContent = t('lang.short'));
  renderLang();
  lang.addEventListener('click', () => {
    setLocale(locale() === 'de' ? 'en' : 'de');
    renderLang();
  });
  initPanel();
  initSearch();
  bus.on('session-changed', () => setRole(currentRole()));
  // initSession listens for a 401 before its first request: a key revoked since the last visit
  // signs out whichever request meets it first.
  const [, config, bounds] = await Promise.all([initSession(), loadConfig(), treeBounds()]);
  registerServiceWorker();
  registerScreen(mapScreen(config, bounds));
  initField();
  initWorks();
  initReview();
  showScreen('map');
  if (window.__rootzoneTest) {
    window.__rootzoneMap = theMap() ?? undefined;
    window.__rootzoneI18n = { formatNumber, formatDate };
    window.__rootzoneBus = bus;
  }
}

start().catch((e: unknown) => notify(e instanceof Error ? e.message : String(e), 'error', 0));

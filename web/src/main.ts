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
import { api, currentRole, initSession } from './shell/session';
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

async function loadConfig(): Promise<MapConfig> {
  try {
    return (await api.get<MapConfig>(apiPath('/map/config.json'))).body;
  } catch {
    return { basemap: null };
  }
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
  registerScreen(mapScreen(config, bounds));
  initField();
  showScreen('map');
  if (window.__rootzoneTest) {
    window.__rootzoneMap = theMap() ?? undefined;
    window.__rootzoneI18n = { formatNumber, formatDate };
    window.__rootzoneBus = bus;
  }
}

start().catch((e: unknown) => notify(e instanceof Error ? e.message : String(e), 'error', 0));

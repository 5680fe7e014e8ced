// Search by tree number, street (site) or work reference.
import { ApiError } from '../api/client';
import { itemsPath } from '../api/paths';
import type { Feature, FeatureCollection } from '../api/types';
import { formatNumber, t } from '../i18n/i18n';
import { byId, el } from '../shell/dom';
import { notify } from '../shell/notice';
import { openPanel } from '../shell/panel';
import { api } from '../shell/session';
import { showFeature, titleOf, type Collection } from '../map/feature_panel';
import { theMap } from '../map/map_screen';

export interface SearchQuery {
  collection: Collection;
  params: URLSearchParams;
}

// The one place where a search text becomes queries: a tree number and a work reference as
// typed, a street by any part of its name (CQL2's LIKE, case-sensitive as the standard's LIKE
// is; docs/filtering.md).
export function searchQueries(text: string, limit = 20): SearchQuery[] {
  const q = text.trim();
  if (!q) return [];
  const p = (name: string) => new URLSearchParams({ [name]: q, limit: String(limit) });
  return [
    { collection: 'trees', params: p('source_id') },
    { collection: 'trees', params: new URLSearchParams({ filter: `site LIKE '%${likeText(q)}%'`, limit: String(limit) }) },
    { collection: 'works', params: p('reference') },
  ];
}

// The text as a CQL2 string literal's contents matching itself: LIKE's wildcards and its escape
// escaped, quotes doubled.
export function likeText(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/'/g, "''");
}

interface Hit {
  collection: Collection;
  feature: Feature;
}

async function run(text: string): Promise<Hit[]> {
  const answers = await Promise.all(
    searchQueries(text).map(async (s) => {
      const res = await api.get<FeatureCollection>(itemsPath(s.collection), s.params);
      return res.body.features.map((feature) => ({ collection: s.collection, feature }));
    }),
  );
  const seen = new Set<string>();
  return answers.flat().filter((h) => {
    const k = `${h.collection}/${h.feature.id}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// Every coordinate of a GeoJSON geometry, however deeply nested.
function positions(coordinates: unknown, out: Array<[number, number]> = []): Array<[number, number]> {
  if (Array.isArray(coordinates) && typeof coordinates[0] === 'number') {
    out.push([Number(coordinates[0]), Number(coordinates[1])]);
  } else if (Array.isArray(coordinates)) {
    for (const c of coordinates) positions(c, out);
  }
  return out;
}

// Shows every feature given: one point closely, several or a line or area as a whole.
function showOnMap(features: Feature[]): void {
  const m = theMap();
  if (!m) return;
  const all = features.flatMap((f) => (f.geometry ? positions(f.geometry.coordinates) : []));
  if (all.length === 0) return;
  if (all.length === 1) {
    m.jumpTo({ center: all[0]!, zoom: Math.max(m.getZoom(), 18) });
    return;
  }
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  m.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { padding: 40, duration: 0, maxZoom: 18 });
}

export function open(hit: Hit): void {
  showOnMap([hit.feature]);
  void showFeature(hit.collection, hit.feature.id);
}

function resultList(hits: Hit[]): HTMLElement {
  const list = el('ul', { class: 'results' });
  for (const h of hits) {
    const p = h.feature.properties;
    const sub = h.collection === 'trees' ? [p.species_german, p.site] : [p.title, p.status];
    const b = el(
      'button',
      { type: 'button', class: 'result' },
      el('strong', {}, titleOf(h.collection, h.feature)),
      el('span', { class: 'muted' }, sub.filter((x) => typeof x === 'string' && x).join(' · ')),
    );
    b.addEventListener('click', () => open(h));
    list.append(el('li', {}, b));
  }
  return el('div', {}, el('p', { class: 'muted' }, t('search.count', { n: formatNumber(hits.length, 0) })), list);
}

export function initSearch(): void {
  const input = byId<HTMLInputElement>('search-input');
  byId<HTMLFormElement>('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    run(text)
      .then((hits) => {
        if (hits.length === 0) notify(t('search.none', { q: text }));
        else if (hits.length === 1) open(hits[0]!);
        else {
          showOnMap(hits.map((h) => h.feature));
          openPanel(t('search.results', { q: text }), resultList(hits));
        }
      })
      .catch((err: unknown) => {
        // A refused key: the session has signed out and said why; a second notice would hide it.
        if (err instanceof ApiError && err.status === 401) return;
        const detail = err instanceof ApiError ? err.detail || err.title : String(err);
        notify(t('search.failed', { detail }), 'error');
      });
  });
}

// The map screen: MapLibre drawing /tiles/city, the legend with its layer switches, a scale
// bar, the view in the URL (#map=zoom/lat/lon), a click or tap opening the feature's panel.
import * as maplibregl from 'maplibre-gl';
import type { MapGeoJSONFeature, MapMouseEvent } from 'maplibre-gl';
import { collectionPath } from '../api/paths';
import type { Collection, MapConfig } from '../api/types';
import type { MessageKey } from '../i18n/catalogue';
import { onLocaleChange, t } from '../i18n/i18n';
import { el } from '../shell/dom';
import { notify } from '../shell/notice';
import { bus } from '../shell/events';
import { api, currentUser, signOut } from '../shell/session';
import type { Screen } from '../shell/shell';
import { showFeature } from './feature_panel';
import { clickable, cityStyle, layerGroups, statusColours, treeColours, workStatuses, zoneColour, type LayerGroup } from './style';

let map: maplibregl.Map | null = null;

export function theMap(): maplibregl.Map | null {
  return map;
}

export type Bounds = [[number, number], [number, number]];

// With no view in the URL the map opens on the trees' extent (the works feeds reach across
// Germany; the trees are the city). Asked before the map is made, so that it does not first
// load the tiles of the whole world.
export async function treeBounds(): Promise<Bounds | undefined> {
  try {
    const { body } = await api.get<Collection>(collectionPath('trees'));
    const b = body.extent?.spatial?.bbox?.[0];
    if (b && b.length >= 4) return [[b[0]!, b[1]!], [b[2]!, b[3]!]];
  } catch {
    // An empty store has no extent: the whole world it is.
  }
  return undefined;
}

export function mapScreen(config: MapConfig, initial: Bounds | undefined): Screen {
  return {
    id: 'map',
    label: 'screen.map',
    icon: 'M3 6l6-3 6 3 6-3v15l-6 3-6-3-6 3zM9 3v15M15 6v15',
    mount(container) {
      const holder = el('div', { class: 'map', id: 'map', role: 'region', 'aria-label': t('map.label') });
      container.append(holder, legend(config));
      onLocaleChange(() => holder.setAttribute('aria-label', t('map.label')));
      try {
        map = createMap(holder, config, initial);
      } catch (e) {
        // No WebGL (an old phone, a locked-down browser): say so instead of a blank page.
        holder.append(el('p', { class: 'coming-soon', role: 'alert' }, t('map.webgl')));
        console.warn(e);
      }
    },
    show() {
      map?.resize();
    },
  };
}

function createMap(container: HTMLElement, config: MapConfig, initial: Bounds | undefined): maplibregl.Map {
  const styleUrl = config.basemap?.kind === 'style' ? config.basemap.url : null;
  const own = cityStyle(location.origin, config);
  // Read before MapLibre writes its own view into the hash.
  const sharedView = location.hash.includes('map=');
  const m = new maplibregl.Map({
    container,
    style: styleUrl ?? own,
    hash: 'map',
    ...(sharedView || !initial ? {} : { bounds: initial, fitBoundsOptions: { padding: 20 } }),
    attributionControl: false,
    maxZoom: 21,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    cooperativeGestures: false,
    // The key goes only to this origin's tiles, never to a basemap's server.
    transformRequest: (url) => ({ url, headers: api.authHeaders(url) }),
  });
  m.touchZoomRotate.disableRotation();
  m.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  m.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-left');
  // A basemap's source is named (its terms usually ask for it); the plain map has nothing to credit.
  if (config.basemap) m.addControl(new maplibregl.AttributionControl({ compact: false }), 'bottom-right');
  if (styleUrl) {
    m.on('load', () => {
      for (const [id, source] of Object.entries(own.sources)) if (!m.getSource(id)) m.addSource(id, source);
      for (const layer of own.layers) if (layer.type !== 'background') m.addLayer(layer);
    });
  }

  m.on('click', (e) => onClick(m, e));
  for (const id of clickable) {
    m.on('mouseenter', id, () => (m.getCanvas().style.cursor = 'pointer'));
    m.on('mouseleave', id, () => (m.getCanvas().style.cursor = ''));
  }
  // After a write through this page the tiles are fetched again: unchanged ones are answered
  // 304 (ETag).
  const refetch = () => {
    const source = m.getSource('city');
    if (source && source.type === 'vector') (source as maplibregl.VectorTileSource).setTiles([tilesUrl(session)]);
  };
  // A new caller (signed in or out) sees other layers: the source is made anew with URLs of its
  // own. setTiles alone does not revive tiles that failed with a revoked key.
  let session = 0;
  const newCaller = () => {
    session += 1;
    if (!m.getSource('city')) return;
    const cityLayers = own.layers.filter((l) => 'source' in l && l.source === 'city');
    const visibility = new Map(cityLayers.map((l) => [l.id, m.getLayoutProperty(l.id, 'visibility') as maplibregl.VisibilitySpecification | undefined]));
    for (const l of cityLayers) if (m.getLayer(l.id)) m.removeLayer(l.id);
    m.removeSource('city');
    m.addSource('city', { ...(own.sources.city as maplibregl.VectorSourceSpecification), tiles: [tilesUrl(session)] });
    for (const l of cityLayers) {
      m.addLayer(l);
      const v = visibility.get(l.id);
      if (v) m.setLayoutProperty(l.id, 'visibility', v);
    }
  };
  m.on('error', (e) => {
    // A tile answered 401: the key was revoked or its user disabled while the page was open.
    const status = (e.error as { status?: unknown } | undefined)?.status;
    if (status === 401) {
      // Once, for the first tile that meets it; outside MapLibre's event, whose tile
      // bookkeeping the refetch of the sign-out would disturb.
      if (currentUser()) {
        setTimeout(() => {
          if (currentUser()) signOut(t('session.expired', { detail: t('session.reason.other') }), 'error');
        }, 0);
      }
      return;
    }
    // Without network the tiles cannot come (a page brought up offline by the service worker):
    // said once, quietly; the outbox and the panels from the phone's copy still work.
    if (!navigator.onLine) {
      if (!offlineSaid) notify(t('map.offline'));
      offlineSaid = true;
      return;
    }
    console.error(e.error);
  });
  let offlineSaid = false;
  window.addEventListener('online', () => {
    offlineSaid = false;
    // Tiles that failed offline stay dead under their old URLs: the source is made anew.
    if (!navigator.onLine) return;
    newCaller();
  });
  bus.on('data-changed', refetch);
  bus.on('session-changed', newCaller);
  return m;
}

// While a work is being drawn (web/src/works) a click belongs to the drawing, not to a panel.
let clickGuard: () => boolean = () => false;
export function setMapClickGuard(f: () => boolean): void {
  clickGuard = f;
}

function onClick(m: maplibregl.Map, e: MapMouseEvent): void {
  if (clickGuard()) return;
  // A finger is wider than a tree's dot: look 10 px around the tap.
  const r = 10;
  const box: [maplibregl.PointLike, maplibregl.PointLike] = [
    [e.point.x - r, e.point.y - r],
    [e.point.x + r, e.point.y + r],
  ];
  const layers = clickable.filter((id) => m.getLayer(id) && m.getLayoutProperty(id, 'visibility') !== 'none');
  const hits = m.queryRenderedFeatures(box, { layers });
  const pick = nearest(m, e, hits);
  if (!pick) return;
  if (pick.layer.id === 'trees' && pick.properties.count !== undefined) {
    // A cell of many trees: zoom in to see them one by one.
    m.easeTo({ center: e.lngLat, zoom: Math.max(m.getZoom() + 2, 15) });
    return;
  }
  if (pick.id === undefined) return;
  const collection = pick.layer.id === 'trees' ? 'trees' : 'works';
  bus.emit('feature-selected', { collection, id: pick.id });
  void showFeature(collection, pick.id).then(() => keepAboveSheet(m, e.point.y));
}

// On a phone the panel is a bottom sheet: move the map so that what was tapped stays in view
// above it.
function keepAboveSheet(m: maplibregl.Map, y: number): void {
  const panel = document.getElementById('panel');
  if (!panel || panel.hidden || window.matchMedia('(min-width: 768px)').matches) return;
  const visible = m.getContainer().clientHeight - panel.offsetHeight;
  if (y > visible - 24) m.panBy([0, y - visible / 2], { duration: 200 });
}

function nearest(m: maplibregl.Map, e: MapMouseEvent, hits: MapGeoJSONFeature[]): MapGeoJSONFeature | undefined {
  let best: MapGeoJSONFeature | undefined;
  let bestDistance = Infinity;
  for (const f of hits) {
    if (f.geometry.type !== 'Point') {
      if (!best) best = f;
      continue;
    }
    const p = m.project(f.geometry.coordinates as [number, number]);
    const d = Math.hypot(p.x - e.point.x, p.y - e.point.y);
    if (d < bestDistance || best?.geometry.type !== 'Point') {
      best = f;
      bestDistance = d;
    }
  }
  return best;
}

function tilesUrl(session: number): string {
  return `${location.origin}/tiles/city/{z}/{x}/{y}.mvt${session > 0 ? `?session=${session}` : ''}`;
}

function setGroupVisible(group: LayerGroup, visible: boolean): void {
  if (!map) return;
  for (const id of layerGroups[group]) {
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  }
}

function swatch(colour: string, shape: 'dot' | 'big-dot' | 'square' | 'line'): HTMLElement {
  const s = el('span', { class: `swatch swatch-${shape}`, 'aria-hidden': 'true' });
  s.style.setProperty('--swatch', colour);
  return s;
}

function translated(key: MessageKey): HTMLElement {
  return el('span', { 'data-i18n': key }, t(key));
}

function layerSwitch(group: LayerGroup, key: MessageKey): HTMLElement {
  const input = el('input', { type: 'checkbox', id: `layer-${group}` });
  input.checked = true;
  input.addEventListener('change', () => setGroupVisible(group, input.checked));
  return el('label', { class: 'switch', for: `layer-${group}` }, input, translated(key));
}

function legend(config: MapConfig): HTMLElement {
  const entry = (colour: string, shape: 'dot' | 'big-dot' | 'square' | 'line', key: MessageKey) =>
    el('li', {}, swatch(colour, shape), translated(key));
  const works = workStatuses.map((s) => entry(statusColours[s], 'square', `status.${s}`));
  const switches = [
    layerSwitch('trees', 'map.layer.trees'),
    layerSwitch('zones', 'map.layer.zones'),
    layerSwitch('works', 'map.layer.works'),
  ];
  if (config.basemap && config.basemap.kind !== 'style') switches.push(layerSwitch('basemap', 'map.layer.basemap'));
  const summary = el('summary', {}, translated('map.toggleLegend'));
  const body = el(
    'div',
    { class: 'legend-body' },
    el('h3', {}, translated('map.layers')),
    el('div', { class: 'switches' }, ...switches),
    el('h3', {}, translated('map.legend')),
    el(
      'ul',
      { class: 'legend-list' },
      entry(treeColours.protected, 'big-dot', 'map.tree.protected'),
      entry(treeColours.other, 'dot', 'map.tree.other'),
      entry(treeColours.felled, 'dot', 'map.tree.felled'),
      entry(zoneColour, 'line', 'map.zone'),
    ),
    el('h3', {}, translated('map.layer.works')),
    el('ul', { class: 'legend-list legend-works' }, ...works),
  );
  const details = el('details', { class: 'legend', id: 'legend' }, summary, body);
  // Open on a desktop, folded on a phone where the map needs the room.
  details.open = window.matchMedia('(min-width: 768px)').matches;
  return details;
}

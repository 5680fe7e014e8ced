// The review screen's own map: the city's tiles (trees, zones, works) as on the map screen, the
// area a planner draws to filter the queue (terra-draw: rectangle or polygon), and for a work
// under review its geometry, the conflicting trees in their severity's colour and their R_r and
// R_t rings (the protection_zones tile layer: the server's own discs, not a copy of the rule).
import * as maplibregl from 'maplibre-gl';
import { TerraDraw, TerraDrawPolygonMode, TerraDrawRectangleMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import type { MapConfig } from '../api/types';
import { cityStyle } from '../map/style';
import type { Bounds } from '../map/map_screen';
import { api } from '../shell/session';
import { severityColours, type Severity } from './severity';

declare global {
  interface Window {
    // Published for the browser tests (window.__rootzoneTest), like the map screen's map.
    __rootzoneReviewMap?: maplibregl.Map;
  }
}

export interface Polygon {
  type: 'Polygon';
  coordinates: number[][][];
}

export interface ConflictPoint {
  treeId: number;
  severity: Severity;
  lonLat: [number, number];
}

type AreaListener = (area: Polygon | null) => void;

const workColour = '#0d47a1';
const emptyCollection: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

export class ReviewMap {
  readonly map: maplibregl.Map;
  private draw: TerraDraw | null = null;
  private area: Polygon | null = null;
  private areaListener: AreaListener | null = null;
  private ready: Promise<void>;

  constructor(container: HTMLElement, config: MapConfig, initial: Bounds | undefined) {
    this.map = new maplibregl.Map({
      container,
      style: cityStyle(location.origin, { ...config, basemap: config.basemap?.kind === 'style' ? null : config.basemap }),
      ...(initial ? { bounds: initial, fitBoundsOptions: { padding: 20 } } : {}),
      attributionControl: false,
      maxZoom: 21,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      transformRequest: (url) => ({ url, headers: api.authHeaders(url) }),
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-left');
    this.map.on('error', (e) => {
      // A revoked key is the map screen's to report (its tiles meet the same 401).
      const status = (e.error as { status?: unknown } | undefined)?.status;
      if (status === 401 || !navigator.onLine) return;
      console.error(e.error);
    });
    this.ready = new Promise((resolve) => this.map.once('load', () => resolve()));
    void this.ready.then(() => this.addReviewLayers());
    if (window.__rootzoneTest) window.__rootzoneReviewMap = this.map;
  }

  resize(): void {
    this.map.resize();
  }

  private addReviewLayers(): void {
    const m = this.map;
    m.addSource('review-work', { type: 'geojson', data: emptyCollection });
    m.addSource('review-trees', { type: 'geojson', data: emptyCollection });
    const none: maplibregl.FilterSpecification = ['in', ['get', 'tree_id'], ['literal', []]];
    m.addLayer({
      id: 'review-zones-root',
      type: 'line',
      source: 'city',
      'source-layer': 'protection_zones',
      filter: ['all', none, ['==', ['get', 'zone'], 'root_zone']],
      // As the contractor's editor draws them (works/overlay.ts): R_t solid, R_r dashed.
      paint: { 'line-color': '#000000', 'line-width': 2.5, 'line-dasharray': [3, 2] },
    });
    m.addLayer({
      id: 'review-zones-trench',
      type: 'line',
      source: 'city',
      'source-layer': 'protection_zones',
      filter: ['all', none, ['==', ['get', 'zone'], 'trench']],
      paint: { 'line-color': '#000000', 'line-width': 2 },
    });
    m.addLayer({
      id: 'review-work-fill',
      type: 'fill',
      source: 'review-work',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': workColour, 'fill-opacity': 0.25 },
    });
    m.addLayer({
      id: 'review-work-line',
      type: 'line',
      source: 'review-work',
      filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'line-color': workColour, 'line-width': 4 },
    });
    m.addLayer({
      id: 'review-work-point',
      type: 'circle',
      source: 'review-work',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-color': workColour, 'circle-radius': 7, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
    });
    m.addLayer({
      id: 'review-trees',
      type: 'circle',
      source: 'review-trees',
      paint: {
        'circle-color': ['match', ['get', 'severity'], 'critical', severityColours.critical, 'high', severityColours.high, severityColours.medium],
        'circle-radius': 9,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2.5,
      },
    });
  }

  // ---- the area drawn to filter the queue

  // One listener: the queue view on screen.
  onArea(f: AreaListener): void {
    this.areaListener = f;
  }

  currentArea(): Polygon | null {
    return this.area;
  }

  async startDrawing(kind: 'rectangle' | 'polygon'): Promise<void> {
    await this.ready;
    const draw = this.drawing();
    draw.clear();
    draw.setMode(kind);
  }

  clearArea(): void {
    if (this.draw) {
      this.draw.clear();
      this.draw.setMode('static');
    }
    this.setArea(null);
  }

  private drawing(): TerraDraw {
    if (this.draw) return this.draw;
    const styles = { fillColor: '#0b57d0', fillOpacity: 0.12, outlineColor: '#0b57d0', outlineWidth: 3 } as const;
    const draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map: this.map }),
      modes: [
        new TerraDrawRectangleMode({ styles }),
        new TerraDrawPolygonMode({ styles: { ...styles, closingPointColor: '#0b57d0', closingPointWidth: 6 } }),
      ],
    });
    draw.start();
    draw.on('finish', (id) => {
      const f = draw.getSnapshotFeature(id);
      // One area at a time: the one just finished replaces any other.
      const others = draw.getSnapshot().filter((g) => g.id !== id).map((g) => g.id as string);
      if (others.length > 0) draw.removeFeatures(others);
      draw.setMode('static');
      if (f && f.geometry.type === 'Polygon') this.setArea({ type: 'Polygon', coordinates: f.geometry.coordinates as number[][][] });
    });
    this.draw = draw;
    return draw;
  }

  private setArea(a: Polygon | null): void {
    this.area = a;
    this.areaListener?.(a);
  }

  // ---- a work under review

  async showWork(geometry: GeoJSON.Geometry | null, trees: ConflictPoint[]): Promise<void> {
    await this.ready;
    const m = this.map;
    const work: GeoJSON.FeatureCollection = {
      type: 'FeatureCollection',
      features: geometry ? [{ type: 'Feature', geometry, properties: {} }] : [],
    };
    (m.getSource('review-work') as maplibregl.GeoJSONSource).setData(work);
    (m.getSource('review-trees') as maplibregl.GeoJSONSource).setData({
      type: 'FeatureCollection',
      features: trees.map((c) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: c.lonLat },
        properties: { tree_id: c.treeId, severity: c.severity },
      })),
    });
    const ids = trees.map((c) => c.treeId);
    const colour: maplibregl.ExpressionSpecification | string =
      trees.length > 0
        ? (['match', ['get', 'tree_id'], ...trees.flatMap((c) => [c.treeId, severityColours[c.severity]]), '#000000'] as unknown as maplibregl.ExpressionSpecification)
        : '#000000';
    for (const [layer, zone] of [['review-zones-root', 'root_zone'], ['review-zones-trench', 'trench']] as const) {
      m.setFilter(layer, ['all', ['in', ['get', 'tree_id'], ['literal', ids]], ['==', ['get', 'zone'], zone]]);
      m.setPaintProperty(layer, 'line-color', colour);
    }
    const b = boundsOf(geometry, trees);
    if (b) m.fitBounds(b, { padding: 48, maxZoom: 19, duration: 0 });
  }

  clearWork(): void {
    void this.showWork(null, []);
  }
}

function boundsOf(geometry: GeoJSON.Geometry | null, trees: ConflictPoint[]): maplibregl.LngLatBoundsLike | null {
  const b = new maplibregl.LngLatBounds();
  let any = false;
  const add = (p: unknown) => {
    if (Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number') {
      b.extend([p[0], p[1]]);
      any = true;
    } else if (Array.isArray(p)) for (const q of p) add(q);
  };
  if (geometry && 'coordinates' in geometry) add(geometry.coordinates);
  if (geometry && geometry.type === 'GeometryCollection') for (const g of geometry.geometries) if ('coordinates' in g) add(g.coordinates);
  for (const c of trees) add(c.lonLat);
  return any ? b : null;
}

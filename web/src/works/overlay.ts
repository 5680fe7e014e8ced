// The trees a work conflicts with, on the map: a circle per tree in its severity's colour, and
// its two rings, the trench distance R_t (solid) and the root zone R_r (dashed). The rings are
// polygons in lon/lat computed from the radii in metres (a circle layer's pixel radius would
// have to follow the zoom and the latitude; a polygon is right at every zoom). The store's
// metres are UTM metres (scale 0.9996 near the central meridian): the drawn ring differs from
// the server's by at most 0.05 %, 1 mm on a 2.5 m ring.
import type * as maplibregl from 'maplibre-gl';
import type { TreeConflict } from './conflicts';

export const severityColours = { critical: '#b71c1c', high: '#e65100', medium: '#f9a825', low: '#558b2f' } as const;

const trees = 'rz-conflict-trees';
const extent = 'rz-work-extent';
const rings = 'rz-conflict-rings';
const earth = 6371008.8;

type Ring = { type: 'Feature'; geometry: { type: 'LineString'; coordinates: number[][] }; properties: { ring: 'trench' | 'root' } };

function circle(lon: number, lat: number, r: number, ring: Ring['properties']['ring']): Ring {
  const coordinates: number[][] = [];
  const rad = Math.PI / 180;
  for (let i = 0; i <= 64; ++i) {
    const a = (2 * Math.PI * i) / 64;
    const dLat = ((r * Math.cos(a)) / earth) / rad;
    const dLon = ((r * Math.sin(a)) / (earth * Math.cos(lat * rad))) / rad;
    coordinates.push([lon + dLon, lat + dLat]);
  }
  return { type: 'Feature', geometry: { type: 'LineString', coordinates }, properties: { ring } };
}

function ensure(map: maplibregl.Map): void {
  if (map.getSource(trees)) return;
  const empty = { type: 'FeatureCollection' as const, features: [] };
  map.addSource(rings, { type: 'geojson', data: empty });
  map.addSource(trees, { type: 'geojson', data: empty });
  map.addLayer({
    id: 'rz-conflict-rings',
    type: 'line',
    source: rings,
    paint: {
      'line-color': ['match', ['get', 'ring'], 'trench', severityColours.critical, severityColours.high],
      'line-width': 2,
      'line-dasharray': ['match', ['get', 'ring'], 'trench', ['literal', [1, 0]], ['literal', [3, 2]]],
    },
  });
  map.addLayer({
    id: 'rz-conflict-trees',
    type: 'circle',
    source: trees,
    paint: {
      'circle-radius': 9,
      'circle-color': ['match', ['get', 'severity'], 'critical', severityColours.critical, 'high', severityColours.high, 'medium', severityColours.medium, severityColours.low],
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2,
    },
  });
}

// Shows these conflicts; resolves when the map has drawn them (for the performance mark).
export function showConflicts(map: maplibregl.Map, conflicts: TreeConflict[]): Promise<void> {
  ensure(map);
  const points = conflicts
    .filter((c) => c.geometry?.type === 'Point')
    .map((c) => ({ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: c.geometry!.coordinates }, properties: { severity: c.properties.severity, tree_id: c.properties.tree_id } }));
  const circles: Ring[] = [];
  for (const c of conflicts) {
    const zone = c.properties.zone;
    if (!zone || c.geometry?.type !== 'Point') continue;
    const [lon, lat] = c.geometry.coordinates as [number, number];
    if (zone.trench_distance_m) circles.push(circle(lon, lat, zone.trench_distance_m, 'trench'));
    if (zone.root_zone_m) circles.push(circle(lon, lat, zone.root_zone_m, 'root'));
  }
  (map.getSource(rings) as maplibregl.GeoJSONSource).setData({ type: 'FeatureCollection', features: circles });
  (map.getSource(trees) as maplibregl.GeoJSONSource).setData({ type: 'FeatureCollection', features: points });
  return new Promise((resolve) => {
    // GeoJSON goes through MapLibre's worker: drawn once the source is loaded again and a frame
    // was rendered with it.
    const check = () => {
      if (map.isSourceLoaded(trees) && map.isSourceLoaded(rings)) {
        map.once('render', () => resolve());
        map.triggerRepaint();
      } else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}

export function clearConflicts(map: maplibregl.Map): void {
  if (!map.getSource(trees)) return;
  const empty = { type: 'FeatureCollection' as const, features: [] };
  (map.getSource(rings) as maplibregl.GeoJSONSource).setData(empty);
  (map.getSource(trees) as maplibregl.GeoJSONSource).setData(empty);
}

// A point work's reach: its radius drawn as a ring around the point (the server buffers it so).
export function showWorkExtent(map: maplibregl.Map, centre: number[] | null, radius: number | null): void {
  if (!centre && !map.getSource(extent)) return;
  if (!map.getSource(extent)) {
    map.addSource(extent, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: extent, type: 'line', source: extent, paint: { 'line-color': '#0d47a1', 'line-width': 2, 'line-dasharray': [2, 1] } });
  }
  const features = centre && radius && radius > 0 ? [circle(centre[0]!, centre[1]!, radius, 'trench')] : [];
  (map.getSource(extent) as maplibregl.GeoJSONSource).setData({ type: 'FeatureCollection', features });
}

// Tree numbers from the trees the map has loaded (the tiles' `tree_number`, feature id = tree
// id): a work is drawn and looked at zoomed in on its place, where its trees' tiles are.
export function treeNumbersOnMap(map: maplibregl.Map): (treeId: number) => string | undefined {
  return (treeId) => {
    const found = map.querySourceFeatures('city', { sourceLayer: 'trees', filter: ['==', ['id'], treeId] });
    const n = found[0]?.properties?.tree_number;
    return typeof n === 'string' && n !== '' ? n : undefined;
  };
}

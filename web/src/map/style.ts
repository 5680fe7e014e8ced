// The map's style: rootzone's own vector tiles on a plain background, or on the basemap that
// `serve --basemap` names. No text or symbol layers: they would need glyphs from elsewhere.
import type {
  ExpressionSpecification,
  LayerSpecification,
  SourceSpecification,
  StyleSpecification,
} from 'maplibre-gl';
import type { MapConfig } from '../api/types';

export const workStatuses = [
  'draft',
  'submitted',
  'changes_requested',
  'approved',
  'in_progress',
  'completed',
  'refused',
  'cancelled',
] as const;

// Chosen to stay apart from the trees' greens and from each other on a light background.
export const statusColours: Record<(typeof workStatuses)[number], string> = {
  draft: '#757575',
  submitted: '#1565c0',
  changes_requested: '#e65100',
  approved: '#6a1b9a',
  in_progress: '#c62828',
  completed: '#37474f',
  refused: '#4e342e',
  cancelled: '#9e9e9e',
};

export const treeColours = { protected: '#1b5e20', other: '#8bc34a', felled: '#9e9e9e' };
export const zoneColour = '#2e7d32';

const statusColour: ExpressionSpecification = [
  'match',
  ['get', 'status'],
  ...workStatuses.flatMap((s) => [s, statusColours[s]]),
  '#757575',
] as unknown as ExpressionSpecification;

// Below zoom 14 a tree point may stand for many (count, protected_count).
const isCell: ExpressionSpecification = ['has', 'count'];
const treeColour: ExpressionSpecification = [
  'case',
  isCell,
  ['case', ['>', ['get', 'protected_count'], 0], treeColours.protected, treeColours.other],
  ['==', ['get', 'status'], 'felled'],
  treeColours.felled,
  ['==', ['get', 'protected'], true],
  treeColours.protected,
  treeColours.other,
];
// One zoom interpolation at the top (MapLibre allows no other), the tree's kind inside.
const cellRadius = (scale: number): ExpressionSpecification => [
  'interpolate', ['linear'], ['get', 'count'], 1, 2 * scale, 50, 5 * scale, 500, 9 * scale,
];
const radiusAt = (cell: number, protectedTree: number, other: number): ExpressionSpecification => [
  'case', isCell, cellRadius(cell), ['==', ['get', 'protected'], true], protectedTree, other,
];
const treeRadius: ExpressionSpecification = [
  'interpolate', ['linear'], ['zoom'],
  12, radiusAt(1, 2.5, 1.6),
  14, radiusAt(1.2, 3.5, 2.2),
  18, radiusAt(1.5, 8, 5),
  20, radiusAt(1.5, 12, 8),
];

export const layerGroups = {
  trees: ['trees'],
  zones: ['zones-fill', 'zones-line'],
  works: ['works-fill', 'works-line', 'works-point'],
  basemap: ['basemap'],
} as const;
export type LayerGroup = keyof typeof layerGroups;

// Layers a click or tap selects, topmost first.
export const clickable = ['trees', 'works-point', 'works-line', 'works-fill'];

function basemapSource(config: MapConfig): SourceSpecification | null {
  const b = config.basemap;
  if (!b || b.kind === 'style') return null;
  return {
    type: 'raster',
    tiles: [b.url],
    tileSize: 256,
    attribution: new URL(b.url.replace(/\{[^}]*\}/g, '0')).host,
  };
}

export function cityStyle(origin: string, config: MapConfig): StyleSpecification {
  const sources: Record<string, SourceSpecification> = {
    city: {
      type: 'vector',
      tiles: [`${origin}/tiles/city/{z}/{x}/{y}.mvt`],
      minzoom: 0,
      maxzoom: 20,
    },
  };
  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': '#f3f4ef' } },
  ];
  const raster = basemapSource(config);
  if (raster) {
    sources.basemap = raster;
    layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  }
  layers.push(
    {
      id: 'zones-fill',
      type: 'fill',
      source: 'city',
      'source-layer': 'protection_zones',
      minzoom: 15,
      paint: { 'fill-color': zoneColour, 'fill-opacity': 0.12 },
    },
    {
      id: 'zones-line',
      type: 'line',
      source: 'city',
      'source-layer': 'protection_zones',
      minzoom: 15,
      paint: { 'line-color': zoneColour, 'line-width': 1, 'line-opacity': 0.6, 'line-dasharray': [2, 2] },
    },
    {
      id: 'works-fill',
      type: 'fill',
      source: 'city',
      'source-layer': 'works',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': statusColour, 'fill-opacity': 0.3 },
    },
    {
      id: 'works-line',
      type: 'line',
      source: 'city',
      'source-layer': 'works',
      filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'line-color': statusColour, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 2, 18, 5] },
    },
    {
      id: 'works-point',
      type: 'circle',
      source: 'city',
      'source-layer': 'works',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-color': statusColour,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 4, 18, 9],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.5,
      },
    },
    {
      id: 'trees',
      type: 'circle',
      source: 'city',
      'source-layer': 'trees',
      paint: {
        'circle-color': treeColour,
        'circle-radius': treeRadius,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': ['case', ['==', ['get', 'protected'], true], 1.2, 0.6],
      },
    },
  );
  return { version: 8, sources, layers };
}

// A work's properties as the form holds them, and the GeoJSON body the API takes (a
// submission, a preview and a replacement share it; web/src/works/work_form.ts builds it).
import type { Geometry, Shape } from './draw';

export interface WorkProps {
  reference: string;
  title: string;
  kind: string;
  contact: string;
  contractor?: string;
  starts_at: string; // UTC, RFC 3339
  ends_at: string;
  depth_m: number | null;
  width_m: number | null;
  radius_m: number | null;
  status?: string;
}

export interface WorkFeature {
  type: 'Feature';
  id: number;
  geometry: Geometry;
  properties: WorkProps & { version: number; status: string; contractor: string; updated_at?: string };
  conflicts?: import('./conflicts').Conflicts;
}

export const kinds = ['trench', 'pit', 'drilling', 'surface', 'site_facility', 'storage', 'scaffolding', 'crane', 'traffic_management'] as const;

// The kind a new drawing suggests: a line is a trench, a point a pit, an area a site facility.
export const defaultKind: Record<Shape, string> = { line: 'trench', point: 'pit', polygon: 'site_facility' };

export function shapeOf(g: Geometry): Shape {
  return g.type === 'LineString' ? 'line' : g.type === 'Polygon' ? 'polygon' : 'point';
}

// The sizes the shape has: a line's width, a point's radius, neither for an area.
export function forShape(p: WorkProps, g: Geometry): WorkProps {
  const shape = shapeOf(g);
  return { ...p, width_m: shape === 'line' ? p.width_m : null, radius_m: shape === 'point' ? p.radius_m : null };
}

// Only the size that belongs to the shape is sent (the API refuses a width on a point).
export function workBody(geometry: Geometry, p: WorkProps): { type: 'Feature'; geometry: Geometry; properties: Record<string, unknown> } {
  const shape = shapeOf(geometry);
  const properties: Record<string, unknown> = {
    reference: p.reference,
    title: p.title,
    kind: p.kind,
    contact: p.contact,
    starts_at: p.starts_at,
    ends_at: p.ends_at,
    depth_m: p.depth_m,
  };
  if (shape === 'line') properties.width_m = p.width_m;
  if (shape === 'point') properties.radius_m = p.radius_m;
  if (p.contractor) properties.contractor = p.contractor;
  if (p.status) properties.status = p.status;
  return { type: 'Feature', geometry, properties };
}

export const comparedFields = ['reference', 'title', 'kind', 'contact', 'starts_at', 'ends_at', 'depth_m', 'width_m', 'radius_m'] as const;
export type ComparedField = (typeof comparedFields)[number] | 'geometry';

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

// What differs between two versions of a work: the fields and whether the geometry moved.
export function differences(a: WorkFeature, b: WorkFeature): ComparedField[] {
  const out: ComparedField[] = comparedFields.filter((f) => !same(a.properties[f], b.properties[f]));
  if (!sameGeometry(a.geometry, b.geometry)) out.push('geometry');
  return out;
}

// Coordinates compared to 1e-7 degrees (1 cm): the server's round trip through its metric CRS
// may move the last digits of what was sent.
export function sameGeometry(a: Geometry, b: Geometry): boolean {
  if (a.type !== b.type) return false;
  const flat = (g: Geometry) => JSON.stringify(g.coordinates).match(/-?\d+(\.\d+)?(e-?\d+)?/g)?.map(Number) ?? [];
  const x = flat(a);
  const y = flat(b);
  return x.length === y.length && x.every((v, i) => Math.abs(v - y[i]!) < 1e-7);
}

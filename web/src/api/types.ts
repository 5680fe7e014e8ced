// What the page reads from the API. The response schemas of /api are being made precise
// (issue 13's "/api becomes a real contract"); until then these shapes are written out here
// and the request paths are checked against the generated `paths` (client.ts, apiPath).
export type Role = 'public' | 'field_staff' | 'planner' | 'contractor' | 'admin';

export interface Me {
  name: string;
  role: Exclude<Role, 'public'>;
  organisation: string;
}

export type Properties = Record<string, unknown>;

export interface Feature {
  type: 'Feature';
  id: number | string;
  geometry: { type: string; coordinates: unknown } | null;
  properties: Properties;
}

export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
  numberMatched?: number;
  numberReturned?: number;
}

export interface Collection {
  id: string;
  extent?: { spatial?: { bbox?: number[][] } };
}

export interface MapConfig {
  basemap: null | { kind: 'xyz' | 'wms' | 'style'; url: string; attribution?: string };
}

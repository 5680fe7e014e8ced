// What the page reads from the API. The bodies /api declares exactly (components/schemas) are
// taken from the types generated from it (tests/web/typecheck.mjs), so a change of the API
// that the page does not follow fails the type check; features stay generic here because one
// panel shows the properties of every collection, and are checked against the generated ones
// below.
import type { components } from 'rootzone-api-types';

type Schemas = components['schemas'];

export type Role = 'public' | 'field_staff' | 'planner' | 'contractor' | 'admin';

export type Me = Schemas['Me'];

export type Properties = Record<string, unknown>;

export interface Feature {
  type: 'Feature';
  id: number | string;
  geometry: { type: string; coordinates?: unknown } | null; // a GeometryCollection has none
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

export type MapConfig = Schemas['MapConfig'];

// One step of a work's lifecycle as the history, status and review answers give it.
export type StatusChange = Schemas['StatusChange'];

// Every collection's generated feature is one the generic Feature can hold: fails to compile
// when the API's features change shape under the page.
type Holds<T extends Feature> = T;
export type CheckedFeatures = [
  Holds<Schemas['TreeFeature']>,
  Holds<Schemas['WorkFeature']>,
  Holds<Schemas['ConflictFeature']>,
];

// The two queries behind the field lists, each in one function: OGC API Features Part 3's
// `filter` (CQL2 text) on /collections/trees/items, the neighbourhood as S_DWITHIN around the
// phone's position (metres of the store CRS), sorted here by true distance.
import { itemsPath } from '../api/paths';
import type { Feature, FeatureCollection } from '../api/types';
import { cacheTrees } from '../offline/tree_cache';
import { api } from '../shell/session';
import { distance, type Position } from './position';

export interface NearTree {
  feature: Feature;
  metres: number;
}

// More than a phone's list shows; a busy city block within 250 m holds a few hundred trees.
const limit = 1000;

function around(p: Position, metres: number): string {
  return `S_DWITHIN(geometry, POINT(${p.lon.toFixed(7)} ${p.lat.toFixed(7)}), ${Math.round(metres)}, meters)`;
}

async function fetchSorted(p: Position, filter: string, signal?: AbortSignal): Promise<NearTree[]> {
  const query = new URLSearchParams({ filter, 'filter-lang': 'cql2-text', limit: String(limit) });
  const { body } = await api.get<FeatureCollection>(itemsPath('trees'), query, signal);
  void cacheTrees(body.features);
  return body.features
    .filter((f) => f.geometry?.type === 'Point')
    .map((f) => {
      const [lon, lat] = f.geometry!.coordinates as [number, number];
      return { feature: f, metres: distance(p, { lon, lat }) };
    })
    .sort((a, b) => a.metres - b.metres || Number(a.feature.id) - Number(b.feature.id));
}

export function treesNear(p: Position, metres: number, signal?: AbortSignal): Promise<NearTree[]> {
  return fetchSorted(p, around(p, metres), signal);
}

// Due: next_inspection on or before `until` ("YYYY-MM-DD"); felled trees are inspected no more.
export async function treesDue(p: Position, metres: number, until: string, signal?: AbortSignal): Promise<NearTree[]> {
  const filter = `${around(p, metres)} AND next_inspection <= DATE('${until}') AND status <> 'felled'`;
  return fetchSorted(p, filter, signal);
}

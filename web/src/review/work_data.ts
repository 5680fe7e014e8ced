// Everything a work's review shows, read with the planner's key: the work (with its ETag for
// If-Match), its stored conflicts and clashes, its history, the conflicting trees' attributes
// and the clashing works' reference and organisation.
import { apiPath } from '../api/client';
import { itemPath, itemsPath } from '../api/paths';
import type { Feature, FeatureCollection, StatusChange } from '../api/types';
import { api } from '../shell/session';
import { isSeverity, type Severity } from './severity';

export interface TreeConflict {
  id: number;
  treeId: number;
  severity: Severity;
  rule: string;
  minDistance: number;
  overlapShare: number;
  acknowledged: boolean;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  acknowledgementComment?: string;
  lonLat: [number, number] | null;
  tree?: Feature; // its attributes, when the tree could be read
}

export interface Clash {
  id: number;
  otherWorkId: number;
  distance: number;
  overlapStart: string;
  overlapEnd: string;
  acknowledged: boolean;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  acknowledgementComment?: string;
  other?: Feature;
}

export type HistoryEntry = StatusChange;

export interface WorkReview {
  work: Feature;
  etag: string | undefined;
  conflicts: TreeConflict[];
  clashes: Clash[];
  history: HistoryEntry[];
}

type Json = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

function treeConflict(f: Feature): TreeConflict | null {
  const p = f.properties;
  if (!isSeverity(p.severity)) return null;
  const c = f.geometry?.coordinates;
  const lonLat = Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number' ? ([c[0], c[1]] as [number, number]) : null;
  return {
    id: Number(f.id),
    treeId: num(p.tree_id),
    severity: p.severity,
    rule: str(p.rule) ?? '',
    minDistance: num(p.min_distance_m),
    overlapShare: num(p.overlap_share),
    acknowledged: p.acknowledged === true,
    acknowledgedBy: str(p.acknowledged_by),
    acknowledgedAt: str(p.acknowledged_at),
    acknowledgementComment: str(p.acknowledgement_comment),
    lonLat,
  };
}

function clash(c: Json): Clash {
  return {
    id: num(c.id),
    otherWorkId: num(c.other_work_id),
    distance: num(c.distance_m),
    overlapStart: str(c.overlap_start) ?? '',
    overlapEnd: str(c.overlap_end) ?? '',
    acknowledged: c.acknowledged === true,
    acknowledgedBy: str(c.acknowledged_by),
    acknowledgedAt: str(c.acknowledged_at),
    acknowledgementComment: str(c.acknowledgement_comment),
  };
}

const rank: Record<Severity, number> = { critical: 0, high: 1, medium: 2 };

// The trees of the conflicts in one request: the bounding box of their stems (the conflicts
// carry the locations), the ids picked from the answer; a tree not in it is read on its own.
async function readTrees(conflicts: TreeConflict[]): Promise<Map<number, Feature>> {
  const out = new Map<number, Feature>();
  const located = conflicts.filter((c) => c.lonLat);
  if (located.length > 0) {
    const lons = located.map((c) => c.lonLat![0]);
    const lats = located.map((c) => c.lonLat![1]);
    const pad = 1e-6;
    const q = new URLSearchParams({
      bbox: [Math.min(...lons) - pad, Math.min(...lats) - pad, Math.max(...lons) + pad, Math.max(...lats) + pad].join(','),
      limit: '1000',
    });
    const { body } = await api.get<FeatureCollection>(itemsPath('trees'), q);
    for (const f of body.features) out.set(Number(f.id), f);
  }
  const missing = [...new Set(conflicts.map((c) => c.treeId))].filter((id) => !out.has(id));
  const read = await Promise.all(missing.map((id) => api.get<Feature>(itemPath('trees', id)).then((r) => r.body)));
  for (const f of read) out.set(Number(f.id), f);
  return out;
}

export async function loadReview(id: number): Promise<WorkReview> {
  const [work, stored, history] = await Promise.all([
    api.get<Feature>(itemPath('works', id)),
    api.get<{ conflicts: { trees: Feature[]; works: Json[] } }>(apiPath('/collections/works/items/{featureId}/conflicts', { featureId: id })),
    api.get<{ history: HistoryEntry[] }>(apiPath('/collections/works/items/{featureId}/history', { featureId: id })),
  ]);
  const conflicts = stored.body.conflicts.trees
    .map(treeConflict)
    .filter((c): c is TreeConflict => c !== null)
    .sort((a, b) => rank[a.severity] - rank[b.severity] || a.minDistance - b.minDistance || a.id - b.id);
  const clashes = stored.body.conflicts.works.map(clash).sort((a, b) => a.overlapStart.localeCompare(b.overlapStart) || a.id - b.id);
  const [trees, others] = await Promise.all([
    readTrees(conflicts),
    Promise.all(
      [...new Set(clashes.map((c) => c.otherWorkId))].map((w) =>
        api.get<Feature>(itemPath('works', w)).then((r) => r.body),
      ),
    ),
  ]);
  for (const c of conflicts) c.tree = trees.get(c.treeId);
  for (const c of clashes) c.other = others.find((o) => Number(o.id) === c.otherWorkId);
  return { work: work.body, etag: work.etag, conflicts, clashes, history: history.body.history };
}

// The trees this phone last read (from the field lists, a tree's panel or a write's answer),
// with the ETag they were read at: offline, a tree's panel and its forms open from here, and an
// edit made offline names this ETag as the version it was made against.
import type { Feature, Properties } from '../api/types';
import { run, treeStore } from './db';

export interface CachedTree {
  id: number;
  feature: Feature;
  etag: string;
  pending?: boolean; // shows values of a write still in the outbox
}

export function treeEtag(f: Feature): string {
  return `"tree-${String(f.id)}-v${String(f.properties.version ?? 0)}"`;
}

export async function cacheTree(feature: Feature, etag = treeEtag(feature)): Promise<void> {
  try {
    await run(treeStore, 'readwrite', (s) => s.put({ id: Number(feature.id), feature, etag } satisfies CachedTree));
  } catch {
    // No IndexedDB (private mode): the page still works online.
  }
}

export async function cacheTrees(features: Feature[]): Promise<void> {
  for (const f of features) await cacheTree(f);
}

export async function cachedTree(id: number): Promise<CachedTree | undefined> {
  try {
    return (await run(treeStore, 'readonly', (s) => s.get(id) as IDBRequest<CachedTree | undefined>)) ?? undefined;
  } catch {
    return undefined;
  }
}

// A write queued offline: the phone shows the tree with the user's values (marked pending) and
// keeps the ETag it was made against.
export async function cachePending(id: number, props: Properties): Promise<void> {
  const c = await cachedTree(id);
  if (!c) return;
  c.feature = { ...c.feature, properties: { ...c.feature.properties, ...props } };
  c.pending = true;
  await run(treeStore, 'readwrite', (s) => s.put(c));
}

// The paths the page reads, each checked by tsc against the OpenAPI document of /api
// (apiPath's template must be one of its paths): a path the API drops fails the type check.
import { apiPath } from './client';

export type CollectionId = 'trees' | 'works';

export function collectionPath(c: CollectionId): string {
  return c === 'trees' ? apiPath('/collections/trees') : apiPath('/collections/works');
}

export function itemsPath(c: CollectionId): string {
  return c === 'trees' ? apiPath('/collections/trees/items') : apiPath('/collections/works/items');
}

export function itemPath(c: CollectionId, id: number | string): string {
  return c === 'trees'
    ? apiPath('/collections/trees/items/{featureId}', { featureId: id })
    : apiPath('/collections/works/items/{featureId}', { featureId: id });
}

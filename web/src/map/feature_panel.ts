// A tree's or work's attributes as the API gives them to this caller (GET .../items/{id} with
// the caller's key): the public, field staff, a contractor and a planner may see different
// properties. Actions (edit, inspect, fell: web/src/field/) are offered by registerAction for
// the roles that may take them; the public gets none.
import { ApiError } from '../api/client';
import { itemPath } from '../api/paths';
import type { Feature, Role } from '../api/types';
import { formatDate, formatNumber, hasKey, t } from '../i18n/i18n';
import { el } from '../shell/dom';
import { openPanel, panelLoading, setPanelBody } from '../shell/panel';
import { api, currentRole } from '../shell/session';

export type Collection = 'trees' | 'works';

export interface FeatureAction {
  id: string;
  collection: Collection;
  roles: Role[];
  label: () => string;
  // Offered only for the features it holds for (a contractor's own works); none: all.
  when?: (feature: Feature) => boolean;
  // The feature as read, with the ETag to send as If-Match.
  run(feature: Feature, etag: string | undefined): void;
}

const actions: FeatureAction[] = [];

export function registerAction(a: FeatureAction): void {
  actions.push(a);
}

// Shown first, in this order; the rest follow as the API lists them.
const order = [
  'source_id', 'reference', 'title', 'species_german', 'species_botanical', 'genus', 'site', 'district',
  'status', 'protected', 'protection_reason', 'stem_circumferences_cm', 'crown_diameter_m', 'height_m',
  'planting_year', 'vitality', 'development_phase', 'last_inspection', 'next_inspection', 'felled_on',
  'kind', 'contractor', 'contact', 'starts_at', 'ends_at', 'radius_m', 'width_m', 'depth_m',
];

export function titleOf(collection: Collection, f: Feature): string {
  const p = f.properties;
  return collection === 'trees'
    ? t('panel.tree', { number: String(p.source_id ?? f.id) })
    : t('panel.work', { reference: String(p.reference ?? f.id) });
}

function valueText(key: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return t('value.none');
  if (typeof v === 'boolean') return v ? t('value.yes') : t('value.no');
  if (typeof v === 'number') return key === 'planting_year' || key === 'version' ? String(v) : formatNumber(v);
  if (Array.isArray(v)) return v.map((x) => valueText(key, x)).join(', ');
  if (typeof v === 'string') {
    // Values the API writes as codes are said in words: status, kind of work, source of protection.
    const codeKey = `${key === 'status' ? 'status' : key}.${v}`;
    if (['status', 'kind', 'protection_source'].includes(key) && hasKey(codeKey)) return t(codeKey);
    if (/(_at|_on|inspection)$/.test(key)) return formatDate(v);
    return v;
  }
  return JSON.stringify(v);
}

function attributes(f: Feature): HTMLElement {
  const keys = Object.keys(f.properties);
  keys.sort((a, b) => rank(a) - rank(b));
  const dl = el('dl', { class: 'attributes' });
  for (const k of keys) {
    const v = f.properties[k];
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) continue;
    const labelKey = `field.${k}`;
    dl.append(
      el('div', { class: 'attribute', 'data-field': k }, el('dt', {}, hasKey(labelKey) ? t(labelKey) : k), el('dd', {}, valueText(k, v))),
    );
  }
  return dl;
}

function rank(key: string): number {
  const i = order.indexOf(key);
  return i < 0 ? order.length : i;
}

// Offline, a tree's panel opens from the copy the field screens kept (web/src/field/field.ts).
type Fallback = (c: Collection, id: number | string) => Promise<{ body: Feature; etag?: string; pending?: boolean } | null>;
let fallback: Fallback | null = null;

export function setFeatureFallback(f: Fallback): void {
  fallback = f;
}

async function readFeature(collection: Collection, id: number | string): Promise<{ body: Feature; etag?: string; pending?: boolean }> {
  const kept = !navigator.onLine && fallback ? await fallback(collection, id) : null;
  if (kept) return kept;
  try {
    return await api.get<Feature>(itemPath(collection, id));
  } catch (e) {
    const copy = e instanceof ApiError && e.status === 0 && fallback ? await fallback(collection, id) : null;
    if (copy) return copy;
    throw e;
  }
}

export async function showFeature(collection: Collection, id: number | string): Promise<void> {
  const fallbackTitle = collection === 'trees' ? t('panel.tree', { number: String(id) }) : t('panel.work', { reference: String(id) });
  panelLoading(fallbackTitle);
  try {
    const { body, etag, pending } = await readFeature(collection, id);
    const role = currentRole();
    const buttons = actions
      .filter((a) => a.collection === collection && a.roles.includes(role) && (a.when?.(body) ?? true))
      .map((a) => {
        const b = el('button', { type: 'button', class: 'primary-button', 'data-action': a.id }, a.label());
        b.addEventListener('click', () => a.run(body, etag));
        return b;
      });
    const content = el('div', { class: 'feature', 'data-collection': collection, 'data-id': String(body.id) }, attributes(body));
    if (pending) content.prepend(el('p', { class: 'pending-note', role: 'note' }, t('outbox.pendingNote')));
    if (buttons.length > 0) content.append(el('div', { class: 'feature-actions' }, ...buttons));
    openPanel(titleOf(collection, body), content);
  } catch (e) {
    const detail = e instanceof ApiError ? e.detail || e.title : String(e);
    setPanelBody(el('p', { class: 'field-error', role: 'alert' }, t('panel.failed', { detail })));
  }
}

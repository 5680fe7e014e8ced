// A 412 on saving an edit: someone changed the work since the user opened it. The panel shows,
// field by field, the version the user edited, the version stored now, and the user's own
// value; "redo" opens the editor on the new version with the user's changes put back on it
// (the user reviews and saves again, with the new ETag), "discard" shows the work as stored.
import { ApiError } from '../api/client';
import { itemPath } from '../api/paths';
import type { MessageKey } from '../i18n/catalogue';
import { formatNumber, hasKey, locale, t } from '../i18n/i18n';
import { el } from '../shell/dom';
import { openPanel, setPanelBody } from '../shell/panel';
import { api } from '../shell/session';
import { berlinDateTime } from '../i18n/berlin_time';
import type { Geometry } from './draw';
import { differences, type ComparedField, type WorkFeature, type WorkProps } from './work_body';
import { openWorkEditor } from './work_form';
import { showWork } from './work_page';

const labels: Record<ComparedField, MessageKey> = {
  reference: 'field.reference',
  title: 'field.title',
  kind: 'field.kind',
  contact: 'field.contact',
  starts_at: 'field.starts_at',
  ends_at: 'field.ends_at',
  depth_m: 'field.depth_m',
  width_m: 'field.width_m',
  radius_m: 'field.radius_m',
  geometry: 'works.geometry',
};

function shown(field: ComparedField, w: WorkFeature): string {
  if (field === 'geometry') return t('works.geometryOf', { type: w.geometry.type });
  const v = w.properties[field];
  if (v === null || v === undefined || v === '') return t('value.none');
  if (typeof v === 'number') return `${formatNumber(v)} m`;
  if (field === 'starts_at' || field === 'ends_at') return berlinDateTime(String(v), locale());
  if (field === 'kind' && hasKey(`kind.${v}`)) return t(`kind.${v}` as MessageKey);
  return String(v);
}

export async function openEditConflict(base: WorkFeature, mine: { geometry: Geometry; props: WorkProps }): Promise<void> {
  openPanel(t('works.conflictTitle', { reference: base.properties.reference }), el('p', { class: 'muted' }, t('panel.loading')));
  let current: WorkFeature;
  let etag: string;
  try {
    const res = await api.get<WorkFeature>(itemPath('works', base.id));
    current = res.body;
    etag = res.etag ?? '';
  } catch (e) {
    const detail = e instanceof ApiError ? e.detail || e.title : String(e);
    setPanelBody(el('p', { class: 'field-error', role: 'alert' }, t('panel.failed', { detail })));
    return;
  }
  const mineFeature: WorkFeature = { ...base, geometry: mine.geometry, properties: { ...base.properties, ...mine.props } };
  const theirs = differences(base, current);
  const yours = differences(base, mineFeature);
  const fields = [...new Set([...theirs, ...yours])];
  const table = el('table', { class: 'edit-diff', id: 'work-diff' },
    el('caption', { class: 'visually-hidden' }, t('works.diffCaption')),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, t('works.diffField')),
      el('th', { scope: 'col' }, t('works.diffBase', { v: base.properties.version })),
      el('th', { scope: 'col' }, t('works.diffNow', { v: current.properties.version })),
      el('th', { scope: 'col' }, t('works.diffYours')))),
  );
  const tbody = el('tbody');
  for (const f of fields) {
    const both = theirs.includes(f) && yours.includes(f);
    const tr = el('tr', { 'data-field': f, 'data-changed-by': both ? 'both' : theirs.includes(f) ? 'server' : 'you' },
      el('th', { scope: 'row' }, t(labels[f])),
      el('td', {}, shown(f, base)),
      el('td', { class: theirs.includes(f) ? 'changed' : '' }, shown(f, current)),
      el('td', { class: yours.includes(f) ? 'changed' : '' }, yours.includes(f) ? shown(f, mineFeature) : t('works.diffUnchanged')));
    tbody.append(tr);
  }
  table.append(tbody);
  const redo = el('button', { type: 'button', class: 'primary-button', id: 'work-redo' }, t('works.redo'));
  const discard = el('button', { type: 'button', class: 'text-button', id: 'work-discard' }, t('works.discard'));
  redo.addEventListener('click', () => {
    const values: Partial<WorkProps> = {};
    for (const f of yours) if (f !== 'geometry') (values as Record<string, unknown>)[f] = mine.props[f];
    openWorkEditor({ mode: 'edit', base: current, etag, values, ...(yours.includes('geometry') ? { geometry: mine.geometry } : {}) });
  });
  discard.addEventListener('click', () => void showWork(current.id));
  const status = current.properties.status;
  const stillEditable = status === 'draft' || status === 'changes_requested';
  const body = el('div', { class: 'edit-conflict', id: 'work-edit-conflict' },
    el('p', { role: 'alert' }, t('works.conflictExplain', { v: current.properties.version })),
    // A narrow panel scrolls the table sideways: reachable by keyboard, named for readers.
    el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('works.diffCaption') }, table),
  );
  if (!stillEditable) body.append(el('p', { class: 'form-summary' }, t('works.noLongerEditable', { status: t(`status.${status}` as MessageKey) })));
  body.append(el('div', { class: 'form-actions' }, discard, ...(stillEditable ? [redo] : [])));
  openPanel(t('works.conflictTitle', { reference: current.properties.reference }), body);
}

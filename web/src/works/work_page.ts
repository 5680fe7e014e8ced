// A work's page, in the panel: what it is, its status, its conflicts (also on the map), its
// history (every status change: who, when in Berlin time, comment, conditions) and what its
// contractor may do now: edit while a draft or changes were requested, submit a draft, submit
// again after changes were requested, cancel (after a confirmation).
import { ApiError, apiPath } from '../api/client';
import { itemPath } from '../api/paths';
import { confirmDialog } from '../field/felling_form';
import type { MessageKey } from '../i18n/catalogue';
import { formatNumber, hasKey, locale, t } from '../i18n/i18n';
import { theMap } from '../map/map_screen';
import { el } from '../shell/dom';
import { bus } from '../shell/events';
import { openPanel, panelLoading, setPanelBody } from '../shell/panel';
import { api } from '../shell/session';
import type { StatusChange } from '../api/types';
import { berlinDateTime } from '../i18n/berlin_time';
import { conflictList, type Conflicts } from './conflicts';
import { clearConflicts, showConflicts, treeNumbersOnMap } from './overlay';
import type { WorkFeature } from './work_body';
import { openWorkEditor } from './work_form';


const editable = ['draft', 'changes_requested'];
const cancellable = ['draft', 'submitted', 'changes_requested', 'approved'];

export interface ShowOptions {
  answer?: WorkFeature; // the write's answer, with its conflicts
  etag?: string;
  just?: 'draft' | 'submitted' | 'saved' | 'cancelled' | 'resubmitted';
  note?: string;
}

function statusText(s: string): string {
  const key = `status.${s}`;
  return hasKey(key) ? t(key) : s;
}

function row(label: string, value: string, field: string): HTMLElement {
  return el('div', { class: 'attribute', 'data-field': field }, el('dt', {}, label), el('dd', {}, value));
}

function attributes(w: WorkFeature): HTMLElement {
  const p = w.properties;
  const none = t('value.none');
  const m = (v: number | null | undefined) => (v === null || v === undefined ? none : formatNumber(v));
  const kindKey = `kind.${p.kind}`;
  const rows = [
    row(t('field.reference'), p.reference, 'reference'),
    row(t('field.title'), p.title, 'title'),
    row(t('field.kind'), hasKey(kindKey) ? t(kindKey) : p.kind, 'kind'),
    row(t('field.contractor'), p.contractor || none, 'contractor'),
    row(t('field.contact'), p.contact || none, 'contact'),
    row(t('field.starts_at'), berlinDateTime(p.starts_at, locale()), 'starts_at'),
    row(t('field.ends_at'), berlinDateTime(p.ends_at, locale()), 'ends_at'),
  ];
  if (p.width_m !== null && p.width_m !== undefined) rows.push(row(t('field.width_m'), m(p.width_m), 'width_m'));
  if (p.radius_m !== null && p.radius_m !== undefined) rows.push(row(t('field.radius_m'), m(p.radius_m), 'radius_m'));
  rows.push(row(t('field.depth_m'), m(p.depth_m), 'depth_m'), row(t('field.version'), String(p.version), 'version'));
  return el('dl', { class: 'attributes' }, ...rows);
}

function history(changes: StatusChange[]): HTMLElement {
  const list = el('ol', { class: 'work-history', id: 'work-history' });
  for (const c of changes) {
    const parts: Node[] = [
      el('strong', {}, statusText(c.to)),
      el('span', { class: 'muted' }, t('works.historyBy', { user: c.user, at: berlinDateTime(c.at, locale()) })),
    ];
    if (c.comment) parts.push(el('span', { class: 'history-comment' }, t('works.historyComment', { text: c.comment })));
    if (c.conditions) parts.push(el('span', { class: 'history-conditions' }, t('works.historyConditions', { text: c.conditions })));
    list.append(el('li', { 'data-to': c.to, 'data-change-id': String(c.id) }, ...parts));
  }
  return el('section', { class: 'work-history-section', 'aria-labelledby': 'work-history-title' }, el('h3', { id: 'work-history-title' }, t('works.history')), list);
}

function justSaid(just: NonNullable<ShowOptions['just']>): MessageKey {
  return `works.just.${just}`;
}

export async function showWork(id: number, options: ShowOptions = {}): Promise<void> {
  const title = t('panel.work', { reference: options.answer?.properties.reference ?? String(id) });
  panelLoading(title);
  try {
    const [item, conflicts, changes] = await Promise.all([
      api.get<WorkFeature>(itemPath('works', id)),
      options.answer?.conflicts
        ? Promise.resolve(options.answer.conflicts)
        : api.get<{ conflicts: Conflicts }>(apiPath('/collections/works/items/{featureId}/conflicts', { featureId: id })).then((r) => r.body.conflicts),
      api.get<{ history: StatusChange[] }>(apiPath('/collections/works/items/{featureId}/history', { featureId: id })).then((r) => r.body.history),
    ]);
    const work = item.body;
    const etag = item.etag ?? options.etag ?? '';
    const map = theMap();
    const s = work.properties.status;
    const content = el('div', { class: 'work-page', id: 'work-page', 'data-work-id': String(work.id), 'data-status': s });
    if (options.just) content.append(el('p', { class: 'work-saved', id: 'work-saved', role: 'status' }, t(justSaid(options.just))));
    if (options.note) content.append(el('p', { class: 'form-summary', role: 'alert', id: 'work-note' }, options.note));
    content.append(
      el('p', { class: 'work-status' }, `${t('field.status')}: `, el('span', { class: `status-badge status-${s}`, id: 'work-status', 'data-status': s }, statusText(s))),
      attributes(work),
      conflictList(conflicts, 'work-conflicts', map ? treeNumbersOnMap(map) : undefined),
      history(changes),
    );
    const buttons: HTMLElement[] = [];
    const button = (id: string, key: MessageKey, cls: string, run: () => void) => {
      const b = el('button', { type: 'button', class: cls, id }, t(key));
      b.addEventListener('click', run);
      buttons.push(b);
    };
    button('work-zoom', 'panel.zoomTo', 'text-button', () => zoomTo(work));
    if (editable.includes(s)) button('work-edit', 'works.edit', 'primary-button', () => openWorkEditor({ mode: 'edit', base: work, etag }));
    if (s === 'draft') button('work-submit-draft', 'works.submitDraft', 'primary-button', () => void move(work, etag, 'submitted', 'submitted'));
    if (s === 'changes_requested') button('work-resubmit', 'works.resubmit', 'primary-button', () => void move(work, etag, 'submitted', 'resubmitted'));
    if (cancellable.includes(s)) button('work-cancel', 'works.cancel', 'text-button danger-text', () => void cancelWork(work, etag));
    content.append(el('div', { class: 'feature-actions' }, ...buttons));
    openPanel(t('panel.work', { reference: work.properties.reference }), content, () => {
      if (map) clearConflicts(map);
    });
    if (map) void showConflicts(map, conflicts.trees);
  } catch (e) {
    const detail = e instanceof ApiError ? e.detail || e.title : String(e);
    setPanelBody(el('p', { class: 'field-error', role: 'alert' }, t('panel.failed', { detail })));
  }
}

function zoomTo(work: WorkFeature): void {
  const map = theMap();
  if (!map) return;
  const flat = JSON.stringify(work.geometry.coordinates).match(/-?\d+(\.\d+)?(e-?\d+)?/g)?.map(Number) ?? [];
  const xs = flat.filter((_, i) => i % 2 === 0);
  const ys = flat.filter((_, i) => i % 2 === 1);
  if (xs.length === 0) return;
  map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { padding: 80, maxZoom: 19, duration: 0 });
}

async function move(work: WorkFeature, etag: string, to: string, just: 'submitted' | 'resubmitted'): Promise<void> {
  try {
    await api.request(apiPath('/collections/works/items/{featureId}/status', { featureId: work.id }), { method: 'POST', body: { to }, ifMatch: etag });
    bus.emit('data-changed', { collection: 'works', id: work.id });
    await showWork(work.id, { just });
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    await showWork(work.id, { note: refusal(e) });
  }
}

async function cancelWork(work: WorkFeature, etag: string): Promise<void> {
  const reference = work.properties.reference;
  const yes = await confirmDialog(t('works.cancelTitle', { reference }), t('works.cancelText', { reference }), t('works.cancelYes'));
  if (!yes) return;
  try {
    await api.request(itemPath('works', work.id), { method: 'DELETE', ifMatch: etag });
    bus.emit('data-changed', { collection: 'works', id: work.id });
    await showWork(work.id, { just: 'cancelled' });
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    await showWork(work.id, { note: refusal(e) });
  }
}

function refusal(e: ApiError): string {
  if (e.status === 412) return t('works.changedMeanwhile');
  if (e.status === 409) return t('works.notNow', { detail: e.detail });
  if (e.status === 0) return t('error.network');
  return `${e.title}: ${e.detail}`;
}

// A write refused with 412 (someone changed the tree since the user's version) is no error
// dialog: the tree's current values beside the user's, per field "keep mine" or "take the
// server's", then the write goes again with the current ETag. For a felling there is nothing
// to merge field by field: the user confirms it against the current tree or drops it.
import { ApiError } from '../api/client';
import { itemPath } from '../api/paths';
import type { Feature } from '../api/types';
import { hasKey, t } from '../i18n/i18n';
import { el } from '../shell/dom';
import { openPanel, setPanelBody } from '../shell/panel';
import { api } from '../shell/session';
import { showScreen } from '../shell/shell';
import type { Entry } from '../offline/outbox';
import { cacheTree } from '../offline/tree_cache';
import { shownValue } from './values';
import { outbox } from './write';

function fieldLabel(k: string): string {
  const key = `field.${k}`;
  return hasKey(key) ? t(key) : k;
}

export async function openMergeView(entry: Entry): Promise<void> {
  const title = t('merge.title', { number: entry.treeNumber });
  showScreen('map'); // the panel lives on the map's stage
  openPanel(title, el('p', { class: 'muted' }, t('panel.loading')));
  let current: Feature;
  let etag: string;
  try {
    const res = await api.get<Feature>(itemPath('trees', entry.treeId));
    current = res.body;
    etag = res.etag ?? '';
    await cacheTree(current, etag);
  } catch (e) {
    const detail = e instanceof ApiError ? e.detail || e.title : String(e);
    setPanelBody(el('p', { class: 'field-error', role: 'alert' }, t('panel.failed', { detail })));
    return;
  }
  const mine = (entry.body.properties ?? {}) as Record<string, unknown>;
  const form = el('form', { class: 'field-form merge-view', id: 'merge-form' });
  form.append(el('p', {}, entry.kind === 'edit' ? t('merge.explain') : t('merge.explainFelling')));
  for (const k of Object.keys(mine)) {
    const name = `merge-${k}`;
    const serverValue = shownValue(k, current.properties[k]);
    const myValue = shownValue(k, mine[k]);
    const keep = el('input', { type: 'radio', name, value: 'mine', id: `${name}-mine` });
    keep.checked = true;
    const take = el('input', { type: 'radio', name, value: 'server', id: `${name}-server` });
    form.append(
      el(
        'fieldset',
        { class: 'merge-field', 'data-field': k },
        el('legend', {}, fieldLabel(k)),
        el('label', { class: 'choice', for: keep.id }, keep, el('span', {}, t('merge.keepMine'), ' ', el('strong', { class: 'merge-mine' }, myValue))),
        el('label', { class: 'choice', for: take.id }, take, el('span', {}, t('merge.takeServer'), ' ', el('strong', { class: 'merge-server' }, serverValue))),
      ),
    );
  }
  const drop = el('button', { type: 'button', class: 'text-button' }, t('merge.discard'));
  const send = el('button', { type: 'submit', class: 'primary-button' }, entry.kind === 'felling' ? t('felling.confirmYes') : t('merge.send'));
  form.append(el('div', { class: 'form-actions' }, drop, send));
  drop.addEventListener('click', () => {
    if (entry.seq !== undefined) void outbox.discard(entry.seq).then(() => outbox.retryNow());
    setPanelBody(el('p', { role: 'status' }, t('merge.discarded')));
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (entry.seq === undefined) return;
    const kept: Record<string, unknown> = {};
    for (const k of Object.keys(mine)) {
      const choice = form.querySelector<HTMLInputElement>(`input[name="merge-${k}"]:checked`);
      if (choice?.value === 'mine') kept[k] = mine[k];
    }
    setPanelBody(el('p', { role: 'status', 'data-merging': String(entry.treeId) }, t('merge.sending')));
    if (entry.kind === 'edit' && Object.keys(kept).length === 0) {
      void outbox.discard(entry.seq).then(() => outbox.retryNow());
      return;
    }
    const body = entry.kind === 'edit' ? { properties: kept } : entry.body;
    const base = Object.fromEntries(Object.keys(kept).map((k) => [k, current.properties[k] ?? null]));
    void outbox.resolve(entry.seq, body, etag, base);
  });
  setPanelBody(form);
  form.querySelector<HTMLInputElement>('input')?.focus();
}

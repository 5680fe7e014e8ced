// The field staff's part of the page: the two list screens, the tree panel's actions (edit,
// inspection, felling), the outbox with its bar, and the trees kept for offline use. main.ts
// calls initField once, after the shell is up.
import type { Feature, Role } from '../api/types';
import { t } from '../i18n/i18n';
import { registerAction, setFeatureFallback, showFeature } from '../map/feature_panel';
import { cachedTree, cacheTree } from '../offline/tree_cache';
import { byId } from '../shell/dom';
import { bus } from '../shell/events';
import { registerScreen } from '../shell/shell';
import { dueScreen } from './due_screen';
import { openEditForm } from './edit_form';
import { openFellingForm } from './felling_form';
import { openInspectionForm } from './inspection_form';
import { openMergeView } from './merge_view';
import { nearScreen } from './near_screen';
import { initOutboxBar, renderOutboxBar } from './outbox_bar';
import { outbox } from './write';

const writers: Role[] = ['field_staff', 'admin'];

function withCache(open: (f: Feature, etag: string | undefined) => void) {
  return (f: Feature, etag: string | undefined) => {
    if (etag) void cacheTree(f, etag);
    open(f, etag);
  };
}

// The panel on screen still shows this tree (not a form): show it as stored now.
function panelShows(id: number): boolean {
  const body = byId('panel-body');
  if (byId('panel').hidden) return false;
  return body.querySelector(`.feature[data-id="${id}"], [data-merging="${id}"]`) !== null;
}

export function initField(): void {
  registerScreen(nearScreen());
  registerScreen(dueScreen());
  registerAction({ id: 'edit', collection: 'trees', roles: writers, label: () => t('action.edit'), run: withCache(openEditForm) });
  registerAction({ id: 'inspect', collection: 'trees', roles: writers, label: () => t('action.inspect'), run: withCache(openInspectionForm) });
  registerAction({
    id: 'fell',
    collection: 'trees',
    roles: writers,
    label: () => t('action.fell'),
    run: withCache(openFellingForm),
  });
  // Offline, a tree's panel opens from what the phone read last (with the writes still waiting).
  setFeatureFallback(async (collection, id) => {
    if (collection !== 'trees') return null;
    const c = await cachedTree(Number(id));
    return c ? { body: c.feature, etag: c.etag, pending: c.pending === true } : null;
  });
  initOutboxBar();
  outbox.onSent = (e, feature, etag) => {
    if (feature && etag) void cacheTree(feature, etag);
    bus.emit('data-changed', { collection: 'trees', id: e.treeId });
    if (panelShows(e.treeId)) void showFeature('trees', e.treeId);
  };
  outbox.onConflict = (e) => void openMergeView(e);
  window.addEventListener('online', () => outbox.retryNow());
  bus.on('session-changed', ({ me }) => {
    renderOutboxBar();
    if (me) outbox.retryNow();
  });
  // What an earlier visit left in the outbox goes out now (if signed in and online).
  outbox
    .load()
    .then(() => outbox.retryNow())
    .catch(() => undefined);
}

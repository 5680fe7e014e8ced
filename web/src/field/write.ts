// One way out for every field write: the outbox (web/src/offline/outbox.ts), online or not. The
// form that made the write waits for what became of it: landed (the panel shows the tree as
// stored now), refused (the reasons at their fields), a conflict (the merge view takes over),
// or kept for later (offline, server away, key expired: said so, nothing lost).
import type { Feature, Properties } from '../api/types';
import { t } from '../i18n/i18n';
import { showFeature } from '../map/feature_panel';
import { Outbox, type Entry } from '../offline/outbox';
import { cachePending } from '../offline/tree_cache';
import { notify } from '../shell/notice';
import { api, currentUser } from '../shell/session';
import type { FormKit } from './form_kit';
import { fieldProblem } from './problems';

export const outbox = new Outbox({
  request: (path, o) => api.request(path, { method: o.method, body: o.body, ifMatch: o.ifMatch }),
  signedIn: () => currentUser()?.name ?? null,
});

export async function submitWrite(
  kit: FormKit,
  feature: Feature,
  entry: Omit<Entry, 'seq' | 'state' | 'createdAt'>,
  shown: Properties, // what the tree shows meanwhile when the write has to wait
): Promise<void> {
  const submit = kit.form.querySelector<HTMLButtonElement>('button[type=submit]');
  if (submit) submit.disabled = true;
  kit.clearErrors();
  try {
    const { seq, outcome } = await outbox.submit(entry);
    switch (outcome.kind) {
      case 'sent':
        notify(t(`written.${entry.kind}`, { number: entry.treeNumber }));
        await showFeature('trees', feature.id);
        return;
      case 'refused':
        // The form is still open: its fields take the reasons, and the entry is the form's again.
        await outbox.discard(seq);
        kit.show([fieldProblem(outcome.error)]);
        return;
      case 'conflict':
        return; // the merge view (merge_view.ts) has the panel now
      case 'queued':
        await cachePending(entry.treeId, shown);
        notify(t(`queued.${outcome.why}`, { n: outbox.pending() }));
        await showFeature('trees', feature.id);
        return;
    }
  } catch (e) {
    kit.show([{ field: null, text: t('outbox.storageFailed', { detail: e instanceof Error ? e.message : String(e) }) }]);
  } finally {
    if (submit?.isConnected) submit.disabled = false;
  }
}

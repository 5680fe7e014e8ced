// Marking a tree felled: date and reason (both kept as evidence), confirmed in a dialog first
// because a felled tree stays felled (the API refuses to revive it). POST .../felling with the
// If-Match of the version the panel showed.
import type { Feature } from '../api/types';
import { t } from '../i18n/i18n';
import { showFeature } from '../map/feature_panel';
import { el } from '../shell/dom';
import { openPanel } from '../shell/panel';
import { currentUser } from '../shell/session';
import { berlinDate } from './due_screen';
import { FormKit } from './form_kit';
import type { FieldProblem } from './problems';
import { submitWrite } from './write';

export function confirmDialog(title: string, text: string, yes: string): Promise<boolean> {
  return new Promise((resolve) => {
    const heading = el('h2', { id: 'confirm-title' }, title);
    const no = el('button', { type: 'button', class: 'text-button' }, t('dialog.cancel'));
    const ok = el('button', { type: 'button', class: 'primary-button danger-button' }, yes);
    const dialog = el('dialog', { class: 'confirm-dialog', 'aria-labelledby': 'confirm-title' }, heading, el('p', {}, text), el('div', { class: 'dialog-actions' }, no, ok));
    const finish = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    no.addEventListener('click', () => finish(false));
    ok.addEventListener('click', () => finish(true));
    // Escape answers the dialog only; the panel behind it (shell/panel.ts closes on Escape) stays.
    dialog.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') e.stopPropagation();
    });
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}

export function openFellingForm(feature: Feature, etag: string | undefined): void {
  const p = feature.properties;
  const number = String(p.source_id ?? feature.id);
  const kit = new FormKit('felling-form');
  kit.form.append(
    el('p', { class: 'muted' }, t('felling.hint')),
    kit.date('felled_on', 'felling.date', berlinDate()),
    kit.textarea('reason', 'felling.reason'),
    kit.actions('felling.save', () => void showFeature('trees', feature.id)),
  );
  kit.form.addEventListener('submit', (e) => {
    e.preventDefault();
    const problems: FieldProblem[] = [];
    if (!kit.value('felled_on')) problems.push({ field: 'felled_on', text: t('problem.required') });
    if (!kit.value('reason')) problems.push({ field: 'reason', text: t('problem.reason') });
    if (problems.length > 0) return kit.show(problems);
    const body = { felled_on: kit.value('felled_on'), reason: kit.value('reason') };
    void confirmDialog(t('felling.confirmTitle', { number }), t('felling.confirmText', { number }), t('felling.confirmYes')).then((yes) => {
      if (!yes) return;
      void submitWrite(kit, feature, {
        kind: 'felling',
        treeId: Number(feature.id),
        treeNumber: number,
        ifMatch: etag ?? '',
        body,
        user: currentUser()?.name ?? '',
      }, { status: 'felled', felled_on: body.felled_on });
    });
  });
  openPanel(t('felling.title', { number }), kit.form);
  kit.form.querySelector<HTMLInputElement>('input')?.focus();
}

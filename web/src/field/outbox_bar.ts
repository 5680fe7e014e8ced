// The outbox as the user sees it: "Warten auf Versand (n)" with why (offline, server away, sign
// in again), a button to send now, a conflict waiting for the merge view, and writes the server
// refused (with its reason, in words) that the user may drop. Hidden when nothing waits.
import type { MessageKey } from '../i18n/catalogue';
import { onLocaleChange, t } from '../i18n/i18n';
import { byId, el } from '../shell/dom';
import { openPanel } from '../shell/panel';
import { showScreen } from '../shell/shell';
import { ApiError } from '../api/client';
import type { Entry } from '../offline/outbox';
import { openMergeView } from './merge_view';
import { fieldProblem } from './problems';
import { outbox } from './write';

let bar: HTMLElement;

function reason(): MessageKey | null {
  if (!navigator.onLine) return 'outbox.whyOffline';
  const why = outbox.stopped().why;
  if (why === 'signed-out' || why === 'unauthorized') return 'outbox.whySignIn';
  if (why === 'unavailable') return 'outbox.whyUnavailable';
  return null;
}

function refusedList(entries: Entry[]): void {
  const list = el('ul', { class: 'refused-list' });
  for (const e of entries) {
    const p = e.problem;
    const text = p ? fieldProblem(new ApiError(p.status, p.title, p.detail)).text : '';
    const drop = el('button', { type: 'button', class: 'text-button' }, t('outbox.drop'));
    const item = el('li', { 'data-seq': String(e.seq) }, el('p', {}, t(`outbox.kind.${e.kind}`, { number: e.treeNumber })), el('p', { class: 'field-error' }, text), drop);
    drop.addEventListener('click', () => {
      if (e.seq !== undefined) void outbox.discard(e.seq);
      item.remove();
    });
    list.append(item);
  }
  showScreen('map'); // the panel lives on the map's stage
  openPanel(t('outbox.refusedTitle'), list);
}

function render(): void {
  const entries = outbox.list();
  const waiting = outbox.pending();
  const refused = entries.filter((e) => e.state === 'refused');
  const conflict = entries.find((e) => e.state === 'conflict');
  bar.hidden = waiting === 0 && refused.length === 0;
  const parts: Array<Node | string> = [];
  if (waiting > 0) {
    const why = reason();
    parts.push(el('span', { class: 'outbox-count', 'data-count': String(waiting) }, t('outbox.waiting', { n: waiting })));
    if (why) parts.push(el('span', { class: 'outbox-why' }, t(why)));
  }
  if (conflict) {
    const b = el('button', { type: 'button', class: 'text-button', 'data-action': 'merge' }, t('outbox.merge'));
    b.addEventListener('click', () => void openMergeView(conflict));
    parts.push(b);
  } else if (waiting > 0 && navigator.onLine) {
    const b = el('button', { type: 'button', class: 'text-button', 'data-action': 'send-now' }, t('outbox.sendNow'));
    b.addEventListener('click', () => outbox.retryNow());
    parts.push(b);
  }
  if (refused.length > 0) {
    const b = el('button', { type: 'button', class: 'text-button', 'data-action': 'refused' }, t('outbox.refused', { n: refused.length }));
    b.addEventListener('click', () => refusedList(refused));
    parts.push(b);
  }
  bar.replaceChildren(...parts);
}

export function initOutboxBar(): void {
  bar = el('div', { id: 'outbox-bar', class: 'outbox-bar', role: 'status', 'aria-live': 'polite' });
  bar.hidden = true;
  byId('tabbar').before(bar);
  outbox.onChange(render);
  onLocaleChange(render);
  window.addEventListener('online', render);
  window.addEventListener('offline', render);
}

export function renderOutboxBar(): void {
  render();
}

// The one panel of the page: a bottom sheet on phones, a side panel from 768 px (style.css).
// Screens fill its body; it takes the focus when opened and gives it back when closed.
import { t } from '../i18n/i18n';
import { byId } from './dom';

let returnFocus: HTMLElement | null = null;
let onClose: (() => void) | null = null;

export function openPanel(title: string, body: Node, closed?: () => void): void {
  const panel = byId('panel');
  if (panel.hidden && document.activeElement instanceof HTMLElement) {
    returnFocus = document.activeElement;
  }
  byId('panel-title').textContent = title;
  byId('panel-body').replaceChildren(body);
  panel.hidden = false;
  onClose = closed ?? null;
  byId('panel-title').focus();
}

export function setPanelBody(body: Node): void {
  byId('panel-body').replaceChildren(body);
}

export function panelLoading(title: string): void {
  const p = document.createElement('p');
  p.className = 'muted';
  p.textContent = t('panel.loading');
  openPanel(title, p);
}

export function closePanel(): void {
  const panel = byId('panel');
  if (panel.hidden) return;
  panel.hidden = true;
  byId('panel-body').replaceChildren();
  const f = onClose;
  onClose = null;
  f?.();
  returnFocus?.focus();
  returnFocus = null;
}

export function initPanel(): void {
  byId('panel-close').addEventListener('click', closePanel);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !byId('panel').hidden) closePanel();
  });
}

// One line of news at the top of the page (signed out, nothing found, server unreachable).
import { byId } from './dom';

let timer: number | undefined;

export function notify(text: string, kind: 'info' | 'error' = 'info', ms = 6000): void {
  const n = byId('notice');
  n.textContent = text;
  n.dataset.kind = kind;
  n.hidden = false;
  window.clearTimeout(timer);
  if (ms > 0) timer = window.setTimeout(() => (n.hidden = true), ms);
}

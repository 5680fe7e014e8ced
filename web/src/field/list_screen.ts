// "In der Nähe" and "Kontrollen fällig": the phone's position asked when the screen opens (a
// refusal explained, with a way to try again), then a list nearest first. Both screens differ
// only in their controls and query (near_screen.ts, due_screen.ts).
import { ApiError } from '../api/client';
import type { MessageKey } from '../i18n/catalogue';
import { onLocaleChange, t } from '../i18n/i18n';
import { showFeature } from '../map/feature_panel';
import { theMap } from '../map/map_screen';
import { el } from '../shell/dom';
import { bus } from '../shell/events';
import { showScreen, type Screen } from '../shell/shell';
import { currentPosition, PositionError, type Position } from './position';
import type { NearTree } from './queries';
import { treeRows } from './tree_list';

export interface ListSpec {
  id: 'near' | 'due';
  label: MessageKey;
  heading: MessageKey;
  icon: string;
  empty: MessageKey;
  count: MessageKey;
  controls(refresh: () => void): HTMLElement; // the form above the list
  query(p: Position, signal: AbortSignal): Promise<NearTree[]>;
  mark?(tree: NearTree): HTMLElement | null;
}

// The policy table (core/src/policy.cpp): field staff and admins edit trees; planners do not.
const fieldRoles: Screen['roles'] = ['field_staff', 'admin'];

export function openTree(tree: NearTree): void {
  const [lon, lat] = tree.feature.geometry!.coordinates as [number, number];
  showScreen('map');
  const m = theMap();
  // Offline the map stays where it is: the tiles of another place would need the network.
  if (m && navigator.onLine) m.jumpTo({ center: [lon, lat], zoom: Math.max(m.getZoom(), 18) });
  bus.emit('feature-selected', { collection: 'trees', id: tree.feature.id });
  void showFeature('trees', tree.feature.id);
}

function failureText(e: unknown): string {
  if (e instanceof PositionError) return t(`position.${e.reason}` as MessageKey);
  if (e instanceof ApiError) return e.status === 0 ? t('list.offline') : t('list.failed', { detail: e.detail || e.title });
  return t('list.failed', { detail: String(e) });
}

export function listScreen(spec: ListSpec): Screen {
  let status: HTMLElement;
  let results: HTMLElement;
  let retry: HTMLButtonElement;
  let running: AbortController | null = null;
  let last: NearTree[] | null = null;

  const render = () => {
    if (!last) return;
    status.dataset.state = 'done';
    status.textContent = last.length === 0 ? t(spec.empty) : t(spec.count, { n: last.length });
    results.replaceChildren(treeRows(last, openTree, spec.mark));
  };

  const refresh = async () => {
    running?.abort();
    const ctl = new AbortController();
    running = ctl;
    retry.hidden = true;
    if (!navigator.onLine) {
      // The last list stays (its trees open from the phone's copy); a new one needs the network.
      render();
      status.dataset.state = 'offline';
      status.textContent = t('list.offline');
      retry.hidden = false;
      return;
    }
    status.dataset.state = 'loading';
    status.textContent = t('position.asking');
    try {
      const p = await currentPosition();
      if (ctl.signal.aborted) return;
      status.textContent = t('list.loading');
      last = await spec.query(p, ctl.signal);
      if (ctl.signal.aborted) return;
      render();
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') return;
      last = null;
      results.replaceChildren();
      status.dataset.state = 'failed';
      status.textContent = failureText(e);
      retry.hidden = false;
    }
  };

  return {
    id: spec.id,
    label: spec.label,
    icon: spec.icon,
    roles: fieldRoles,
    mount(container) {
      const heading = el('h2', { class: 'field-heading' }, t(spec.heading));
      status = el('p', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
      retry = el('button', { type: 'button', class: 'primary-button' }, t('list.retry'));
      retry.hidden = true;
      retry.addEventListener('click', () => void refresh());
      results = el('div', { class: 'list-results' });
      container.classList.add('field-screen');
      container.append(el('div', { class: 'field-inner' }, heading, spec.controls(() => void refresh()), status, retry, results));
      onLocaleChange(() => {
        heading.textContent = t(spec.heading);
        retry.textContent = t('list.retry');
        render();
      });
    },
    show() {
      void refresh();
    },
    hide() {
      running?.abort();
    },
  };
}

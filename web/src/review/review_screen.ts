// The planners' screen: the queue or one work's review beside the review map (a desk's 1280 px:
// side by side; a phone: the map above, the lists below).
import type { MapConfig } from '../api/types';
import type { Bounds } from '../map/map_screen';
import { onLocaleChange, t } from '../i18n/i18n';
import { el } from '../shell/dom';
import type { Screen } from '../shell/shell';
import { queueView } from './queue_view';
import { ReviewMap } from './review_map';
import { workView } from './work_view';

export const reviewRoles: Screen['roles'] = ['planner', 'admin'];

export interface ReviewScreen extends Screen {
  // Opens a work's review (from the map's panel); the screen must be shown.
  openWork(id: number): void;
}

export function reviewScreen(config: () => MapConfig, bounds: () => Promise<Bounds | undefined>): ReviewScreen {
  let side: HTMLElement;
  let map: ReviewMap | null = null;
  let queue: ReturnType<typeof queueView> | null = null;
  let work: ReturnType<typeof workView> | null = null;
  let ready = false; // the map made (or found impossible: no WebGL) and the queue with it
  let waiting: number | null = null; // a work asked for before then
  let scrollTop = 0;

  const showQueue = () => {
    if (!queue) return;
    work = null;
    map?.clearWork();
    side.replaceChildren(queue.root);
    side.scrollTop = scrollTop;
    queue.refresh();
  };
  const openWork = (id: number) => {
    if (!ready) {
      waiting = id;
      return;
    }
    if (!work) scrollTop = side.scrollTop;
    const view = workView(id, map, { back: showQueue });
    work = view;
    side.replaceChildren(view.root);
    side.scrollTop = 0;
    void view.reload().then(() => document.getElementById('review-work-title')?.focus());
  };

  return {
    openWork,
    id: 'review',
    label: 'screen.review',
    icon: 'M9 4h6v3H9zM7 5H5v16h14V5h-2M8.5 12l2.5 2.5 5-5',
    roles: reviewRoles,
    mount(container) {
      container.classList.add('review-screen');
      side = el('div', { class: 'review-side', id: 'review-side' });
      const holder = el('div', { class: 'review-map', id: 'review-map', role: 'region', 'aria-label': t('review.map.label') });
      container.append(el('div', { class: 'review-layout' }, side, el('div', { class: 'review-map-wrap' }, holder)));
      void bounds().then((b) => {
        try {
          map = new ReviewMap(holder, config(), b);
        } catch (e) {
          // No WebGL: the lists, the tables and the decision work without the map.
          holder.append(el('p', { class: 'coming-soon', role: 'alert' }, t('map.webgl')));
          console.warn(e);
        }
        ready = true;
        queue = queueView(map, openWork);
        if (waiting !== null) openWork(waiting);
        else showQueue();
        waiting = null;
      });
      // Words made in code follow a change of language: the view on screen is made anew.
      onLocaleChange(() => {
        holder.setAttribute('aria-label', t('review.map.label'));
        if (!queue) return;
        const fresh = queueView(map, openWork, queue.state());
        const showing = side.firstElementChild === queue.root;
        queue = fresh;
        if (showing) {
          side.replaceChildren(queue.root);
          queue.refresh();
        } else void work?.reload();
      });
    },
    show() {
      map?.resize();
      if (queue && side.firstElementChild === queue.root) queue.refresh();
    },
  };
}

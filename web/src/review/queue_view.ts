// The review queue: works by status (submitted by default), time window and a drawn area, worst
// conflict first, then by start; each row opens the work's review. Paged by "more".
import { ApiError } from '../api/client';
import { hasKey, t } from '../i18n/i18n';
import { el } from '../shell/dom';
import { api } from '../shell/session';
import { workStatuses } from '../map/style';
import { berlinRange } from '../i18n/berlin_time';
import { overviewPath, overviewQuery, type Overview, type OverviewWork, type QueueFilter } from './queue_query';
import type { ReviewMap } from './review_map';
import { severities, severityBadge } from './severity';

const statusWord = (s: string) => (hasKey(`status.${s}`) ? t(`status.${s}` as 'status.draft') : s);

function badges(w: OverviewWork): HTMLElement {
  const box = el('span', { class: 'queue-badges' });
  for (const s of severities) if (w.conflicts[s] > 0) box.append(severityBadge(s, w.conflicts[s]));
  if (severities.every((s) => w.conflicts[s] === 0)) box.append(el('span', { class: 'badge badge-none', 'data-severity': 'none' }, t('review.count.none')));
  if (w.conflicts.unacknowledged > 0) box.append(el('span', { class: 'badge badge-open', 'data-open': String(w.conflicts.unacknowledged) }, t('review.count.open', { n: w.conflicts.unacknowledged })));
  if (w.conflicts.clashes > 0) box.append(el('span', { class: 'badge badge-clash', 'data-clashes': String(w.conflicts.clashes) }, t('review.count.clashes', { n: w.conflicts.clashes })));
  return box;
}

function row(w: OverviewWork, open: (id: number) => void): HTMLElement {
  const button = el(
    'button',
    { type: 'button', class: 'queue-row', 'data-work-id': String(w.id), 'data-reference': w.reference, 'data-worst': w.worst ?? 'none' },
    el('span', { class: 'queue-head' }, el('span', { class: 'queue-ref' }, w.reference), el('span', { class: 'queue-status', 'data-status': w.status }, statusWord(w.status))),
    el('span', { class: 'queue-title' }, w.title),
    el('span', { class: 'queue-org' }, w.contractor),
    el('span', { class: 'queue-when' }, berlinRange(w.starts_at, w.ends_at)),
    badges(w),
  );
  button.addEventListener('click', () => open(w.id));
  return el('li', {}, button);
}

export interface QueueView {
  root: HTMLElement;
  refresh(): void;
}

export interface QueueState {
  status: string;
  from: string;
  to: string;
}

export function queueView(map: ReviewMap | null, open: (id: number) => void, state: QueueState = { status: 'submitted', from: '', to: '' }): QueueView & { state(): QueueState } {
  const status = el('select', { id: 'review-status', name: 'status' });
  status.append(el('option', { value: '' }, t('review.filter.allStatuses')));
  for (const s of workStatuses) {
    const o = el('option', { value: s }, statusWord(s));
    if (s === state.status) o.selected = true;
    status.append(o);
  }
  const from = el('input', { type: 'date', id: 'review-from', name: 'from' });
  const to = el('input', { type: 'date', id: 'review-to', name: 'to' });
  from.value = state.from;
  to.value = state.to;
  const rect = el('button', { type: 'button', id: 'review-draw-rectangle', class: 'secondary-button' }, t('review.area.rectangle'));
  const poly = el('button', { type: 'button', id: 'review-draw-polygon', class: 'secondary-button' }, t('review.area.polygon'));
  const clearArea = el('button', { type: 'button', id: 'review-clear-area', class: 'text-button' }, t('review.area.clear'));
  const drawn = map?.currentArea() != null;
  const areaStatus = el('p', { id: 'review-area-status', class: 'field-hint', 'aria-live': 'polite', 'data-area': drawn ? 'set' : 'none' }, t(drawn ? 'review.area.set' : 'review.area.none'));
  const listStatus = el('p', { id: 'review-queue-status', class: 'list-status', role: 'status' });
  const list = el('ol', { id: 'review-queue-list', class: 'queue-list' });
  const more = el('button', { type: 'button', id: 'review-more', class: 'secondary-button' }, t('review.more'));
  more.hidden = true;

  let offset = 0;
  let matched = 0;
  let running: AbortController | null = null;
  const filter = (): QueueFilter => ({ statuses: status.value ? [status.value] : [], from: from.value, to: to.value, area: map?.currentArea() ?? null });

  const load = async (append: boolean) => {
    running?.abort();
    const ctl = new AbortController();
    running = ctl;
    if (!append) offset = 0;
    listStatus.dataset.state = 'loading';
    listStatus.textContent = t('review.loading');
    more.hidden = true;
    try {
      const { body } = await api.get<Overview>(overviewPath, overviewQuery(filter(), offset), ctl.signal);
      if (ctl.signal.aborted) return;
      const rows = body.works.map((w) => row(w, open));
      if (append) list.append(...rows);
      else list.replaceChildren(...rows);
      offset += body.numberReturned;
      matched = body.numberMatched;
      listStatus.dataset.state = 'done';
      listStatus.textContent = matched === 0 ? t('review.queue.empty') : t('review.queue.count', { shown: offset, n: matched });
      more.hidden = offset >= matched;
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') return;
      listStatus.dataset.state = 'failed';
      listStatus.textContent = t('review.failed', { detail: e instanceof ApiError ? (e.status === 0 ? t('error.network') : e.detail || e.title) : String(e) });
    }
  };
  const refresh = () => void load(false);

  for (const input of [status, from, to]) input.addEventListener('change', refresh);
  more.addEventListener('click', () => void load(true));
  rect.addEventListener('click', () => {
    areaStatus.textContent = t('review.area.drawingRectangle');
    void map?.startDrawing('rectangle');
  });
  poly.addEventListener('click', () => {
    areaStatus.textContent = t('review.area.drawingPolygon');
    void map?.startDrawing('polygon');
  });
  clearArea.addEventListener('click', () => {
    map?.clearArea();
  });
  map?.onArea((a) => {
    areaStatus.textContent = a ? t('review.area.set') : t('review.area.none');
    areaStatus.dataset.area = a ? 'set' : 'none';
    clearArea.hidden = !a;
    refresh();
  });
  clearArea.hidden = !drawn;

  const control = (id: string, label: string, input: HTMLElement) => el('div', { class: 'control' }, el('label', { for: id }, label), input);
  const root = el(
    'div',
    { id: 'review-queue', class: 'review-queue' },
    el('h2', { class: 'field-heading' }, t('review.queue.heading')),
    el(
      'form',
      { id: 'review-filters', class: 'list-controls review-filters', role: 'search', 'aria-label': t('review.filter.label') },
      control('review-status', t('review.filter.status'), status),
      control('review-from', t('review.filter.from'), from),
      control('review-to', t('review.filter.to'), to),
      el(
        'fieldset',
        // Drawing needs the map: without WebGL there is no area filter.
        { class: 'area-controls', ...(map ? {} : { hidden: '' }) },
        el('legend', {}, t('review.area.legend')),
        el('div', { class: 'area-buttons' }, rect, poly, clearArea),
        areaStatus,
      ),
    ),
    listStatus,
    list,
    more,
  );
  root.querySelector('form')!.addEventListener('submit', (e) => e.preventDefault());
  return { root, refresh, state: () => ({ status: status.value, from: from.value, to: to.value }) };
}

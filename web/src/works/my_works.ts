// "Meine Maßnahmen": the works of the signed-in contractor's organisation (the overview gives a
// contractor its own organisation's only), newest first, each with its status and its
// conflicts by severity; a tap opens the work's page. "Neue Maßnahme" starts the editor.
import { ApiError, apiPath } from '../api/client';
import { locale, onLocaleChange, t } from '../i18n/i18n';
import { el } from '../shell/dom';
import { bus } from '../shell/events';
import { api, currentRole } from '../shell/session';
import type { Screen } from '../shell/shell';
import { berlinDateTime } from '../i18n/berlin_time';
import { severityCounts } from './conflicts';
import { openWorkEditor } from './work_form';
import { showWork } from './work_page';

interface OverviewRow {
  id: number;
  reference: string;
  title: string;
  status: string;
  starts_at: string;
  ends_at: string;
  conflicts: { critical: number; high: number; medium: number; unacknowledged: number; clashes: number };
  worst: 'critical' | 'high' | 'medium' | null;
}

// A page of the overview holds at most 1000 works: more than an organisation has open at once.
async function myWorks(signal: AbortSignal): Promise<OverviewRow[]> {
  const { body } = await api.get<{ works: OverviewRow[] }>(apiPath('/collections/works/overview'), new URLSearchParams({ limit: '1000' }), signal);
  return body.works.sort((a, b) => b.id - a.id);
}

export function myWorksScreen(): Screen {
  let list: HTMLElement;
  let status: HTMLElement;
  let controller: AbortController | null = null;
  const refresh = async () => {
    controller?.abort();
    const c = new AbortController();
    controller = c;
    status.dataset.state = 'loading';
    status.textContent = t('works.loading');
    try {
      const rows = await myWorks(c.signal);
      if (c.signal.aborted) return;
      list.replaceChildren(...rows.map(rowOf));
      status.textContent =
        rows.length === 0
          ? t('works.none')
          : rows.length === 1
            ? t('works.count_one')
            : t('works.count', { n: rows.length });
      status.dataset.state = 'done';
    } catch (e) {
      if (c.signal.aborted) return;
      status.dataset.state = 'failed';
      status.textContent = t('works.loadFailed', { detail: e instanceof ApiError ? e.detail || e.title : String(e) });
    }
  };
  return {
    id: 'works',
    label: 'screen.works',
    icon: 'M4 20h16M6 20V9l6-5 6 5v11M10 20v-6h4v6',
    roles: ['contractor', 'admin'],
    mount(container) {
      container.classList.add('field-screen');
      const heading = el('h2', { class: 'field-heading', 'data-i18n': 'works.heading' }, t('works.heading'));
      const add = el('button', { type: 'button', class: 'primary-button', id: 'new-work', 'data-i18n': 'works.new' }, t('works.new'));
      add.addEventListener('click', () => openWorkEditor({ mode: 'create' }));
      status = el('p', { class: 'list-status', id: 'my-works-status', role: 'status' });
      list = el('ul', { class: 'work-list', id: 'my-works-list' });
      container.append(el('div', { class: 'field-inner' }, el('div', { class: 'works-head' }, heading, add), status, list));
      onLocaleChange(() => void refresh());
      bus.on('data-changed', ({ collection }) => {
        if (collection === 'works' && !container.hidden) void refresh();
      });
      bus.on('session-changed', () => {
        if (['contractor', 'admin'].includes(currentRole())) void refresh();
        else list.replaceChildren();
      });
    },
    show() {
      void refresh();
    },
    hide() {
      controller?.abort();
    },
  };
}

function rowOf(r: OverviewRow): HTMLElement {
  const worst = r.worst ?? 'none';
  const button = el('button', { type: 'button', class: 'work-row', 'data-work-id': String(r.id), 'data-status': r.status, 'data-worst': worst },
    el('span', { class: 'work-row-main' }, el('span', { class: 'work-ref' }, r.reference), el('span', { class: 'work-title' }, r.title)),
    el('span', { class: `status-badge status-${r.status}` }, t(`status.${r.status}` as 'status.draft')),
    el('span', { class: `work-counts worst-${worst}` }, severityCounts(r.conflicts, r.conflicts.clashes)),
    el('span', { class: 'muted work-when' }, `${berlinDateTime(r.starts_at, locale())} – ${berlinDateTime(r.ends_at, locale())}`),
  );
  button.addEventListener('click', () => void showWork(r.id));
  return el('li', {}, button);
}

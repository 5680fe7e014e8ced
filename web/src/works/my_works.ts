// "Meine Maßnahmen": the works of the signed-in contractor's organisation, newest first, each
// with its status and its conflicts by severity; a tap opens the work's page. "Neue Maßnahme"
// starts the editor on the map.
// TODO(statement branch): GET /collections/works/overview gives the counts in one answer; until
// it lands the list is the items filtered on the organisation (CQL2) and one conflicts request
// per work.
import { ApiError, apiPath } from '../api/client';
import { itemsPath } from '../api/paths';
import { onLocaleChange, t } from '../i18n/i18n';
import { el } from '../shell/dom';
import { bus } from '../shell/events';
import { currentRole, currentUser, api } from '../shell/session';
import type { Screen } from '../shell/shell';
import { formatBerlin } from './berlin_time';
import { severityCounts, type Conflicts, type Severity } from './conflicts';
import type { WorkFeature } from './work_body';
import { openWorkEditor } from './work_form';
import { showWork } from './work_page';
import { locale } from '../i18n/i18n';

interface Row {
  work: WorkFeature;
  counts: Partial<Record<Severity, number>>;
  clashes: number;
}

function cqlText(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

async function myWorks(signal: AbortSignal): Promise<Row[]> {
  const me = currentUser();
  const query = new URLSearchParams({ limit: '500' });
  if (me?.organisation) {
    query.set('filter', `contractor = ${cqlText(me.organisation)}`);
    query.set('filter-lang', 'cql2-text');
  }
  const { body } = await api.get<{ features: WorkFeature[] }>(itemsPath('works'), query, signal);
  const works = body.features.sort((a, b) => b.id - a.id);
  return Promise.all(
    works.map(async (work) => {
      const { body: c } = await api.get<{ conflicts: Conflicts }>(apiPath('/collections/works/items/{featureId}/conflicts', { featureId: work.id }), undefined, signal);
      const counts: Partial<Record<Severity, number>> = {};
      for (const f of c.conflicts.trees) counts[f.properties.severity] = (counts[f.properties.severity] ?? 0) + 1;
      return { work, counts, clashes: c.conflicts.works.length };
    }),
  );
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
      status.textContent = rows.length === 0 ? t('works.none') : t('works.count', { n: rows.length });
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

function rowOf(r: Row): HTMLElement {
  const p = r.work.properties;
  const worst = (['critical', 'high', 'medium'] as const).find((s) => (r.counts[s] ?? 0) > 0) ?? 'none';
  const button = el('button', { type: 'button', class: 'work-row', 'data-work-id': String(r.work.id), 'data-status': p.status, 'data-worst': worst },
    el('span', { class: 'work-row-main' }, el('span', { class: 'work-ref' }, p.reference), el('span', { class: 'work-title' }, p.title)),
    el('span', { class: `status-badge status-${p.status}` }, t(`status.${p.status}` as 'status.draft')),
    el('span', { class: `work-counts worst-${worst}` }, severityCounts(r.counts, r.clashes)),
    el('span', { class: 'muted work-when' }, `${formatBerlin(p.starts_at, locale())} – ${formatBerlin(p.ends_at, locale())}`),
  );
  button.addEventListener('click', () => void showWork(r.work.id));
  return el('li', {}, button);
}

// A work's review: its facts, the decision, the conflicting trees (table and map), the clashes
// with other works, the history, and the printable statement.
import { ApiError } from '../api/client';
import type { Feature } from '../api/types';
import type { MessageKey } from '../i18n/catalogue';
import { formatNumber, hasKey, t } from '../i18n/i18n';
import { el } from '../shell/dom';
import { bus } from '../shell/events';
import { notify } from '../shell/notice';
import { berlinRange } from '../i18n/berlin_time';
import { clashTable, conflictTable } from './conflict_tables';
import { decisionForm, type DecisionDraft } from './decision';
import { historyList } from './history_list';
import type { ConflictPoint, ReviewMap } from './review_map';
import { severities, severityBadge } from './severity';
import { printStatement } from './statement';
import { loadReview, type WorkReview } from './work_data';

const word = (prefix: 'status' | 'kind', v: unknown) => {
  const key = `${prefix}.${String(v)}`;
  return hasKey(key) ? t(key) : String(v ?? '');
};

function fact(label: MessageKey, value: string, key: string): HTMLElement {
  return el('div', { class: 'attribute', 'data-field': key }, el('dt', {}, t(label)), el('dd', {}, value));
}

function facts(w: Feature): HTMLElement {
  const p = w.properties;
  const dl = el(
    'dl',
    { class: 'attributes review-facts' },
    fact('field.contractor', String(p.contractor ?? ''), 'contractor'),
    fact('field.kind', word('kind', p.kind), 'kind'),
    fact('review.window', berlinRange(String(p.starts_at), String(p.ends_at)), 'window'),
  );
  for (const [k, label] of [['width_m', 'field.width_m'], ['radius_m', 'field.radius_m'], ['depth_m', 'field.depth_m']] as const) {
    if (typeof p[k] === 'number') dl.append(fact(label, formatNumber(p[k] as number), k));
  }
  if (typeof p.contact === 'string' && p.contact) dl.append(fact('field.contact', p.contact, 'contact'));
  return dl;
}

function section(id: string, heading: string, ...content: Node[]): HTMLElement {
  return el('section', { class: 'review-section', 'aria-labelledby': `${id}-heading` }, el('h3', { id: `${id}-heading` }, heading), ...content);
}

function mapLegend(): HTMLElement {
  return el(
    'p',
    { class: 'review-legend' },
    el('span', {}, t('review.legend.map')),
    ...severities.map((s) => severityBadge(s)),
    el('span', { class: 'legend-ring' }, t('review.legend.rings')),
  );
}

export interface WorkViewHooks {
  back(): void;
}

export function workView(id: number, map: ReviewMap | null, hooks: WorkViewHooks): { root: HTMLElement; reload(): Promise<void> } {
  const root = el('div', { id: 'review-work', class: 'review-work', 'data-work-id': String(id), 'aria-busy': 'true' });
  const back = el('button', { type: 'button', id: 'review-back', class: 'text-button back-button' }, t('review.back'));
  back.addEventListener('click', () => hooks.back());
  const status = el('p', { id: 'review-work-status', class: 'list-status', role: 'status' }, t('panel.loading'));
  root.append(back, status);
  let current: WorkReview | null = null;
  let draft: DecisionDraft = { comment: '', conditions: '' };

  const render = (r: WorkReview, message?: { text: string; kind: 'info' | 'error' }) => {
    current = r;
    const p = r.work.properties;
    back.textContent = t('review.back');
    root.dataset.status = String(p.status);
    root.dataset.version = String(p.version);
    const title = el('h2', { id: 'review-work-title', class: 'field-heading', tabindex: '-1' }, `${String(p.reference)} – ${String(p.title)}`);
    const statusLine = el('p', { class: 'work-status' }, t('review.status'), ' ', el('strong', { id: 'review-status-value', 'data-status': String(p.status) }, word('status', p.status)));
    const note = el('p', { id: 'review-note', class: 'decision-note', tabindex: '-1', role: message?.kind === 'error' ? 'alert' : 'status', 'data-kind': message?.kind ?? 'info' }, message?.text ?? '');
    note.hidden = !message;
    // After an acknowledgement: read again, what is typed in the decision kept, and said.
    const reload = () => {
      draft = typedDraft();
      void load({ text: t('review.ack.saved'), kind: 'info' });
    };
    const decision = decisionForm(
      {
        workId: id,
        etag: () => current?.etag,
        decided: (to) => {
          draft = { comment: '', conditions: '' };
          bus.emit('data-changed', { collection: 'works', id });
          void load({ text: t('review.decide.done', { status: word('status', to) }), kind: 'info' });
        },
        stale: (d) => {
          draft = d;
          void load({ text: t('review.decide.stale'), kind: 'error' });
        },
      },
      draft,
    );
    const print = el('button', { type: 'button', id: 'review-print', class: 'secondary-button' }, t('review.print'));
    print.addEventListener('click', () => {
      printStatement(id).catch((e: unknown) => notify(e instanceof Error ? e.message : String(e), 'error'));
    });
    const counts = severities.map((s) => [s, r.conflicts.filter((c) => c.severity === s).length] as const).filter(([, n]) => n > 0);
    root.replaceChildren(
      back,
      title,
      statusLine,
      note,
      facts(r.work),
      section('review-conflicts-section', t('review.conflicts.heading', { n: r.conflicts.length }), el('p', { class: 'queue-badges' }, ...counts.map(([s, n]) => severityBadge(s, n))), mapLegend(), conflictTable(r.conflicts, reload)),
      section('review-clashes-section', t('review.clashes.heading', { n: r.clashes.length }), clashTable(id, r.clashes, reload)),
      section('review-decision-section', t('review.decide.heading'), decision),
      section('review-history-section', t('review.history.heading'), historyList(r.history)),
      el('div', { class: 'review-print' }, print),
    );
    root.setAttribute('aria-busy', 'false');
    const points: ConflictPoint[] = r.conflicts.filter((c) => c.lonLat).map((c) => ({ treeId: c.treeId, severity: c.severity, lonLat: c.lonLat! }));
    void map?.showWork(r.work.geometry as GeoJSON.Geometry | null, points);
    if (message) note.focus();
  };

  const typedDraft = (): DecisionDraft => ({
    comment: root.querySelector<HTMLTextAreaElement>('#review-comment')?.value ?? draft.comment,
    conditions: root.querySelector<HTMLTextAreaElement>('#review-conditions')?.value ?? draft.conditions,
  });

  const load = async (message?: { text: string; kind: 'info' | 'error' }) => {
    root.setAttribute('aria-busy', 'true');
    try {
      render(await loadReview(id), message);
    } catch (e) {
      root.setAttribute('aria-busy', 'false');
      const detail = e instanceof ApiError ? (e.status === 0 ? t('error.network') : e.detail || e.title) : String(e);
      status.textContent = t('review.failed', { detail });
      status.setAttribute('role', 'alert');
      root.replaceChildren(back, status);
    }
  };

  return {
    root,
    reload: () => {
      draft = typedDraft();
      return load();
    },
  };
}

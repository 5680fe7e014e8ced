// The conflict table (one row per tree) and the clash table (one row per other work), each row
// with its acknowledgement: who accepted it, when and why, or a button that asks for the comment
// and sends it.
import { ApiError, apiPath } from '../api/client';
import type { MessageKey } from '../i18n/catalogue';
import { formatNumber, locale, t } from '../i18n/i18n';
import { el } from '../shell/dom';
import { api } from '../shell/session';
import { speciesText } from '../field/tree_list';
import { berlinDate, berlinDateTime, berlinDays } from '../i18n/berlin_time';
import { severityBadge } from './severity';
import type { Clash, TreeConflict } from './work_data';

type Acknowledged = () => void;

// Short values that must not break inside (a tree number, "84 cm", "1,2 m").
const unbroken = new Set<MessageKey>(['review.col.tree', 'review.col.circumference', 'review.col.distance', 'review.col.share']);

function cell(label: MessageKey, ...content: Array<Node | string>): HTMLTableCellElement {
  // data-label: the column's name, shown before the value where the table is laid out as cards.
  // One child, so that the card layout's grid puts the name and the value side by side.
  return el('td', { 'data-label': t(label), ...(unbroken.has(label) ? { class: 'nowrap' } : {}) }, el('div', { class: 'cell-value' }, ...content));
}

function table(id: string, caption: MessageKey, columns: MessageKey[], rows: HTMLTableRowElement[]): HTMLElement {
  return el(
    'table',
    { id, class: 'review-table' },
    el('caption', { class: 'visually-hidden' }, t(caption)),
    el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { scope: 'col' }, t(c))))),
    el('tbody', {}, ...rows),
  );
}

function acknowledgement(
  item: { acknowledged: boolean; acknowledgedBy?: string; acknowledgedAt?: string; acknowledgementComment?: string },
  formId: string,
  send: (comment: string) => Promise<void>,
  done: Acknowledged,
): HTMLElement {
  if (item.acknowledged) {
    return el(
      'div',
      { class: 'ack-done', 'data-acknowledged': 'true' },
      el('span', { class: 'ack-mark' }, t('review.ack.done')),
      el(
        'span',
        { class: 'ack-who' },
        t('review.ack.by', { user: item.acknowledgedBy ?? '', at: item.acknowledgedAt ? berlinDateTime(item.acknowledgedAt) : '' }),
      ),
      el('q', { class: 'ack-comment' }, item.acknowledgementComment ?? ''),
    );
  }
  const holder = el('div', { class: 'ack-open', 'data-acknowledged': 'false' });
  const open = el('button', { type: 'button', class: 'secondary-button', 'data-ack': formId }, t('review.ack.open'));
  holder.append(el('span', { class: 'ack-mark ack-mark-open' }, t('review.ack.no')), open);
  open.addEventListener('click', () => {
    const textId = `${formId}-comment`;
    const errorId = `${formId}-error`;
    const text = el('textarea', { id: textId, name: 'comment', rows: '2', required: 'true', 'aria-describedby': errorId });
    const error = el('p', { id: errorId, class: 'field-error', role: 'alert' });
    error.hidden = true;
    const submit = el('button', { type: 'submit', class: 'primary-button' }, t('review.ack.save'));
    const cancel = el('button', { type: 'button', class: 'text-button' }, t('dialog.cancel'));
    const form = el(
      'form',
      { id: formId, class: 'ack-form', novalidate: 'true' },
      el('label', { for: textId }, t('review.ack.comment')),
      text,
      error,
      el('div', { class: 'form-actions' }, cancel, submit),
    );
    cancel.addEventListener('click', () => {
      form.replaceWith(open);
      open.focus();
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const comment = text.value.trim();
      const fail = (message: string) => {
        error.textContent = message;
        error.hidden = false;
        text.setAttribute('aria-invalid', 'true');
        text.focus();
      };
      if (!comment) return fail(t('review.ack.needsComment'));
      submit.disabled = true;
      send(comment)
        .then(done)
        .catch((err: unknown) => {
          submit.disabled = false;
          fail(err instanceof ApiError ? t('review.failed', { detail: err.detail || err.title }) : String(err));
        });
    });
    open.replaceWith(form);
    text.focus();
  });
  return holder;
}

function metres(m: number): string {
  return t('review.metres', { m: formatNumber(m, 1) });
}

function circumference(tree: TreeConflict['tree']): string {
  const stems = tree?.properties.stem_circumferences_cm;
  if (!Array.isArray(stems) || stems.length === 0) return t('value.none');
  const cm = stems.filter((s): s is number => typeof s === 'number');
  const sum = cm.reduce((a, b) => a + b, 0);
  // A multi-stem tree: the sum the rules use, and the stems.
  return cm.length > 1 ? t('review.stems', { sum: formatNumber(sum, 0), stems: cm.map((s) => formatNumber(s, 0)).join(' + ') }) : t('review.cm', { cm: formatNumber(sum, 0) });
}

export function conflictTable(conflicts: TreeConflict[], done: Acknowledged): HTMLElement {
  if (conflicts.length === 0) return el('p', { id: 'review-conflicts-none', class: 'muted' }, t('review.conflicts.none'));
  const rows = conflicts.map((c) => {
    const number = String(c.tree?.properties.source_id ?? c.treeId);
    const send = async (comment: string) => {
      await api.request(apiPath('/collections/conflicts/items/{featureId}/acknowledgement', { featureId: c.id }), { method: 'POST', body: { comment } });
    };
    return el(
      'tr',
      { 'data-conflict-id': String(c.id), 'data-tree-id': String(c.treeId), 'data-severity': c.severity },
      cell('review.col.tree', el('span', { class: 'tree-no' }, number)),
      cell('review.col.species', c.tree ? speciesText(c.tree.properties) : t('value.none')),
      cell('review.col.circumference', circumference(c.tree)),
      cell('review.col.severity', severityBadge(c.severity)),
      cell('review.col.distance', metres(c.minDistance)),
      cell('review.col.share', new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(c.overlapShare)),
      // The rule as the server words it (English, with the norm it cites).
      cell('review.col.rule', el('span', { lang: 'en' }, c.rule)),
      cell('review.col.ack', acknowledgement(c, `ack-conflict-${c.id}`, send, done)),
    );
  });
  return table(
    'review-conflicts',
    'review.conflicts.caption',
    ['review.col.tree', 'review.col.species', 'review.col.circumference', 'review.col.severity', 'review.col.distance', 'review.col.share', 'review.col.rule', 'review.col.ack'],
    rows,
  );
}

export function clashTable(workId: number, clashes: Clash[], done: Acknowledged): HTMLElement {
  if (clashes.length === 0) return el('p', { id: 'review-clashes-none', class: 'muted' }, t('review.clashes.none'));
  const rows = clashes.map((c) => {
    const send = async (comment: string) => {
      await api.request(
        apiPath('/collections/works/items/{featureId}/clashes/{clashId}/acknowledgement', { featureId: workId, clashId: c.id }),
        { method: 'POST', body: { comment } },
      );
    };
    const p = c.other?.properties ?? {};
    const days = berlinDays(c.overlapStart, c.overlapEnd);
    return el(
      'tr',
      { 'data-clash-id': String(c.id), 'data-other-work-id': String(c.otherWorkId) },
      cell('review.col.otherWork', el('span', { class: 'other-ref' }, String(p.reference ?? c.otherWorkId)), ' ', el('span', { class: 'muted' }, String(p.title ?? ''))),
      cell('review.col.organisation', String(p.contractor ?? t('value.none'))),
      cell(
        'review.col.overlap',
        el('span', { class: 'overlap-days', 'data-days': String(days) }, t('review.overlap', { from: berlinDate(c.overlapStart), to: berlinDate(c.overlapEnd), n: days })),
      ),
      cell('review.col.distance', metres(c.distance)),
      cell('review.col.ack', acknowledgement(c, `ack-clash-${c.id}`, send, done)),
    );
  });
  return table(
    'review-clashes',
    'review.clashes.caption',
    ['review.col.otherWork', 'review.col.organisation', 'review.col.overlap', 'review.col.distance', 'review.col.ack'],
    rows,
  );
}

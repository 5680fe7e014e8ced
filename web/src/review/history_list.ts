// A work's history: every status change with who, when (Berlin time), the comment and the
// conditions; oldest first, as the API lists it.
import { hasKey, t } from '../i18n/i18n';
import { el } from '../shell/dom';
import { berlinDateTime } from '../i18n/berlin_time';
import type { HistoryEntry } from './work_data';

const word = (s: string) => (hasKey(`status.${s}`) ? t(`status.${s}` as `status.${'draft'}`) : s);

export function historyList(entries: HistoryEntry[]): HTMLElement {
  const list = el('ol', { id: 'review-history', class: 'history-list' });
  for (const h of entries) {
    const item = el(
      'li',
      { 'data-change-id': String(h.id), 'data-to': h.to },
      el('span', { class: 'history-when' }, berlinDateTime(h.at)),
      el('span', { class: 'history-move' }, h.from ? t('review.history.move', { from: word(h.from), to: word(h.to) }) : word(h.to)),
      el('span', { class: 'history-who' }, h.user),
    );
    if (h.comment) item.append(el('p', { class: 'history-comment' }, el('span', { class: 'history-label' }, t('review.history.comment')), ' ', h.comment));
    if (h.conditions) item.append(el('p', { class: 'history-conditions' }, el('span', { class: 'history-label' }, t('review.history.conditions')), ' ', h.conditions));
    list.append(item);
  }
  return list;
}

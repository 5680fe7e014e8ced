// The rows of the field lists: distance, tree number, species, protected mark, and for due
// inspections the date (overdue marked). A row is one button: tap shows the tree on the map
// with its panel.
import { formatDate, locale, t } from '../i18n/i18n';
import { el } from '../shell/dom';
import type { NearTree } from './queries';

export function metresText(m: number): string {
  const km = m >= 1000;
  return new Intl.NumberFormat(locale(), {
    style: 'unit',
    unit: km ? 'kilometer' : 'meter',
    maximumFractionDigits: km ? 1 : 0,
  }).format(km ? m / 1000 : m);
}

export function speciesText(p: Record<string, unknown>): string {
  const german = typeof p.species_german === 'string' ? p.species_german : '';
  const botanical = typeof p.species_botanical === 'string' ? p.species_botanical : '';
  if (german && botanical) return `${german} (${botanical})`;
  return german || botanical || t('field.speciesUnknown');
}

export function treeRows(
  trees: NearTree[],
  open: (t: NearTree) => void,
  extra?: (t: NearTree) => HTMLElement | null,
): HTMLElement {
  const list = el('ol', { class: 'tree-list' });
  for (const tree of trees) {
    const p = tree.feature.properties;
    const number = String(p.source_id ?? tree.feature.id);
    const parts: Array<Node | string> = [
      el('span', { class: 'tree-distance' }, metresText(tree.metres)),
      el(
        'span',
        { class: 'tree-main' },
        el('span', { class: 'tree-number' }, t('panel.tree', { number })),
        el('span', { class: 'tree-species' }, speciesText(p)),
      ),
    ];
    const marks = el('span', { class: 'tree-marks' });
    if (p.protected === true) marks.append(el('span', { class: 'mark mark-protected' }, t('field.protectedMark')));
    const more = extra?.(tree);
    if (more) marks.append(more);
    parts.push(marks);
    const button = el('button', { type: 'button', class: 'tree-row', 'data-tree-id': String(tree.feature.id) }, ...parts);
    button.addEventListener('click', () => open(tree));
    list.append(el('li', {}, button));
  }
  return list;
}

export function dueMark(next: string, today: string): HTMLElement {
  const overdue = next < today;
  return el(
    'span',
    { class: overdue ? 'mark mark-overdue' : 'mark mark-due', 'data-overdue': String(overdue) },
    overdue ? t('due.overdue', { date: formatDate(next) }) : t('due.on', { date: formatDate(next) }),
  );
}

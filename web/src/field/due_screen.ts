// "Kontrollen fällig": trees whose next inspection is past or within N days (the user's N,
// 30 by default), nearest first, overdue ones marked.
import { t } from '../i18n/i18n';
import { el } from '../shell/dom';
import { listScreen } from './list_screen';
import { treesDue } from './queries';
import { dueMark, metresText } from './tree_list';

// Europe/Berlin's calendar day: the city's dates are Berlin dates (api berlin_today).
export function berlinDate(d = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function dueScreen() {
  const days = el('input', { id: 'due-days', type: 'number', inputmode: 'numeric', min: '0', max: '3650', step: '1', value: '30' });
  const radius = el('select', { id: 'due-radius' });
  for (const r of [300, 1000, 3000, 10000]) {
    const o = el('option', { value: String(r) }, metresText(r));
    if (r === 1000) o.selected = true;
    radius.append(o);
  }
  let today = berlinDate();
  const window = () => {
    const n = Number(days.value);
    return Number.isInteger(n) && n >= 0 && n <= 3650 ? n : 30;
  };
  return listScreen({
    id: 'due',
    label: 'screen.due',
    heading: 'due.heading',
    icon: 'M4 5h16v15H4zM4 9h16M8 3v4M16 3v4M8 13l2.5 2.5L16 11',
    empty: 'due.empty',
    count: 'due.count',
    controls(refresh) {
      days.addEventListener('change', refresh);
      radius.addEventListener('change', refresh);
      const form = el(
        'form',
        { class: 'list-controls' },
        el('div', { class: 'control' }, el('label', { for: 'due-days', 'data-i18n': 'due.days' }, t('due.days')), days),
        el('div', { class: 'control' }, el('label', { for: 'due-radius', 'data-i18n': 'near.radius' }, t('near.radius')), radius),
      );
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        refresh();
      });
      return form;
    },
    query: (p, signal) => {
      today = berlinDate();
      return treesDue(p, Number(radius.value), addDays(today, window()), signal);
    },
    mark: (tree) => {
      const next = tree.feature.properties.next_inspection;
      return typeof next === 'string' ? dueMark(next, today) : null;
    },
  });
}

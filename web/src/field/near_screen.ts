// "In der Nähe": the trees around the phone, nearest first, within a radius the user picks.
import { t } from '../i18n/i18n';
import { el } from '../shell/dom';
import { listScreen } from './list_screen';
import { treesNear } from './queries';
import { metresText } from './tree_list';

const radii = [25, 50, 100, 250];

export function nearScreen() {
  const select = el('select', { id: 'near-radius' });
  for (const r of radii) {
    const o = el('option', { value: String(r) }, metresText(r));
    if (r === 100) o.selected = true;
    select.append(o);
  }
  return listScreen({
    id: 'near',
    label: 'screen.near',
    heading: 'near.heading',
    icon: 'M12 21s-7-6.2-7-11.5A7 7 0 0 1 19 9.5C19 14.8 12 21 12 21zM12 12.2a2.7 2.7 0 1 0 0-5.4 2.7 2.7 0 0 0 0 5.4z',
    empty: 'near.empty',
    count: 'near.count',
    controls(refresh) {
      select.addEventListener('change', refresh);
      const label = el('label', { for: 'near-radius', 'data-i18n': 'near.radius' }, t('near.radius'));
      return el('div', { class: 'list-controls' }, el('div', { class: 'control' }, label, select));
    },
    query: (p, signal) => treesNear(p, Number(select.value), signal),
  });
}

// The screens besides the map, in tab order. The field-staff screens (issue 13: trees near me,
// inspections due; web/src/field/) take the places of these placeholders: a screen is a Screen
// (shell/shell.ts) with the roles that see it, registered by main.ts after the map.
import { t } from './i18n/i18n';
import { el } from './shell/dom';
import type { Screen } from './shell/shell';

function placeholder(id: string, label: Screen['label'], icon: string): Screen {
  return {
    id,
    label,
    icon,
    roles: ['field_staff', 'planner', 'admin'],
    mount(container) {
      container.append(el('p', { class: 'coming-soon', 'data-i18n': 'screen.comingSoon' }, t('screen.comingSoon')));
    },
  };
}

export const fieldScreens: Screen[] = [
  // A location pin.
  placeholder('near', 'screen.near', 'M12 21s-6-5.4-6-10a6 6 0 0 1 12 0c0 4.6-6 10-6 10zM12 13a2 2 0 1 0 0-4 2 2 0 0 0 0 4z'),
  // A calendar with a tick.
  placeholder('due', 'screen.due', 'M4 6h16v14H4zM4 10h16M8 3v4M16 3v4M9 15l2 2 4-4'),
];

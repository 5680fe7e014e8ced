// Contractors' part of the page: drawing a work with its conflicts previewed, submitting it,
// and their organisation's works. main.ts calls initWorks once, after the shell is up.
import { registerAction } from '../map/feature_panel';
import { t } from '../i18n/i18n';
import { currentRole, currentUser } from '../shell/session';
import { registerScreen } from '../shell/shell';
import { myWorksScreen } from './my_works';
import { showWork } from './work_page';
import { closeWorkEditor } from './work_form';
import { bus } from '../shell/events';

export function initWorks(): void {
  registerScreen(myWorksScreen());
  bus.on('session-changed', closeWorkEditor);
  // A work of one's own opened from the map or the search: its page, with what may be done.
  registerAction({
    id: 'open-work',
    collection: 'works',
    roles: ['contractor', 'admin'],
    label: () => t('works.open'),
    when: (f) => currentRole() === 'admin' || (!!currentUser()?.organisation && f.properties.contractor === currentUser()?.organisation),
    run: (f) => void showWork(Number(f.id)),
  });
}

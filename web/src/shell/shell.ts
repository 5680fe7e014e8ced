// The app shell: screens behind a tab bar. The map is the first screen; the field-staff screens
// ("In der Nähe", "Kontrollen fällig", web/src/field/) register themselves with registerScreen
// and are shown only to the roles they name.
import type { Role } from '../api/types';
import type { MessageKey } from '../i18n/catalogue';
import { onLocaleChange, t } from '../i18n/i18n';
import { byId, el } from './dom';

export interface Screen {
  id: string; // also the location hash's screen: #near
  label: MessageKey;
  icon: string; // SVG path data, drawn in a 24x24 box
  roles?: Role[]; // none: everyone
  // Made once, on first show; `show` and `hide` run on every switch.
  mount(container: HTMLElement): void;
  show?(): void;
  hide?(): void;
}

interface Mounted {
  screen: Screen;
  section: HTMLElement;
  tab: HTMLButtonElement;
  mounted: boolean;
}

const screens: Mounted[] = [];
let active: Mounted | null = null;
let role: Role = 'public';

export function registerScreen(screen: Screen): void {
  const section = el('section', { class: 'screen', id: `screen-${screen.id}`, 'aria-label': t(screen.label) });
  section.hidden = true;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', screen.icon);
  svg.append(path);
  const label = el('span', { class: 'tab-label' }, t(screen.label));
  const tab = el('button', { type: 'button', class: 'tab', 'data-screen': screen.id }, svg, label);
  tab.addEventListener('click', () => showScreen(screen.id));
  onLocaleChange(() => {
    label.textContent = t(screen.label);
    section.setAttribute('aria-label', t(screen.label));
  });
  byId('screens').append(section);
  byId('tabbar').append(tab);
  screens.push({ screen, section, tab, mounted: false });
  applyRole();
}

export function showScreen(id: string): void {
  const next = screens.find((s) => s.screen.id === id && allowed(s.screen));
  if (!next || next === active) return;
  active?.screen.hide?.();
  if (active) {
    active.section.hidden = true;
    active.tab.removeAttribute('aria-current');
  }
  next.section.hidden = false;
  next.tab.setAttribute('aria-current', 'page');
  if (!next.mounted) {
    next.screen.mount(next.section);
    next.mounted = true;
  }
  active = next;
  next.screen.show?.();
}

export function setRole(r: Role): void {
  role = r;
  applyRole();
}

function allowed(s: Screen): boolean {
  return !s.roles || s.roles.includes(role);
}

function applyRole(): void {
  for (const s of screens) s.tab.hidden = !allowed(s.screen);
  // One screen only: no tab bar at all (the public sees the map alone).
  byId('tabbar').hidden = screens.filter((s) => allowed(s.screen)).length < 2;
  document.body.classList.toggle('has-tabbar', !byId('tabbar').hidden);
  if (active && !allowed(active.screen)) showScreen(screens[0]?.screen.id ?? '');
}

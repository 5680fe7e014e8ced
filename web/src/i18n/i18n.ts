// The page's language: German unless the user chose English (remembered in localStorage).
// Dates and numbers go through Intl in the chosen locale.
import { de, en, type Catalogue, type MessageKey } from './catalogue';

export type Locale = 'de' | 'en';
const catalogues: Record<Locale, Catalogue> = { de, en };
const storageKey = 'rootzone.locale';

let current: Locale = readStored();
const listeners: Array<(l: Locale) => void> = [];

function readStored(): Locale {
  try {
    return localStorage.getItem(storageKey) === 'en' ? 'en' : 'de';
  } catch {
    return 'de';
  }
}

export function locale(): Locale {
  return current;
}

export function setLocale(l: Locale): void {
  current = l;
  try {
    localStorage.setItem(storageKey, l);
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
  document.documentElement.lang = l;
  translate(document);
  for (const f of listeners) f(l);
}

export function onLocaleChange(f: (l: Locale) => void): void {
  listeners.push(f);
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return catalogues[current][key].replace(/\{(\w+)\}/g, (_, name: string) =>
    name in params ? String(params[name]) : `{${name}}`,
  );
}

export function hasKey(key: string): key is MessageKey {
  return key in de;
}

export function formatNumber(n: number, digits = 2): string {
  return new Intl.NumberFormat(current, { maximumFractionDigits: digits }).format(n);
}

// "2027-04-01" is a calendar date (no time zone); anything with a time is shown in local time.
export function formatDate(text: string): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const d = new Date(dateOnly ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(d.getTime())) return text;
  return dateOnly
    ? new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeZone: 'UTC' }).format(d)
    : new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

// Static text of the page carries data-i18n (text), data-i18n-label (aria-label) or
// data-i18n-placeholder attributes naming catalogue keys.
export function translate(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = el.dataset.i18n ?? '';
    if (hasKey(key)) el.textContent = t(key);
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-label]')) {
    const key = el.dataset.i18nLabel ?? '';
    if (hasKey(key)) el.setAttribute('aria-label', t(key));
  }
  for (const el of root.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]')) {
    const key = el.dataset.i18nPlaceholder ?? '';
    if (hasKey(key)) el.placeholder = t(key);
  }
  document.title = t('app.title');
}

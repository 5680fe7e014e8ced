// Who is signed in. The API key lives in sessionStorage only (gone with the tab, never in
// localStorage, a cookie or a URL) and goes out only through ApiClient, to this origin.
import { ApiClient, ApiError, apiPath } from '../api/client';
import type { Me, Role } from '../api/types';
import { onLocaleChange, t } from '../i18n/i18n';
import { byId } from './dom';
import { bus } from './events';
import { notify } from './notice';

const storageKey = 'rootzone.apiKey';
let me: Me | null = null;

// The server says why a key is refused in English (auth.cpp); the page says it in the user's
// language. Unrecognised details get a general sentence rather than English in a German page.
export function refusalReason(e: ApiError): string {
  const d = e.detail.toLowerCase();
  if (e.status === 0) return t('error.network');
  if (d.includes('revoked')) return t('session.reason.revoked');
  if (d.includes('disabled')) return t('session.reason.disabled');
  if (d.includes('not known')) return t('session.reason.unknown');
  if (d.includes('malformed') || d.includes('bearer')) return t('session.reason.malformed');
  return t('session.reason.other');
}

function storedKey(): string | null {
  try {
    return sessionStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

export const api = new ApiClient(storedKey);

export function currentUser(): Me | null {
  return me;
}

export function currentRole(): Role {
  return me?.role ?? 'public';
}

async function whoIs(key: string): Promise<Me> {
  const res = await api.request<Me>(apiPath('/me'), {}, key);
  return res.body;
}

export async function signIn(key: string): Promise<void> {
  const user = await whoIs(key.trim());
  sessionStorage.setItem(storageKey, key.trim());
  setUser(user);
  notify(t('session.signedIn', { name: user.name }));
}

export function signOut(message = t('session.signedOut'), kind: 'info' | 'error' = 'info'): void {
  sessionStorage.removeItem(storageKey);
  setUser(null);
  notify(message, kind, kind === 'error' ? 0 : 6000);
}

function setUser(user: Me | null): void {
  me = user;
  renderWho();
  bus.emit('session-changed', { me });
}

function renderWho(): void {
  byId('sign-in').hidden = me !== null;
  byId('who').hidden = me === null;
  if (me) {
    byId('who-name').textContent = me.name;
    const org = me.organisation ? ` · ${me.organisation}` : '';
    byId('who-role').textContent = `${t(`role.${me.role}`)}${org}`;
  }
}

export async function initSession(): Promise<void> {
  api.onUnauthorized((e) => signOut(t('session.expired', { detail: refusalReason(e) }), 'error'));
  initDialog();
  byId('sign-out').addEventListener('click', () => signOut());
  onLocaleChange(renderWho);
  // A page opened without network (the service worker's copy) asks again when it returns.
  window.addEventListener('online', () => {
    if (me === null && storedKey()) void resume();
  });
  if (!(await resume())) setUser(null);
}

// The stored key's user, when the server answers; false when it does not (or there is no key).
async function resume(): Promise<boolean> {
  const key = storedKey();
  if (!key) return false;
  try {
    setUser(await whoIs(key));
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      signOut(t('session.expired', { detail: refusalReason(e) }), 'error');
      return true;
    }
    // Unreachable server: keep the key, show the public view until it answers.
    return false;
  }
}

function initDialog(): void {
  const dialog = byId<HTMLDialogElement>('sign-in-dialog');
  const input = byId<HTMLInputElement>('key-input');
  const error = byId('sign-in-error');
  byId('sign-in').addEventListener('click', () => {
    error.hidden = true;
    input.value = '';
    dialog.showModal();
    input.focus();
  });
  byId('sign-in-cancel').addEventListener('click', () => dialog.close());
  byId<HTMLFormElement>('sign-in-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const key = input.value;
    if (!key.trim()) return;
    signIn(key)
      .then(() => {
        input.value = '';
        dialog.close();
        byId('sign-out').focus();
      })
      .catch((err: unknown) => {
        const detail = err instanceof ApiError ? refusalReason(err) : String(err);
        error.textContent = t('session.rejected', { detail });
        error.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      });
  });
}

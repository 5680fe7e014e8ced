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
  api.onUnauthorized((e) => signOut(t('session.expired', { detail: e.detail || e.title }), 'error'));
  initDialog();
  byId('sign-out').addEventListener('click', () => signOut());
  onLocaleChange(renderWho);
  const key = storedKey();
  if (key) {
    try {
      setUser(await whoIs(key));
      return;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        signOut(t('session.expired', { detail: e.detail || e.title }), 'error');
        return;
      }
      // Unreachable server: keep the key, show the public view until it answers.
    }
  }
  setUser(null);
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
        const detail = err instanceof ApiError ? err.detail || err.title : String(err);
        error.textContent = t('session.rejected', { detail });
        error.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      });
  });
}

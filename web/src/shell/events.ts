// The page's events, so that screens need not know each other: after a write the map reloads
// the tiles, after a sign-in every screen redraws for the new role.
import type { Me } from '../api/types';

export interface Events {
  // Something in the store changed through this page: the map refetches its tiles (the
  // server's ETags make unchanged tiles a 304).
  'data-changed': { collection: 'trees' | 'works'; id?: number | string };
  'session-changed': { me: Me | null };
  'feature-selected': { collection: 'trees' | 'works'; id: number | string };
}

type Handler<K extends keyof Events> = (payload: Events[K]) => void;

class Bus {
  private handlers = new Map<keyof Events, Array<Handler<keyof Events>>>();

  on<K extends keyof Events>(name: K, f: Handler<K>): void {
    const list = this.handlers.get(name) ?? [];
    list.push(f as Handler<keyof Events>);
    this.handlers.set(name, list);
  }

  emit<K extends keyof Events>(name: K, payload: Events[K]): void {
    for (const f of this.handlers.get(name) ?? []) f(payload);
  }
}

export const bus = new Bus();

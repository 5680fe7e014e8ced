// The outbox: every write of the field screens (tree edit, inspection, felling) is put here
// first and sent from here, in the order it was made, online or not. A write made offline waits
// in IndexedDB (db.ts) through reloads and closed tabs, and goes out when the network returns
// (the `online` event, a retry with back-off, and on page load). Each carries the If-Match of
// the version it was made against; when an earlier write of ours to the same tree lands, later
// ones are moved onto the version it made (that change was ours, not a concurrent one).
//   412: the entry waits as a conflict, the queue stops behind it (order) until the user merged;
//   401: the key expired; the queue stops and keeps everything for the next sign-in;
//   network gone, 502/503/504, 429 (the server's write limit): kept, retried with back-off,
//   never sooner than the answer's Retry-After;
//   another 4xx: refused; kept with the server's reason until the user fixes or drops it.
import { ApiError, apiPath, type ApiResult } from '../api/client';
import type { Feature, Properties } from '../api/types';
import { getAll, outboxStore, run } from './db';

export type EntryKind = 'edit' | 'inspection' | 'felling';
export type EntryState = 'waiting' | 'conflict' | 'refused';

export interface Entry {
  seq?: number;
  kind: EntryKind;
  treeId: number;
  treeNumber: string; // the city's tree number, for the lists
  ifMatch: string; // the ETag of the version the write was made against
  body: Record<string, unknown>;
  base?: Properties; // edits: the values the user saw, for the merge view
  user: string;
  createdAt: string;
  state: EntryState;
  problem?: { status: number; title: string; detail: string };
}

export type Outcome =
  | { kind: 'sent'; feature: Feature | undefined; etag: string | undefined }
  | { kind: 'refused'; error: ApiError }
  | { kind: 'conflict' }
  | { kind: 'queued'; why: 'offline' | 'unavailable' | 'unauthorized' | 'signed-out' | 'behind' };

export interface Sender {
  request<T>(path: string, options: { method: 'POST' | 'PATCH'; body: unknown; ifMatch?: string }): Promise<ApiResult<T>>;
  signedIn(): string | null; // the signed-in user's name, or null
}

type Listener = () => void;

const retryBase = 2000;
const retryMax = 60000;

export class Outbox {
  private entries: Entry[] = [];
  private flushing: Promise<void> | null = null;
  private again = false;
  private attempt = 0;
  private timer: number | undefined;
  private waiters = new Map<number, (o: Outcome) => void>();
  private listeners: Listener[] = [];
  private lastStop: Outcome & { kind: 'queued' } = { kind: 'queued', why: 'offline' };
  onSent: (e: Entry, feature: Feature | undefined, etag: string | undefined) => void = () => {};
  onConflict: (e: Entry) => void = () => {};

  constructor(private readonly sender: Sender) {}

  async load(): Promise<void> {
    this.entries = (await getAll<Entry>(outboxStore)).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    this.changed();
  }

  list(): readonly Entry[] {
    return this.entries;
  }

  pending(): number {
    return this.entries.filter((e) => e.state !== 'refused').length;
  }

  onChange(f: Listener): void {
    this.listeners.push(f);
  }

  // Stored before anything is sent: once this resolves the write survives a closed tab.
  async add(entry: Omit<Entry, 'seq' | 'state' | 'createdAt'>): Promise<number> {
    const e: Entry = { ...entry, state: 'waiting', createdAt: new Date().toISOString() };
    e.seq = await run(outboxStore, 'readwrite', (s) => s.add(e) as IDBRequest<number>);
    this.entries.push(e);
    this.changed();
    return e.seq;
  }

  // What became of one entry in the next flush (the form that made it waits for this).
  async submit(entry: Omit<Entry, 'seq' | 'state' | 'createdAt'>): Promise<{ seq: number; outcome: Outcome }> {
    const seq = await this.add(entry);
    const outcome = new Promise<Outcome>((resolve) => this.waiters.set(seq, resolve));
    void this.flush();
    return { seq, outcome: await outcome };
  }

  async discard(seq: number): Promise<void> {
    await run(outboxStore, 'readwrite', (s) => s.delete(seq));
    this.entries = this.entries.filter((e) => e.seq !== seq);
    this.changed();
  }

  // After the merge view: the entry goes again with the body chosen and the current ETag.
  async resolve(seq: number, body: Record<string, unknown>, ifMatch: string, base?: Properties): Promise<void> {
    const e = this.entries.find((x) => x.seq === seq);
    if (!e) return;
    Object.assign(e, { body, ifMatch, base: base ?? e.base, state: 'waiting' as EntryState });
    delete e.problem;
    await this.save(e);
    this.changed();
    void this.flush();
  }

  // Sends what can be sent, one at a time in order. Concurrent calls join the running flush.
  flush(): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    window.clearTimeout(this.timer);
    // One sender across the tabs of this origin (Web Locks): two tabs sending the same entry
    // would record an inspection twice. Each drain starts from what IndexedDB holds now, so a
    // tab sees what another one sent meanwhile.
    const locked = () => this.load().then(() => this.drain());
    const run: Promise<void> =
      typeof navigator.locks?.request === 'function' ? navigator.locks.request('rootzone-outbox', locked).then(() => undefined) : locked();
    const flushing = run.finally(() => {
      this.flushing = null;
      if (this.again) {
        this.again = false;
        void this.flush();
      }
    });
    this.flushing = flushing;
    return flushing;
  }

  // The network is back (or the user asked): try at once, with the back-off reset.
  retryNow(): void {
    this.attempt = 0;
    void this.flush();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const stop = this.stopReason();
      if (stop) return this.settleWaiting(stop);
      const next = this.entries.find((e) => e.state !== 'refused');
      if (!next) return;
      if (next.state === 'conflict') return this.settleWaiting({ kind: 'queued', why: 'behind' });
      const done = await this.send(next);
      if (!done) return;
    }
  }

  private stopReason(): (Outcome & { kind: 'queued' }) | null {
    if (!navigator.onLine) return { kind: 'queued', why: 'offline' };
    if (this.sender.signedIn() === null) return { kind: 'queued', why: 'signed-out' };
    return null;
  }

  // true: go on with the next entry; false: the queue stops here.
  private async send(e: Entry): Promise<boolean> {
    try {
      const res = await this.sender.request<unknown>(pathOf(e), {
        method: e.kind === 'edit' ? 'PATCH' : 'POST',
        body: e.body,
        // An inspection is a fact from the field: sent without If-Match, never refused because the
        // tree changed meanwhile (the API allows that, core::record_inspection).
        ifMatch: e.kind === 'inspection' ? undefined : e.ifMatch,
      });
      const { feature, etag } = written(e, res);
      await this.remove(e);
      if (etag) await this.rebase(e, etag);
      this.attempt = 0;
      this.onSent(e, feature, etag);
      this.settle(e, { kind: 'sent', feature, etag });
      return true;
    } catch (err) {
      return this.failed(e, err);
    }
  }

  private async failed(e: Entry, err: unknown): Promise<boolean> {
    if (!(err instanceof ApiError) || [0, 429, 502, 503, 504].includes(err.status)) {
      this.scheduleRetry(err instanceof ApiError ? err.retryAfter : undefined);
      this.settleWaiting({ kind: 'queued', why: navigator.onLine ? 'unavailable' : 'offline' });
      return false;
    }
    if (err.status === 401) {
      // The shell signs out (ApiClient.onUnauthorized); the entries wait for the next sign-in.
      this.settleWaiting({ kind: 'queued', why: 'unauthorized' });
      return false;
    }
    if (err.status === 412) {
      e.state = 'conflict';
      await this.save(e);
      this.changed();
      this.settle(e, { kind: 'conflict' });
      this.onConflict(e);
      this.settleWaiting({ kind: 'queued', why: 'behind' });
      return false;
    }
    e.state = 'refused';
    e.problem = { status: err.status, title: err.title, detail: err.detail };
    await this.save(e);
    this.changed();
    this.settle(e, { kind: 'refused', error: err });
    return true;
  }

  private scheduleRetry(retryAfterS?: number): void {
    const delay = Math.max(Math.min(retryMax, retryBase * 2 ** this.attempt), (retryAfterS ?? 0) * 1000);
    this.attempt += 1;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.flush(), delay);
  }

  // Later writes made against the version this one replaced now stand on the version it made,
  // but only when ours was the one change in between (an inspection goes without If-Match: if
  // someone else changed the tree meanwhile, the next edit must meet that change as a 412).
  private async rebase(sent: Entry, etag: string): Promise<void> {
    const before = versionOf(sent.ifMatch);
    const after = versionOf(etag);
    if (before === null || after !== before + 1) return;
    for (const e of this.entries) {
      if (e.treeId === sent.treeId && e.ifMatch === sent.ifMatch) {
        e.ifMatch = etag;
        await this.save(e);
      }
    }
  }

  private async remove(e: Entry): Promise<void> {
    if (e.seq !== undefined) await run(outboxStore, 'readwrite', (s) => s.delete(e.seq!));
    this.entries = this.entries.filter((x) => x !== e);
    this.changed();
  }

  private async save(e: Entry): Promise<void> {
    await run(outboxStore, 'readwrite', (s) => s.put(e));
  }

  private settle(e: Entry, o: Outcome): void {
    if (e.seq === undefined) return;
    const w = this.waiters.get(e.seq);
    this.waiters.delete(e.seq);
    w?.(o);
  }

  private settleWaiting(o: Outcome & { kind: 'queued' }): void {
    this.lastStop = o;
    this.changed();
    for (const [seq, w] of this.waiters) {
      this.waiters.delete(seq);
      w(o);
    }
  }

  stopped(): Outcome & { kind: 'queued' } {
    return this.lastStop;
  }

  private changed(): void {
    for (const f of this.listeners) f();
  }
}

function pathOf(e: Entry): string {
  const featureId = e.treeId;
  if (e.kind === 'edit') return apiPath('/collections/trees/items/{featureId}', { featureId });
  if (e.kind === 'inspection') return apiPath('/collections/trees/items/{featureId}/inspections', { featureId });
  return apiPath('/collections/trees/items/{featureId}/felling', { featureId });
}

// The tree as the write left it: PATCH and felling answer the feature; an inspection answers
// {inspection, tree, tree_etag}.
function written(e: Entry, res: ApiResult<unknown>): { feature: Feature | undefined; etag: string | undefined } {
  if (e.kind === 'inspection') {
    const b = res.body as { tree?: Feature; tree_etag?: string } | undefined;
    return { feature: b?.tree, etag: b?.tree_etag };
  }
  return { feature: res.body as Feature | undefined, etag: res.etag };
}

// "tree-12-v4" -> 4 (the API's ETags name the version: api/src/ogc/feature_json.cpp).
export function versionOf(etag: string): number | null {
  const m = /-v(\d+)"$/.exec(etag);
  return m ? Number(m[1]) : null;
}

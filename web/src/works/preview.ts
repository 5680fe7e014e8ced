// The conflicts a work would have, asked while it is drawn: POST /collections/works/preview
// with exactly a submission's body. Changes are debounced (150 ms) and a newer request aborts
// the one still running, so only the latest drawing is answered. A 429 (drawing faster than
// the server allows a key to preview) waits for its Retry-After and asks again, calmly.
import { ApiError, apiPath } from '../api/client';
import { api } from '../shell/session';
import type { Conflicts } from './conflicts';


export interface PreviewAnswer {
  conflicts: Conflicts;
  preview?: boolean;
}

export type PreviewState =
  | { state: 'waiting' }
  | { state: 'done'; answer: PreviewAnswer }
  | { state: 'refused'; error: ApiError } // 400/422: what is wrong with the drawing or a field
  | { state: 'limited'; seconds: number }
  | { state: 'failed'; error: ApiError };

export class Previewer {
  private timer: number | undefined;
  private controller: AbortController | null = null;
  private body: unknown = null;
  private generation = 0;
  private blockedUntil = 0; // after a 429: nothing is asked before its Retry-After has passed

  constructor(private readonly report: (s: PreviewState, generation: number) => void) {}

  // A change: asked after 150 ms without a further change.
  ask(body: unknown): void {
    this.body = body;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.send(), 150);
  }

  // Asked at once (a vertex was let go).
  now(body: unknown): void {
    this.body = body;
    window.clearTimeout(this.timer);
    void this.send();
  }

  stop(): void {
    window.clearTimeout(this.timer);
    this.controller?.abort();
    this.controller = null;
    this.body = null;
  }

  private async send(): Promise<void> {
    if (this.body === null) return;
    const wait = this.blockedUntil - Date.now();
    if (wait > 0) {
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => void this.send(), wait);
      return;
    }
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const generation = ++this.generation;
    this.report({ state: 'waiting' }, generation);
    try {
      const { body } = await api.request<PreviewAnswer>(apiPath('/collections/works/preview'), { method: 'POST', body: this.body, signal: controller.signal });
      if (controller.signal.aborted) return;
      this.report({ state: 'done', answer: body }, generation);
    } catch (e) {
      if (controller.signal.aborted || (e instanceof DOMException && e.name === 'AbortError')) return;
      if (!(e instanceof ApiError)) throw e;
      if (e.status === 429) {
        const seconds = Math.max(1, e.retryAfter ?? 1);
        this.report({ state: 'limited', seconds }, generation);
        this.blockedUntil = Date.now() + seconds * 1000;
        window.clearTimeout(this.timer);
        this.timer = window.setTimeout(() => void this.send(), seconds * 1000);
      } else if (e.status === 400 || e.status === 422) {
        this.report({ state: 'refused', error: e }, generation);
      } else {
        this.report({ state: 'failed', error: e }, generation);
      }
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }
}

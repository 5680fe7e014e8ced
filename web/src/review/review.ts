// Planners' part of the page: the review queue, a work's review with its decision, and the
// printable statement. main.ts calls initReview once, after the shell is up.
import { apiPath } from '../api/client';
import type { MapConfig } from '../api/types';
import { treeBounds } from '../map/map_screen';
import { registerScreen } from '../shell/shell';
import { reviewScreen } from './review_screen';

let config: MapConfig = { basemap: null };

// The same public file the map screen reads (the service worker may answer it offline).
async function loadConfig(): Promise<void> {
  try {
    const res = await fetch(apiPath('/map/config.json'), { headers: { Accept: 'application/json' }, credentials: 'omit', cache: 'no-cache' });
    if (res.ok) config = (await res.json()) as MapConfig;
  } catch {
    // No basemap then.
  }
}

export function initReview(): void {
  registerScreen(
    reviewScreen(
      () => config,
      async () => {
        const [, b] = await Promise.all([loadConfig(), treeBounds()]);
        return b;
      },
    ),
  );
}

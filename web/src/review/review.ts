// Planners' part of the page: the review queue, a work's review with its decision, and the
// printable statement. main.ts calls initReview once, after the shell is up.
import { apiPath } from '../api/client';
import type { MapConfig } from '../api/types';
import { t } from '../i18n/i18n';
import { registerAction } from '../map/feature_panel';
import { treeBounds } from '../map/map_screen';
import { closePanel } from '../shell/panel';
import { registerScreen, showScreen } from '../shell/shell';
import { reviewRoles, reviewScreen } from './review_screen';

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
  const screen = reviewScreen(
    () => config,
    async () => {
      const [, b] = await Promise.all([loadConfig(), treeBounds()]);
      return b;
    },
  );
  registerScreen(screen);
  // A work clicked on the map screen: its panel offers the review to planners and admins.
  registerAction({
    id: 'review',
    collection: 'works',
    roles: reviewRoles ?? [],
    label: () => t('review.open'),
    run(feature) {
      closePanel();
      showScreen('review');
      screen.openWork(Number(feature.id));
    },
  });
}

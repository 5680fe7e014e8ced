// The queue's one query: GET /collections/works/overview with the planner's filters. The server
// sorts (worst conflict first, then start) and counts the conflicts; the page only asks.
import { apiPath } from '../api/client';
import { berlinInstant, rfc3339 } from '../i18n/berlin_time';
import type { Polygon } from './review_map';
import type { Severity } from './severity';

export const overviewPath = apiPath('/collections/works/overview');
export const pageSize = 20;

export interface QueueFilter {
  statuses: string[]; // empty: every status
  from: string; // YYYY-MM-DD (Berlin) or ''
  to: string;
  area: Polygon | null;
}

export interface OverviewWork {
  id: number;
  reference: string;
  title: string;
  contractor: string;
  kind: string;
  status: string;
  starts_at: string;
  ends_at: string;
  version: number;
  bbox: number[];
  conflicts: { critical: number; high: number; medium: number; unacknowledged: number; clashes: number };
  worst: Severity | null;
}

export interface Overview {
  works: OverviewWork[];
  numberMatched: number;
  numberReturned: number;
}

// The dates are Berlin calendar days: from the first one's midnight to the last one's end.
export function datetimeParam(from: string, to: string): string | null {
  if (!from && !to) return null;
  const start = from ? rfc3339(berlinInstant(from)) : '..';
  const end = to ? rfc3339(berlinInstant(to, 23, 59, 59)) : '..';
  return `${start}/${end}`;
}

export function overviewQuery(f: QueueFilter, offset: number): URLSearchParams {
  const q = new URLSearchParams();
  if (f.statuses.length > 0) q.set('status', f.statuses.join(','));
  const dt = datetimeParam(f.from, f.to);
  if (dt) q.set('datetime', dt);
  if (f.area) q.set('area', JSON.stringify(f.area));
  q.set('limit', String(pageSize));
  if (offset > 0) q.set('offset', String(offset));
  return q;
}

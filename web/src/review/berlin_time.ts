// Works are planned in the city's local time (Europe/Berlin) and stored as UTC: the planners'
// screens show and take times in Europe/Berlin whatever the browser's own time zone is.
import { locale } from '../i18n/i18n';

const zone = 'Europe/Berlin';

// Minutes Europe/Berlin is ahead of UTC at the instant `utcMs` (60 in winter, 120 in summer).
function offsetMinutes(utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return Math.round((asUtc - utcMs) / 60000);
}

// The UTC instant of a Berlin wall-clock time on a calendar date "YYYY-MM-DD".
export function berlinInstant(date: string, hour = 0, minute = 0, second = 0): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hour, minute, second);
  // Twice: the offset of the guess may differ from the offset of the answer near a DST switch.
  let utc = wall - offsetMinutes(wall) * 60000;
  utc = wall - offsetMinutes(utc) * 60000;
  return new Date(utc);
}

// RFC 3339 in UTC without milliseconds, as the API writes its times.
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function berlinDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { timeZone: zone, dateStyle: 'medium' }).format(d);
}

export function berlinDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

// "1. Apr. 2028, 08:00 – 10. Apr. 2028, 17:00" in Berlin time.
export function berlinRange(startIso: string, endIso: string): string {
  return `${berlinDateTime(startIso)} – ${berlinDateTime(endIso)}`;
}

// Calendar days (Berlin) from one instant to another, both days counted.
export function berlinDays(startIso: string, endIso: string): number {
  const day = (iso: string) => {
    const t = new Date(iso).getTime();
    const local = t + offsetMinutes(t) * 60000;
    return Math.floor(local / 86400000);
  };
  return day(endIso) - day(startIso) + 1;
}

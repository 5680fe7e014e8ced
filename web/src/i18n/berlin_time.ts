// Works are planned in the city's local time (Europe/Berlin) and stored as UTC: the contractors'
// and planners' screens take and show times in Berlin time whatever the browser's own zone (a
// laptop set to UTC, a phone abroad). Intl knows Berlin's rules, summer time included; Date
// alone knows only the browser's zone.
import { locale } from './i18n';

const zone = 'Europe/Berlin';

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: zone,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

// Berlin's wall clock at the instant `ms`, as the fields of a UTC date (so that the difference
// to `ms` is Berlin's offset then).
function wallClock(ms: number): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const p: Record<string, number> = {};
  for (const x of parts.formatToParts(new Date(ms))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { y: p.year!, mo: p.month!, d: p.day!, h: p.hour!, mi: p.minute!, s: p.second! };
}

// Milliseconds Berlin is ahead of UTC at the instant `ms` (1 h in winter, 2 h in summer).
function offsetAt(ms: number): number {
  const w = wallClock(ms);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(ms / 1000) * 1000;
}

const two = (n: number) => String(n).padStart(2, '0');

// "2027-03-28T02:30" (a datetime-local value) read as Berlin time -> "2027-03-28T01:30:00Z".
// A wall time the clocks skip (the last Sunday of March, 02:00-03:00) is read with the offset
// before the change, as the clocks would show it a moment later (03:30 CEST); a time that comes
// twice in October is the first (summer time).
export function berlinToUtc(local: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m) return null;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  if (Number.isNaN(asUtc)) return null;
  // Berlin is UTC+1 (CET) or UTC+2 (CEST): the offset that Berlin's clock confirms. Both do
  // in the doubled hour of October (the summer one, earlier, is taken); neither in the skipped
  // hour of March (CET's, the clocks' reading a moment later).
  const summer = asUtc - 7200000;
  const winter = asUtc - 3600000;
  const chosen = offsetAt(summer) === 7200000 ? summer : winter;
  return rfc3339(new Date(chosen));
}

// The UTC instant of a Berlin wall-clock time on a calendar date "YYYY-MM-DD".
export function berlinInstant(date: string, hour = 0, minute = 0, second = 0): Date {
  return new Date(berlinToUtc(`${date}T${two(hour)}:${two(minute)}:${two(second)}`) ?? NaN);
}

// RFC 3339 in UTC without milliseconds, as the API writes its times.
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// "2027-03-28T01:30:00Z" -> "2027-03-28T03:30" for a datetime-local input.
export function utcToBerlinInput(utc: string): string {
  const ms = Date.parse(utc);
  if (Number.isNaN(ms)) return '';
  const w = wallClock(ms);
  return `${w.y}-${two(w.mo)}-${two(w.d)}T${two(w.h)}:${two(w.mi)}`;
}

// Today + `days` at `hour`:00 Berlin time, for a new work's default window.
export function berlinDefault(days: number, hour: number): string {
  const w = wallClock(Date.now() + days * 86400000);
  return `${w.y}-${two(w.mo)}-${two(w.d)}T${two(hour)}:00`;
}

export function berlinDate(iso: string, lang: string = locale()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { timeZone: zone, dateStyle: 'medium' }).format(d);
}

// A time of a work or of its history in Berlin's time, in the page's language.
export function berlinDateTime(iso: string, lang: string = locale()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

// "1. Apr. 2028, 08:00 – 10. Apr. 2028, 17:00" in Berlin time.
export function berlinRange(startIso: string, endIso: string): string {
  return `${berlinDateTime(startIso)} – ${berlinDateTime(endIso)}`;
}

// Calendar days (Berlin) from one instant to another, both days counted.
export function berlinDays(startIso: string, endIso: string): number {
  const day = (iso: string) => {
    const t = new Date(iso).getTime();
    return Math.floor((t + offsetAt(t)) / 86400000);
  };
  return day(endIso) - day(startIso) + 1;
}

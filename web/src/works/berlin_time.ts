// Works' time windows are entered and shown in Europe/Berlin's local time whatever the
// browser's own zone (a contractor's laptop set to UTC, a phone abroad), and sent as UTC
// (RFC 3339 with Z). Intl knows Berlin's rules, summer time included; Date alone knows only the
// browser's zone.

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

function offsetAt(ms: number): number {
  const w = wallClock(ms);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(ms / 1000) * 1000;
}

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
  const second = offsetAt(summer) === 7200000 ? summer : winter;
  return new Date(second).toISOString().replace(/\.000Z$/, 'Z');
}

// "2027-03-28T01:30:00Z" -> "2027-03-28T03:30" for a datetime-local input.
export function utcToBerlinInput(utc: string): string {
  const ms = Date.parse(utc);
  if (Number.isNaN(ms)) return '';
  const w = wallClock(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${w.y}-${two(w.mo)}-${two(w.d)}T${two(w.h)}:${two(w.mi)}`;
}

// A time of a work or of its history shown in Berlin's time, in the page's language.
export function formatBerlin(utc: string, lang: string): string {
  const ms = Date.parse(utc);
  if (Number.isNaN(ms)) return utc;
  return new Intl.DateTimeFormat(lang, { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms));
}

// Today + `days` at `hour`:00 Berlin time, for a new work's default window.
export function berlinDefault(days: number, hour: number): string {
  const w = wallClock(Date.now() + days * 86400000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${w.y}-${two(w.mo)}-${two(w.d)}T${two(hour)}:00`;
}

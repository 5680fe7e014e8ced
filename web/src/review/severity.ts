// Conflict severities as the planners' screens show them: always a word, the colour only
// repeats it (badges with text, map symbols with a legend).
import { t } from '../i18n/i18n';
import { el } from '../shell/dom';

export const severities = ['critical', 'high', 'medium'] as const;
export type Severity = (typeof severities)[number];

// Dark enough for white text (WCAG AA) on the badges; the same colours on the map.
export const severityColours: Record<Severity, string> = {
  critical: '#b00020',
  high: '#bf360c',
  medium: '#8d6e00',
};

export function isSeverity(s: unknown): s is Severity {
  return typeof s === 'string' && (severities as readonly string[]).includes(s);
}

export function severityBadge(s: Severity, count?: number): HTMLElement {
  const text = count === undefined ? t(`review.severity.${s}`) : t(`review.count.${s}`, { n: count });
  return el('span', { class: `badge badge-${s}`, 'data-severity': s, ...(count === undefined ? {} : { 'data-count': String(count) }) }, text);
}

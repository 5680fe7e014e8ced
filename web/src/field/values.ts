// A property's value as the field screens show it (the merge view, the outbox list).
import { formatNumber, hasKey, t } from '../i18n/i18n';

export function shownValue(key: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return t('value.none');
  if (Array.isArray(v)) return v.length === 0 ? t('value.none') : v.map((x) => shownValue(key, x)).join(', ');
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? t('value.yes') : t('value.no');
  if (key === 'status' && typeof v === 'string' && hasKey(`status.${v}`)) return t(`status.${v}` as 'status.existing');
  return String(v);
}

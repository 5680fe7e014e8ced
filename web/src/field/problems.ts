// The server's refusals in words a person understands. A 400/422 problem's detail starts with
// the field it concerns ("properties.height_m: 500 m is more than any tree on record (at most
// 120 m)", api/src/trees/tree_input.cpp); the known reasons map to catalogue strings, anything
// else falls back to the server's own words.
import { ApiError } from '../api/client';
import type { MessageKey } from '../i18n/catalogue';
import { t } from '../i18n/i18n';

export interface FieldProblem {
  field: string | null; // "height_m", "stem_circumferences_cm[1]", "inspected_on"; null: the whole form
  text: string;
}

const known: Array<[RegExp, MessageKey, (m: RegExpExecArray) => Record<string, string>]> = [
  [/more than any tree on record \(at most (\d+) (\w+)\)/, 'problem.tooLarge', (m) => ({ max: m[1]!, unit: m[2]! })],
  [/is not a size: must be > 0/, 'problem.notPositive', () => ({})],
  [/not a vitality stage/, 'problem.vitality', () => ({})],
  [/must be (a number|an array of numbers|an integer)/, 'problem.number', () => ({})],
  [/must be a date/, 'problem.date', () => ({})],
  [/contains a control character/, 'problem.control', () => ({})],
  [/bytes, at most (\d+)/, 'problem.tooLong', (m) => ({ max: m[1]! })],
  [/(\d+) stems, at most (\d+)/, 'problem.stems', (m) => ({ max: m[2]! })],
  [/lies in the future/, 'problem.future', () => ({})],
  [/lies before the inspection/, 'problem.beforeInspection', () => ({})],
  [/must lie after the inspection/, 'problem.afterInspection', () => ({})],
  [/is before 1000|lies after \d+/, 'problem.plantingYear', () => ({})],
  [/^required|: required/, 'problem.required', () => ({})],
  [/protection set by hand needs its reason/, 'problem.protectionReason', () => ({})],
];

export function fieldProblem(e: ApiError): FieldProblem {
  const detail = e.detail || e.title;
  const m = /^([A-Za-z_][\w.]*(?:\[\d+\])?): (.*)$/s.exec(detail);
  const field = m ? m[1]!.replace(/^properties\./, '') : null;
  const reason = m ? m[2]! : detail;
  for (const [re, key, params] of known) {
    const hit = re.exec(reason);
    if (hit) return { field, text: t(key, params(hit)) };
  }
  if (e.status === 409) return { field: null, text: t('problem.felled') };
  if (e.status === 403) return { field: null, text: t('problem.forbidden') };
  if (e.status === 404) return { field: null, text: t('problem.gone') };
  return { field, text: reason };
}

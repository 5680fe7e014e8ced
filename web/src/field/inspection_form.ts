// Recording an inspection (FLL Regelkontrolle or Zusatzkontrolle): date, kind, findings,
// measures with their deadline, next inspection. POST .../inspections, through the outbox and
// without If-Match: a fact from the field is never refused because the tree changed meanwhile.
import type { Feature, Properties } from '../api/types';
import { t } from '../i18n/i18n';
import { showFeature } from '../map/feature_panel';
import { openPanel } from '../shell/panel';
import { currentUser } from '../shell/session';
import { berlinDate } from './due_screen';
import { FormKit } from './form_kit';
import type { FieldProblem } from './problems';
import { submitWrite } from './write';

export function openInspectionForm(feature: Feature, etag: string | undefined): void {
  const p = feature.properties;
  const number = String(p.source_id ?? feature.id);
  const kit = new FormKit('inspection-form');
  kit.form.append(
    kit.date('inspected_on', 'inspection.date', berlinDate()),
    kit.select('kind', 'inspection.kind', [
      ['regular', t('inspection.regular')],
      ['additional', t('inspection.additional')],
    ], 'regular'),
    kit.textarea('findings', 'inspection.findings'),
    kit.textarea('measures', 'inspection.measures'),
    kit.date('measures_deadline', 'inspection.deadline', ''),
    kit.date('next_inspection', 'field.next_inspection', ''),
    kit.actions('inspection.save', () => void showFeature('trees', feature.id)),
  );
  kit.form.addEventListener('submit', (e) => {
    e.preventDefault();
    const problems: FieldProblem[] = [];
    const date = kit.value('inspected_on');
    if (!date) problems.push({ field: 'inspected_on', text: t('problem.required') });
    if (problems.length > 0) return kit.show(problems);
    const body: Record<string, unknown> = { inspected_on: date, kind: kit.value('kind') };
    for (const f of ['findings', 'measures']) if (kit.value(f)) body[f] = kit.value(f);
    for (const f of ['measures_deadline', 'next_inspection']) if (kit.value(f)) body[f] = kit.value(f);
    const shown: Properties = { last_inspection: date };
    if (body.next_inspection) shown.next_inspection = body.next_inspection;
    void submitWrite(kit, feature, {
      kind: 'inspection',
      treeId: Number(feature.id),
      treeNumber: number,
      ifMatch: etag ?? '',
      body,
      user: currentUser()?.name ?? '',
    }, shown);
  });
  openPanel(t('inspection.title', { number }), kit.form);
  kit.form.querySelector<HTMLInputElement>('input')?.focus();
}

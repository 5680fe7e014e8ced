// Editing a tree from its panel: species, stems, crown, height, vitality, development phase,
// status, site. Only what the user changed is sent (a merge patch, PATCH with If-Match of the
// version the panel showed), through the outbox: online it lands at once, offline it waits.
import type { Feature, Properties } from '../api/types';
import type { MessageKey } from '../i18n/catalogue';
import { t } from '../i18n/i18n';
import { showFeature } from '../map/feature_panel';
import { openPanel } from '../shell/panel';
import { currentUser } from '../shell/session';
import { submitWrite } from './write';
import { FormKit, parseNumber } from './form_kit';
import type { FieldProblem } from './problems';

const textFields = ['species_german', 'species_botanical', 'site', 'development_phase'] as const;
const numberFields = ['crown_diameter_m', 'height_m'] as const;

function sameStems(a: unknown, b: number[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);
}

// The properties that differ from the tree as read; problems for what cannot be read as typed.
export function editPatch(kit: FormKit, p: Properties): { patch: Properties; problems: FieldProblem[] } {
  const patch: Properties = {};
  const problems: FieldProblem[] = [];
  for (const f of textFields) {
    const v = kit.value(f);
    if (v !== (typeof p[f] === 'string' ? p[f] : '')) patch[f] = v;
  }
  for (const f of numberFields) {
    const v = parseNumber(kit.value(f));
    if (Number.isNaN(v)) problems.push({ field: f, text: t('problem.number') });
    else if (v !== (p[f] ?? null)) patch[f] = v;
  }
  const stems: number[] = [];
  kit.values('stem_circumferences_cm').forEach((text, i) => {
    const v = parseNumber(text);
    if (v === null) return;
    if (Number.isNaN(v)) problems.push({ field: `stem_circumferences_cm[${i}]`, text: t('problem.number') });
    else stems.push(v);
  });
  if (!sameStems(p.stem_circumferences_cm, stems)) patch.stem_circumferences_cm = stems;
  const vitality = kit.value('vitality');
  const vNow = vitality === '' ? null : Number(vitality);
  if (vNow !== (p.vitality ?? null)) patch.vitality = vNow;
  const status = kit.value('status');
  if (status !== p.status) patch.status = status;
  return { patch, problems };
}

export function openEditForm(feature: Feature, etag: string | undefined): void {
  const p = feature.properties;
  const kit = new FormKit('edit-form');
  const stems = Array.isArray(p.stem_circumferences_cm) ? (p.stem_circumferences_cm as number[]) : [];
  const vitality: Array<[string, string]> = [['', t('value.none')]];
  for (const v of [0, 1, 2, 3]) vitality.push([String(v), t(`vitality.${v}` as MessageKey)]);
  const statuses: Array<[string, string]> = [
    ['existing', t('status.existing')],
    ['planned', t('status.planned')],
  ];
  if (p.status === 'felled') statuses.push(['felled', t('status.felled')]);
  kit.form.append(
    kit.text('species_german', 'field.species_german', p.species_german),
    kit.text('species_botanical', 'field.species_botanical', p.species_botanical),
    kit.repeated('stem_circumferences_cm', 'edit.stems', (i) => t('edit.stem', { n: i + 1 }), stems),
    kit.number('crown_diameter_m', 'field.crown_diameter_m', p.crown_diameter_m),
    kit.number('height_m', 'field.height_m', p.height_m),
    kit.select('vitality', 'field.vitality', vitality, p.vitality === null || p.vitality === undefined ? '' : String(p.vitality)),
    kit.text('development_phase', 'field.development_phase', p.development_phase),
    kit.select('status', 'field.status', statuses, String(p.status ?? 'existing')),
    kit.text('site', 'field.site', p.site),
    kit.actions('edit.save', () => void showFeature('trees', feature.id)),
  );
  kit.form.addEventListener('submit', (e) => {
    e.preventDefault();
    const { patch, problems } = editPatch(kit, p);
    if (problems.length > 0) return kit.show(problems);
    if (Object.keys(patch).length === 0) return kit.notice(t('edit.unchanged'));
    void submitWrite(kit, feature, {
      kind: 'edit',
      treeId: Number(feature.id),
      treeNumber: String(p.source_id ?? feature.id),
      ifMatch: etag ?? '',
      body: { properties: patch },
      base: Object.fromEntries(Object.keys(patch).map((k) => [k, p[k] ?? null])),
      user: currentUser()?.name ?? '',
    }, patch);
  });
  openPanel(t('edit.title', { number: String(p.source_id ?? feature.id) }), kit.form);
  kit.form.querySelector<HTMLInputElement>('input')?.focus();
}

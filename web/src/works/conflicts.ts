// A work's conflicts as the API answers them (the submission, the preview, GET .../conflicts),
// and their list in words: for each tree its severity, distance and how far the work must move
// to leave the trench distance and the root zone; for each clash the other work and the days
// both are open.
import { formatNumber, t } from '../i18n/i18n';
import { el } from '../shell/dom';
import { berlinDateTime } from '../i18n/berlin_time';
import { locale } from '../i18n/i18n';

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface TreeConflict {
  type: 'Feature';
  id: number | null;
  geometry: { type: string; coordinates: number[] } | null;
  properties: {
    tree_id: number;
    severity: Severity;
    rule: string;
    min_distance_m: number;
    overlap_m2: number;
    overlap_share: number;
    // The preview's: the tree's radii and how much farther the work must be to leave each.
    zone?: { trench_distance_m: number; root_zone_m: number; rule?: string };
    clear_by_m?: { trench_distance: number | null; root_zone: number | null };
  };
}

export interface Clash {
  other_work_id: number;
  distance_m: number;
  overlap_start: string;
  overlap_end: string;
  // The preview's: what the works' public layer shows of the other work (its contact only to
  // those who may see it, and never shown here).
  other_work?: { reference?: string; title?: string; contractor?: string };
  [more: string]: unknown;
}

export interface Conflicts {
  trees: TreeConflict[];
  works: Clash[];
}

// A tree's number (its number in the city's cadastre, what people on site read off its tag)
// from its id, where the page knows it; the id otherwise.
export type TreeNumbers = (treeId: number) => string | undefined;

const order: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export function worst(c: Conflicts): Severity | 'none' {
  let best: Severity | 'none' = 'none';
  for (const f of c.trees) if (best === 'none' || order[f.properties.severity] < order[best]) best = f.properties.severity;
  return best;
}

function metres(n: number): string {
  return `${formatNumber(n, 1)} m`;
}

// One line per way out: "1,3 m mehr Abstand, um den Wurzelbereich zu verlassen".
function moves(c: TreeConflict): string[] {
  const out: string[] = [];
  const clear = c.properties.clear_by_m;
  if (!clear) return out;
  if (clear.trench_distance !== null && clear.trench_distance > 0) out.push(t('works.moveTrench', { m: formatNumber(clear.trench_distance, 1) }));
  if (clear.root_zone !== null && clear.root_zone > 0) out.push(t('works.moveRoot', { m: formatNumber(clear.root_zone, 1) }));
  return out;
}

export function conflictList(c: Conflicts, id: string, numbers?: TreeNumbers): HTMLElement {
  const box = el('section', { class: 'work-conflicts', id, 'aria-labelledby': `${id}-title` });
  const w = worst(c);
  box.dataset.worst = w;
  box.append(el('h3', { id: `${id}-title` }, t('works.conflictsTitle')));
  if (c.trees.length === 0 && c.works.length === 0) {
    box.append(el('p', { class: 'no-conflicts', 'data-testid': 'no-conflicts' }, t('works.noConflicts')));
    return box;
  }
  const trees = [...c.trees].sort((a, b) => order[a.properties.severity] - order[b.properties.severity] || a.properties.min_distance_m - b.properties.min_distance_m);
  if (trees.length > 0) {
    const list = el('ul', { class: 'conflict-list' });
    for (const f of trees) {
      const p = f.properties;
      const badge = el('span', { class: `severity severity-${p.severity}` }, t(`works.severity.${p.severity}`));
      const detail = el('span', { class: 'conflict-detail' }, t('works.treeDistance', { tree: numbers?.(p.tree_id) ?? String(p.tree_id), d: metres(p.min_distance_m) }));
      const parts: Node[] = [badge, detail];
      if (p.overlap_share > 0) parts.push(el('span', { class: 'conflict-share' }, t('works.overlap', { share: formatNumber(p.overlap_share * 100, 0) })));
      for (const m of moves(f)) parts.push(el('span', { class: 'conflict-move' }, m));
      if (p.rule) parts.push(el('span', { class: 'conflict-rule muted' }, p.rule));
      list.append(el('li', { class: 'conflict', 'data-tree-id': String(p.tree_id), 'data-severity': p.severity }, ...parts));
    }
    box.append(list);
  }
  if (c.works.length > 0) {
    box.append(el('h4', {}, t('works.clashesTitle')));
    const list = el('ul', { class: 'clash-list' });
    for (const k of c.works) {
      const when = t('works.clashWhen', { from: berlinDateTime(k.overlap_start, locale()), to: berlinDateTime(k.overlap_end, locale()) });
      list.append(
        el('li', { class: 'clash', 'data-work-id': String(k.other_work_id) },
          el('span', { class: 'conflict-detail' }, clashName(k)),
          el('span', { class: 'muted' }, when)),
      );
    }
    box.append(list);
  }
  return box;
}

function clashName(k: Clash): string {
  const o = k.other_work;
  if (o?.reference) return t('works.clashNamed', { reference: o.reference, title: o.title ?? '', org: o.contractor ?? '', d: metres(k.distance_m) });
  return t('works.clash', { work: String(k.other_work_id), d: metres(k.distance_m) });
}

// Counts by severity for the list of works: "2 kritisch, 1 hoch".
export function severityCounts(counts: Partial<Record<Severity, number>>, clashes: number): string {
  const parts: string[] = [];
  for (const s of ['critical', 'high', 'medium'] as const) {
    const n = counts[s] ?? 0;
    if (n > 0) parts.push(`${n} ${t(`works.severity.${s}`)}`);
  }
  if (clashes > 0) parts.push(t('works.clashCount', { n: clashes }));
  return parts.length > 0 ? parts.join(', ') : t('works.noConflictsShort');
}

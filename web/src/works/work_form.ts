// The editor of a work, a mode of the map: the drawing tools and the form in the panel, the
// conflicts previewed on the map and in the list at every change of either. Used for a new work
// (POST, as a draft or submitted) and for editing one while it is a draft or changes were
// requested (PUT with If-Match; a 412 goes to the comparison of edit_conflict.ts).
import { ApiError } from '../api/client';
import { itemPath, itemsPath } from '../api/paths';
import { FormKit, parseNumber } from '../field/form_kit';
import type { FieldProblem } from '../field/problems';
import type { MessageKey } from '../i18n/catalogue';
import { t } from '../i18n/i18n';
import { setMapClickGuard, theMap } from '../map/map_screen';
import { el } from '../shell/dom';
import { bus } from '../shell/events';
import { closePanel, openPanel } from '../shell/panel';
import { api, currentRole, currentUser } from '../shell/session';
import { showScreen } from '../shell/shell';
import { berlinDefault, berlinToUtc, utcToBerlinInput } from '../i18n/berlin_time';
import { conflictList } from './conflicts';
import * as maplibregl from 'maplibre-gl';
import { WorkDrawing, type Geometry, type Shape } from './draw';
import { openEditConflict } from './edit_conflict';
import { clearConflicts, showConflicts, showWorkExtent, treeNumbersOnMap } from './overlay';
import { Previewer, type PreviewState } from './preview';
import { workProblems, type WorkProblem } from './problems';
import { defaultKind, forShape, kinds, shapeOf, workBody, type WorkFeature, type WorkProps } from './work_body';
import { showWork } from './work_page';

declare global {
  interface Window {
    __rootzoneLastPreview?: unknown; // the tests read the server's numbers behind the list
  }
}

export type EditorStart =
  | { mode: 'create' }
  // `base` is the version the user edits; `values` what to put in the form instead of its own
  // (a redo after a 412 carries the user's changes onto the new version).
  | { mode: 'edit'; base: WorkFeature; etag: string; values?: Partial<WorkProps>; geometry?: WorkFeature['geometry'] };

let active: { drawing: WorkDrawing; previewer: Previewer } | null = null;

function endEditor(): void {
  if (!active) return;
  active.previewer.stop();
  active.drawing.stop();
  const map = theMap();
  if (map) {
    clearConflicts(map);
    showWorkExtent(map, null, null);
  }
  active = null;
  setMapClickGuard(() => false);
  document.body.classList.remove('drawing-work');
}

const tools: Array<[Shape, MessageKey]> = [
  ['line', 'works.tool.line'],
  ['polygon', 'works.tool.polygon'],
  ['point', 'works.tool.point'],
];

// Signed out or another user: the editor goes with the panel.
export function closeWorkEditor(): void {
  if (active) closePanel();
}

export function openWorkEditor(start: EditorStart): void {
  endEditor();
  showScreen('map');
  const map = theMap();
  if (!map) return;
  const editing = start.mode === 'edit' ? start : null;
  const initial: Partial<WorkProps> = editing ? { ...editing.base.properties, ...editing.values } : {};

  // --- the drawing
  const problem = el('p', { class: 'field-error draw-problem', id: 'draw-problem', role: 'alert' });
  problem.hidden = true;
  const hint = el('p', { class: 'draw-hint muted', id: 'draw-hint' }, t(editing ? 'works.hint.edit' : 'works.hint.choose'));
  const toolButtons = tools.map(([shape, key]) => {
    const b = el('button', { type: 'button', class: 'tool-button', id: `draw-${shape}`, 'aria-pressed': 'false', 'data-shape': shape }, t(key));
    b.addEventListener('click', () => {
      drawing.begin(shape);
      toolButtons.forEach((x) => x.setAttribute('aria-pressed', String(x === b)));
      hint.textContent = t(shape === 'point' ? 'works.hint.point' : shape === 'line' ? 'works.hint.line' : 'works.hint.polygon');
      kit.form.querySelector<HTMLSelectElement>('[name=kind]')!.value = defaultKind[shape];
      showSizes(shape);
    });
    return b;
  });
  const toolbar = el('div', { class: 'draw-tools', role: 'group', 'aria-label': t('works.tools') }, ...toolButtons);

  // --- the preview
  const status = el('p', { class: 'preview-status', id: 'work-preview-status', role: 'status', 'data-state': 'idle' });
  const listBox = el('div', { id: 'work-preview' });

  // --- the form
  const kit = new FormKit('work-form');
  const kindOptions = kinds.map((k) => [k, t(`kind.${k}`)] as [string, string]);
  const sizeHint = t('works.sizeHint');
  kit.form.append(
    kit.select('kind', 'field.kind', kindOptions, initial.kind ?? 'trench'),
    kit.text('title', 'field.title', initial.title ?? ''),
    kit.text('reference', 'field.reference', initial.reference ?? ''),
    kit.text('contact', 'field.contact', initial.contact ?? '', { autocomplete: 'email' }),
  );
  if (currentRole() === 'admin' && !editing) kit.form.append(kit.text('contractor', 'field.contractor', currentUser()?.organisation ?? ''));
  kit.form.append(
    kit.text('starts_at', 'works.startsAt', initial.starts_at ? utcToBerlinInput(initial.starts_at) : berlinDefault(1, 7)),
    kit.text('ends_at', 'works.endsAt', initial.ends_at ? utcToBerlinInput(initial.ends_at) : berlinDefault(15, 17)),
    kit.number('width_m', 'field.width_m', initial.width_m ?? 0.6, sizeHint),
    kit.number('radius_m', 'field.radius_m', initial.radius_m ?? 2, sizeHint),
    kit.number('depth_m', 'field.depth_m', initial.depth_m ?? null),
  );
  for (const name of ['starts_at', 'ends_at']) {
    const input = kit.form.querySelector<HTMLInputElement>(`[name=${name}]`)!;
    input.type = 'datetime-local';
  }
  const draft = el('button', { type: 'button', class: 'text-button secondary-button', id: 'work-save-draft' }, t(editing ? 'works.save' : 'works.saveDraft'));
  const submit = el('button', { type: 'submit', class: 'primary-button', id: 'work-submit' }, t(editing ? 'works.saveAndShow' : 'works.submit'));
  const cancel = el('button', { type: 'button', class: 'text-button', id: 'work-editor-cancel' }, t('dialog.cancel'));
  // An edit keeps the work's status (the status changes through its own buttons): one save.
  kit.form.append(el('div', { class: 'form-actions' }, cancel, ...(editing ? [] : [draft]), submit));
  kit.form.querySelector('[data-field="starts_at"] label')?.append(el('span', { class: 'muted' }, ` ${t('works.berlinTime')}`));

  const showSizes = (shape: Shape | null) => {
    (kit.form.querySelector('[data-field="width_m"]') as HTMLElement).hidden = shape !== 'line';
    (kit.form.querySelector('[data-field="radius_m"]') as HTMLElement).hidden = shape !== 'point';
  };

  const body = el('div', { class: 'work-editor', id: 'work-editor' },
    el('section', { class: 'draw-section', 'aria-labelledby': 'draw-title' }, el('h3', { id: 'draw-title' }, t('works.drawTitle')), toolbar, hint, problem),
    status,
    listBox,
    kit.form,
  );

  // --- what the preview says
  let latest: PreviewState | null = null;
  const showProblems = (problems: WorkProblem[], quiet: boolean) => {
    const geometry = problems.filter((p) => p.field === 'geometry');
    problem.hidden = geometry.length === 0;
    problem.textContent = geometry.map((p) => p.text).join(' ');
    const others: FieldProblem[] = problems.filter((p) => p.field !== 'geometry').map((p) => ({ field: p.field || null, text: p.text }));
    const focus = document.activeElement as HTMLElement | null;
    if (others.length > 0) kit.show(others);
    else kit.clearErrors();
    // While drawing, a problem is shown where it is, without taking the focus away.
    if (quiet) focus?.focus?.();
    else if (others.length === 0 && geometry.length > 0) problem.scrollIntoView({ block: 'nearest' });
  };
  let newest = 0;
  const previewer = new Previewer((s, generation) => {
    latest = s;
    newest = generation;
    status.dataset.state = s.state;
    if (s.state === 'waiting') {
      status.textContent = t('works.preview.waiting');
      return;
    }
    if (s.state === 'done') {
      if (window.__rootzoneTest) window.__rootzoneLastPreview = s.answer;
      status.textContent = '';
      showProblems([], true);
      // An edited work's stored version is not a clash of its own.
      const own = editing?.base.id;
      const conflicts = { ...s.answer.conflicts, works: s.answer.conflicts.works.filter((k) => k.other_work_id !== own) };
      listBox.replaceChildren(conflictList(conflicts, 'preview-conflicts', treeNumbersOnMap(map)));
      void showConflicts(map, s.answer.conflicts.trees).then(() => {
        if (generation === newest) performance.mark('rz-conflicts-shown');
        status.dataset.shown = String(generation);
      });
      return;
    }
    clearConflicts(map);
    listBox.replaceChildren();
    if (s.state === 'refused') {
      status.dataset.refused = String(generation);
      status.textContent = t('works.preview.refused');
      showProblems(workProblems(s.error), true);
    } else if (s.state === 'limited') {
      status.textContent = t('works.preview.limited', { n: s.seconds });
    } else {
      status.textContent = s.error.status === 0 ? t('error.network') : t('works.preview.failed', { detail: s.error.detail || s.error.title });
    }
  });

  // The form's values; problems the page can see itself are listed, nothing is sent then.
  const read = (placeholders: boolean): { props: WorkProps; problems: WorkProblem[] } => {
    const problems: WorkProblem[] = [];
    const number = (name: string): number | null => {
      const v = parseNumber(kit.value(name));
      if (v !== null && Number.isNaN(v)) {
        problems.push({ field: name, text: t('problem.number') });
        return null;
      }
      return v;
    };
    const time = (name: string): string => {
      const v = berlinToUtc(kit.value(name));
      if (!v) problems.push({ field: name, text: t('problem.date') });
      return v ?? '';
    };
    const text = (name: string): string => kit.value(name) || (placeholders ? t('works.previewPlaceholder') : '');
    const props: WorkProps = {
      reference: text('reference'),
      title: text('title'),
      kind: kit.value('kind'),
      contact: kit.value('contact'),
      starts_at: time('starts_at'),
      ends_at: time('ends_at'),
      depth_m: number('depth_m'),
      width_m: number('width_m'),
      radius_m: number('radius_m'),
    };
    const contractor = kit.value('contractor');
    if (contractor) props.contractor = contractor;
    return { props, problems };
  };

  const askPreview = (now: boolean) => {
    const geometry = drawing.geometry();
    if (!geometry) {
      previewer.stop();
      clearConflicts(map);
      listBox.replaceChildren();
      status.textContent = '';
      status.dataset.state = 'idle';
      latest = null;
      return;
    }
    const { props, problems } = read(true);
    if (problems.length > 0) {
      previewer.stop();
      showProblems(problems, true);
      return;
    }
    showWorkExtent(map, geometry.type === 'Point' ? geometry.coordinates : null, props.radius_m);
    const b = workBody(geometry, { ...props, status: 'draft' });
    if (now) previewer.now(b);
    else previewer.ask(b);
  };

  const drawing = new WorkDrawing(map, {
    changed: () => askPreview(false),
    dragEnded: () => {
      performance.mark('rz-drag-end');
      askPreview(true);
    },
    finished: () => {
      hint.textContent = t('works.hint.edit');
      showSizes(drawing.currentShape());
    },
  });
  active = { drawing, previewer };
  setMapClickGuard(() => true);
  document.body.classList.add('drawing-work');
  kit.form.addEventListener('input', () => askPreview(false));
  kit.form.addEventListener('change', () => askPreview(false));

  if (editing) {
    const geometry = editing.geometry ?? editing.base.geometry;
    drawing.load(geometry);
    fitTo(map, geometry);
    showSizes(shapeOf(geometry));
    const sel = toolButtons.find((b) => b.dataset.shape === shapeOf(geometry));
    sel?.setAttribute('aria-pressed', 'true');
  } else {
    showSizes(null);
  }

  // --- sending
  let sending = false;
  const send = async (asDraft: boolean) => {
    if (sending) return;
    const geometry = drawing.geometry();
    const { props, problems } = read(false);
    if (!geometry) problems.unshift({ field: 'geometry', text: t('works.problem.noDrawing') });
    // The last preview refused the drawing or a field: that is what the submission would meet.
    if (problems.length === 0 && latest?.state === 'refused') problems.push(...workProblems(latest.error));
    if (problems.length > 0) return showProblems(problems, false);
    sending = true;
    draft.disabled = submit.disabled = true;
    try {
      if (!editing) {
        const b = workBody(geometry!, { ...props, status: asDraft ? 'draft' : 'submitted' });
        const res = await api.request<WorkFeature>(itemsPath('works'), { method: 'POST', body: b });
        finish(res.body, res.etag);
      } else {
        const b = workBody(geometry!, props);
        try {
          const res = await api.request<WorkFeature>(itemPath('works', editing.base.id), { method: 'PUT', body: b, ifMatch: editing.etag });
          finish(res.body, res.etag);
        } catch (e) {
          if (e instanceof ApiError && e.status === 412) {
            endEditor();
            void openEditConflict(editing.base, { geometry: geometry!, props: forShape(props, geometry!) });
            return;
          }
          throw e;
        }
      }
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      showProblems(e.status === 400 || e.status === 422 ? workProblems(e) : [{ field: '', text: e.status === 0 ? t('error.network') : `${e.title}: ${e.detail}` }], false);
    } finally {
      sending = false;
      draft.disabled = submit.disabled = false;
    }
  };
  const finish = (work: WorkFeature, etag: string | undefined) => {
    endEditor();
    bus.emit('data-changed', { collection: 'works', id: work.id });
    void showWork(work.id, { answer: work, etag, just: editing ? 'saved' : work.properties.status === 'draft' ? 'draft' : 'submitted' });
  };
  kit.form.addEventListener('submit', (e) => {
    e.preventDefault();
    void send(false);
  });
  draft.addEventListener('click', () => void send(true));
  cancel.addEventListener('click', () => {
    closePanel();
  });

  openPanel(t(editing ? 'works.editTitle' : 'works.newTitle', { reference: editing?.base.properties.reference ?? '' }), body, endEditor);
  if (editing) askPreview(true);
  (editing ? kit.form.querySelector<HTMLElement>('[name=title]') : toolButtons[0])?.focus();
}

// The work in view, beside the side panel (desktop) or above the bottom sheet (phone).
function fitTo(map: maplibregl.Map, g: Geometry): void {
  const flat = JSON.stringify(g.coordinates).match(/-?\d+(\.\d+)?(e-?\d+)?/g)?.map(Number) ?? [];
  const xs = flat.filter((_, i) => i % 2 === 0);
  const ys = flat.filter((_, i) => i % 2 === 1);
  if (xs.length === 0) return;
  const b = new maplibregl.LngLatBounds([Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]);
  const c = map.getContainer();
  const wide = window.matchMedia('(min-width: 768px)').matches;
  const padding = wide ? { top: 60, bottom: 60, left: 60, right: 420 } : { top: 40, bottom: Math.round(c.clientHeight * 0.6), left: 40, right: 40 };
  // Already in view: left alone (the user chose the view, and the tests place their pointer).
  const view = map.getBounds();
  if (view.contains(b.getNorthEast()) && view.contains(b.getSouthWest())) return;
  map.fitBounds(b, { padding, maxZoom: 19, duration: 0 });
}

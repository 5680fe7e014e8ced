// The field forms' parts: every input with its label and its own error line (aria-describedby,
// aria-invalid), an error summary that is announced (role=alert), 44 px targets (field.css).
// Numbers are typed as text with inputmode=decimal, so that "12,5" (German) and "12.5" both
// read as 12.5, and a typo is reported instead of silently sent as empty.
import type { MessageKey } from '../i18n/catalogue';
import { locale, t } from '../i18n/i18n';
import { el } from '../shell/dom';
import type { FieldProblem } from './problems';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

interface Slot {
  control: Control;
  error: HTMLElement;
  wrapper: HTMLElement;
}

export class FormKit {
  readonly form: HTMLFormElement;
  readonly summary: HTMLElement;
  private slots = new Map<string, Slot>();
  private count = 0;

  constructor(readonly id: string) {
    this.summary = el('div', { class: 'form-summary', role: 'alert', id: `${id}-summary`, tabindex: '-1' });
    this.summary.hidden = true;
    this.form = el('form', { class: 'field-form', id, novalidate: '' }, this.summary);
  }

  private slot(name: string, labelKey: MessageKey | string, control: Control, hint?: string): HTMLElement {
    const cid = `${this.id}-${++this.count}`;
    control.id = cid;
    control.name = name;
    const error = el('p', { class: 'field-error', id: `${cid}-error` });
    error.hidden = true;
    const label = el('label', { for: cid }, labelKey.includes('.') ? t(labelKey as MessageKey) : labelKey);
    const parts: Node[] = [label];
    if (hint) {
      const h = el('p', { class: 'field-hint', id: `${cid}-hint` }, hint);
      control.setAttribute('aria-describedby', h.id);
      parts.push(h);
    }
    parts.push(control, error);
    const wrapper = el('div', { class: 'form-field', 'data-field': name }, ...parts);
    this.slots.set(name, { control, error, wrapper });
    return wrapper;
  }

  text(name: string, labelKey: MessageKey, value: unknown, opts: { list?: string; autocomplete?: string } = {}): HTMLElement {
    const input = el('input', { type: 'text', autocomplete: opts.autocomplete ?? 'off' });
    if (opts.list) input.setAttribute('list', opts.list);
    input.value = typeof value === 'string' ? value : '';
    return this.slot(name, labelKey, input);
  }

  number(name: string, labelKey: MessageKey | string, value: unknown, hint?: string): HTMLElement {
    const input = el('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off' });
    input.value = typeof value === 'number' ? formatPlain(value) : '';
    return this.slot(name, labelKey, input, hint);
  }

  date(name: string, labelKey: MessageKey, value: string): HTMLElement {
    const input = el('input', { type: 'date' });
    input.value = value;
    return this.slot(name, labelKey, input);
  }

  textarea(name: string, labelKey: MessageKey, value = ''): HTMLElement {
    const area = el('textarea', { rows: '3' });
    area.value = value;
    return this.slot(name, labelKey, area);
  }

  select(name: string, labelKey: MessageKey, options: Array<[string, string]>, value: string): HTMLElement {
    const s = el('select', {});
    for (const [v, text] of options) {
      const o = el('option', { value: v }, text);
      if (v === value) o.selected = true;
      s.append(o);
    }
    return this.slot(name, labelKey, s);
  }

  // Several numbers under one name (the stems): name[0], name[1] ... each its own slot.
  repeated(name: string, legendKey: MessageKey, itemLabel: (i: number) => string, values: number[]): HTMLElement {
    const list = el('div', { class: 'repeated-list' });
    const error = el('p', { class: 'field-error', id: `${this.id}-${name}-error` });
    error.hidden = true;
    const legend = el('legend', {}, t(legendKey));
    const fieldset = el('fieldset', { class: 'form-field repeated', 'data-field': name }, legend, list, error);
    const relabel = () => {
      [...list.children].forEach((row, i) => {
        const input = row.querySelector('input')!;
        input.name = `${name}[${i}]`;
        row.querySelector('label')!.textContent = itemLabel(i);
        row.querySelector('button')!.setAttribute('aria-label', t('edit.removeStem', { n: i + 1 }));
      });
      this.rebuildRepeated(name, list);
    };
    const addRow = (v: number | null, focus: boolean) => {
      const input = el('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off' });
      input.id = `${this.id}-${++this.count}`;
      input.value = v === null ? '' : formatPlain(v);
      const remove = el('button', { type: 'button', class: 'icon-button remove-button' }, '×');
      const error = el('p', { class: 'field-error', id: `${input.id}-error` });
      error.hidden = true;
      const row = el('div', { class: 'repeated-row' }, el('label', { for: input.id }), input, remove, error);
      remove.addEventListener('click', () => {
        const next = (row.nextElementSibling ?? row.previousElementSibling)?.querySelector('input');
        row.remove();
        relabel();
        (next ?? add).focus();
      });
      list.append(row);
      relabel();
      if (focus) input.focus();
    };
    const add = el('button', { type: 'button', class: 'text-button add-button' }, t('edit.addStem'));
    add.addEventListener('click', () => addRow(null, true));
    for (const v of values) addRow(v, false);
    fieldset.append(add);
    this.slots.set(name, { control: add as unknown as HTMLInputElement, error, wrapper: fieldset });
    return fieldset;
  }

  private rebuildRepeated(name: string, list: HTMLElement): void {
    for (const key of [...this.slots.keys()]) if (key.startsWith(`${name}[`)) this.slots.delete(key);
    [...list.querySelectorAll<HTMLElement>(':scope > .repeated-row')].forEach((row, i) => {
      const control = row.querySelector('input')!;
      const error = row.querySelector<HTMLElement>('.field-error')!;
      this.slots.set(`${name}[${i}]`, { control, error, wrapper: row });
    });
  }

  value(name: string): string {
    return this.slots.get(name)?.control.value.trim() ?? '';
  }

  values(prefix: string): string[] {
    const out: string[] = [];
    for (let i = 0; this.slots.has(`${prefix}[${i}]`); ++i) out.push(this.value(`${prefix}[${i}]`));
    return out;
  }

  clearErrors(): void {
    this.summary.hidden = true;
    this.summary.replaceChildren();
    for (const { control, error } of this.slots.values()) {
      error.hidden = true;
      error.textContent = '';
      control.removeAttribute('aria-invalid');
      const hint = control.getAttribute('aria-describedby')?.split(' ').filter((id) => !id.endsWith('-error')) ?? [];
      if (hint.length > 0) control.setAttribute('aria-describedby', hint.join(' '));
      else control.removeAttribute('aria-describedby');
    }
  }

  // Each problem at its field (or in the summary when it names none), the summary announced,
  // the first field concerned focused.
  show(problems: FieldProblem[]): void {
    this.clearErrors();
    let first: Control | null = null;
    const general: string[] = [];
    for (const p of problems) {
      const s = p.field ? this.slots.get(p.field) ?? this.slots.get(p.field.replace(/\[\d+\]$/, '')) : undefined;
      if (!s) {
        general.push(p.text);
        continue;
      }
      s.error.textContent = p.text;
      s.error.hidden = false;
      s.control.setAttribute('aria-invalid', 'true');
      const described = new Set((s.control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
      described.add(s.error.id);
      s.control.setAttribute('aria-describedby', [...described].join(' '));
      first ??= s.control;
    }
    const lines = general.length > 0 ? general : [t('form.checkFields')];
    this.summary.replaceChildren(...lines.map((l) => el('p', {}, l)));
    this.summary.hidden = false;
    (first ?? this.summary).focus?.();
  }

  notice(text: string): void {
    this.summary.replaceChildren(el('p', {}, text));
    this.summary.hidden = false;
  }

  actions(submitKey: MessageKey, cancel: () => void): HTMLElement {
    const submit = el('button', { type: 'submit', class: 'primary-button' }, t(submitKey));
    const back = el('button', { type: 'button', class: 'text-button' }, t('dialog.cancel'));
    back.addEventListener('click', cancel);
    return el('div', { class: 'form-actions' }, back, submit);
  }
}

// A number as the user would type it back: "12.5" in English, "12,5" in German, no grouping.
export function formatPlain(n: number): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 2, useGrouping: false }).format(n);
}

// "12,5", "12.5", " 12 " -> 12.5/12; "" -> null; anything else -> NaN (reported at the field).
export function parseNumber(text: string): number | null {
  const s = text.trim().replace(/\s/g, '');
  if (s === '') return null;
  if (!/^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/.test(s)) return NaN;
  return Number(s.replace(',', '.'));
}

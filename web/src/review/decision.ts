// The planner's decision on a work: approve (with conditions), request changes or refuse (each
// with a comment saying why), sent with If-Match. The lifecycle is the server's: a 409 names the
// transitions allowed from the work's status, which are shown as they are; a 412 means someone
// else changed the work meanwhile: it is read again and the planner decides on what is current.
import { ApiError, apiPath } from '../api/client';
import type { MessageKey } from '../i18n/catalogue';
import { hasKey, t } from '../i18n/i18n';
import { el } from '../shell/dom';
import { api } from '../shell/session';

export type Decision = 'approved' | 'changes_requested' | 'refused';

export interface DecisionDraft {
  comment: string;
  conditions: string;
}

export interface DecisionHooks {
  workId: number;
  etag: () => string | undefined;
  // After a decision landed (message to announce) or after a 412 (reload, keep the draft).
  decided(status: string): void;
  stale(draft: DecisionDraft): void;
}

function statusWord(s: string): string {
  const key = `status.${s}`;
  return hasKey(key) ? t(key) : s;
}

// "… from approved the lifecycle allows: in_progress, cancelled (for role planner: none)": the
// statuses the lifecycle allows from here, and those of them the caller's role may make, as codes.
export function allowedFromDetail(detail: string): { from: string; lifecycle: string[]; role: string[] } | null {
  const m = /from (\w+) the lifecycle allows: ([^(]*)\(for role \w+: ([^)]*)\)/.exec(detail);
  if (!m) return null;
  const list = (text: string) => (text.trim() === 'none' ? [] : text.split(',').map((s) => s.trim()).filter(Boolean));
  return { from: m[1]!, lifecycle: list(m[2]!), role: list(m[3]!) };
}

const buttons: Array<{ decision: Decision; id: string; label: MessageKey; cls: string }> = [
  { decision: 'approved', id: 'review-approve', label: 'review.decide.approve', cls: 'primary-button' },
  { decision: 'changes_requested', id: 'review-request-changes', label: 'review.decide.changes', cls: 'primary-button warn-button' },
  { decision: 'refused', id: 'review-refuse', label: 'review.decide.refuse', cls: 'primary-button danger-button' },
];

export function decisionForm(hooks: DecisionHooks, draft: DecisionDraft): HTMLElement {
  const comment = el('textarea', { id: 'review-comment', name: 'comment', rows: '3', 'aria-describedby': 'review-comment-hint review-comment-error' });
  comment.value = draft.comment;
  const conditions = el('textarea', { id: 'review-conditions', name: 'conditions', rows: '3', 'aria-describedby': 'review-conditions-hint review-conditions-error' });
  conditions.value = draft.conditions;
  const commentError = el('p', { id: 'review-comment-error', class: 'field-error' });
  const conditionsError = el('p', { id: 'review-conditions-error', class: 'field-error' });
  commentError.hidden = conditionsError.hidden = true;
  const result = el('div', { id: 'review-decision-result', class: 'decision-result', 'aria-live': 'polite' });
  result.hidden = true;

  const clear = () => {
    for (const [input, error] of [[comment, commentError], [conditions, conditionsError]] as const) {
      input.removeAttribute('aria-invalid');
      error.hidden = true;
      error.textContent = '';
    }
    result.hidden = true;
    result.replaceChildren();
    result.removeAttribute('role');
  };
  const fieldError = (input: HTMLTextAreaElement, error: HTMLElement, text: string) => {
    error.textContent = text;
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  };
  const fail = (...content: Array<Node | string>) => {
    result.setAttribute('role', 'alert');
    result.dataset.kind = 'error';
    result.replaceChildren(...content);
    result.hidden = false;
    result.scrollIntoView({ block: 'nearest' });
  };

  const send = async (decision: Decision, button: HTMLButtonElement) => {
    clear();
    const c = comment.value.trim();
    const k = conditions.value.trim();
    if (decision !== 'approved' && !c) return fieldError(comment, commentError, t('review.decide.needsComment'));
    if (decision !== 'approved' && k) return fieldError(conditions, conditionsError, t('review.decide.conditionsOnlyApproval'));
    const body: Record<string, string> = { to: decision };
    if (c) body.comment = c;
    if (decision === 'approved' && k) body.conditions = k;
    for (const b of form.querySelectorAll('button')) b.disabled = true;
    try {
      await api.request(apiPath('/collections/works/items/{featureId}/status', { featureId: hooks.workId }), {
        method: 'POST',
        body,
        ifMatch: hooks.etag(),
      });
      hooks.decided(decision);
    } catch (e) {
      for (const b of form.querySelectorAll('button')) b.disabled = false;
      if (!(e instanceof ApiError)) return fail(String(e));
      if (e.status === 412) return hooks.stale({ comment: comment.value, conditions: conditions.value });
      if (e.status === 409) {
        const parsed = allowedFromDetail(e.detail);
        if (!parsed) return fail(t('review.failed', { detail: e.detail || e.title }));
        const item = (st: string) => el('li', { 'data-status': st, 'data-yours': String(parsed.role.includes(st)) }, statusWord(st));
        return fail(
          el('p', {}, t('review.decide.illegal', { from: statusWord(parsed.from), to: statusWord(decision) })),
          el('p', {}, parsed.lifecycle.length > 0 ? t('review.decide.allowed') : t('review.decide.allowedNone')),
          el('ul', { id: 'review-allowed', class: 'allowed-list' }, ...parsed.lifecycle.map(item)),
          el(
            'p',
            { id: 'review-allowed-role' },
            parsed.role.length > 0 ? t('review.decide.yours', { list: parsed.role.map(statusWord).join(', ') }) : t('review.decide.yoursNone'),
          ),
        );
      }
      if (e.status === 403) return fail(t('problem.forbidden'));
      if (e.status === 422 && /comment/.test(e.detail)) return fieldError(comment, commentError, t('review.decide.needsComment'));
      button.focus();
      return fail(e.status === 0 ? t('error.network') : t('review.failed', { detail: e.detail || e.title }));
    }
  };

  const actions = buttons.map((b) => {
    const button = el('button', { type: 'button', id: b.id, class: b.cls, 'data-decision': b.decision }, t(b.label));
    button.addEventListener('click', () => void send(b.decision, button));
    return button;
  });
  const form = el(
    'form',
    { id: 'review-decision', class: 'decision-form', novalidate: 'true' },
    el(
      'div',
      { class: 'form-field' },
      el('label', { for: 'review-comment' }, t('review.decide.comment')),
      el('p', { id: 'review-comment-hint', class: 'field-hint' }, t('review.decide.commentHint')),
      comment,
      commentError,
    ),
    el(
      'div',
      { class: 'form-field' },
      el('label', { for: 'review-conditions' }, t('review.decide.conditions')),
      el('p', { id: 'review-conditions-hint', class: 'field-hint' }, t('review.decide.conditionsHint')),
      conditions,
      conditionsError,
    ),
    el('div', { class: 'decision-buttons' }, ...actions),
    result,
  );
  form.addEventListener('submit', (e) => e.preventDefault());
  return form;
}

// "Stellungnahme drucken": the statement is served to a key only, so it cannot simply be opened
// by URL. The page opens an empty window at once (while the click still counts as the user's,
// so no popup blocker objects), fetches the statement's HTML with the key, and moves it into that
// window as DOM. That window is same-origin and inherits the map page's CSP (style-src 'self'):
// the statement's inline <style> and style attributes would be refused there, so their text
// goes in through the CSSOM (a constructed stylesheet, element.style), which the CSP does not
// govern. Nothing of the statement runs as script: it is parsed inert by DOMParser.
import { apiPath } from '../api/client';
import { t } from '../i18n/i18n';
import { api } from '../shell/session';

declare global {
  interface Window {
    __rootzoneStatementPrints?: number; // counted for the browser tests
  }
}

export function statementPath(workId: number): string {
  return apiPath('/collections/works/items/{featureId}/statement', { featureId: workId });
}

function say(win: Window, text: string): void {
  win.document.body.replaceChildren(win.document.createTextNode(text));
}

export async function printStatement(workId: number): Promise<void> {
  const win = window.open('', '_blank');
  if (!win) throw new Error(t('review.print.blocked'));
  win.document.title = t('review.print.loading');
  say(win, t('review.print.loading'));
  const path = statementPath(workId);
  let html: string;
  try {
    const res = await fetch(path, { headers: { Accept: 'text/html', ...api.authHeaders(path) }, credentials: 'omit', cache: 'no-store' });
    if (!res.ok) throw new Error(t('error.http', { status: res.status }));
    html = await res.text();
  } catch (e) {
    say(win, t('review.print.failed', { detail: e instanceof Error ? e.message : String(e) }));
    throw e;
  }
  // The style elements are taken out of the text before parsing: Chromium checks a parsed
  // document's style elements against the CSP of the page that parses it and reports each.
  // A style element's content is raw text up to the first "</style", as the regular expression
  // reads it.
  const sheets: string[] = [];
  const bare = html.replace(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi, (_, css: string) => {
    sheets.push(css);
    return '';
  });
  const css = sheets.join('\n');
  const parsed = new DOMParser().parseFromString(bare, 'text/html');
  for (const s of parsed.querySelectorAll('script, style, iframe, object, embed, link, meta[http-equiv]')) s.remove();
  const inline: Array<[string, string]> = [];
  parsed.querySelectorAll<HTMLElement | SVGElement>('[style]').forEach((e, i) => {
    e.setAttribute('data-rz-style', String(i));
    inline.push([String(i), e.getAttribute('style') ?? '']);
    e.removeAttribute('style');
  });
  const doc = win.document;
  doc.replaceChild(doc.importNode(parsed.documentElement, true), doc.documentElement);
  const sheet = new (win as Window & typeof globalThis).CSSStyleSheet();
  sheet.replaceSync(css);
  doc.adoptedStyleSheets = [sheet];
  for (const [i, text] of inline) {
    const e = doc.querySelector<HTMLElement>(`[data-rz-style="${i}"]`);
    if (e) e.style.cssText = text;
  }
  win.focus();
  win.print();
  window.__rootzoneStatementPrints = (window.__rootzoneStatementPrints ?? 0) + 1;
}

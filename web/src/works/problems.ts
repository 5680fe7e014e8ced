// A refused work in words, each at its place: the API's 422 detail joins its reasons with "; ",
// each beginning with the field it concerns ("radius_m 0 m: must be a positive number of
// metres", "ends_at ... is before starts_at ...", "geometry is not valid (OGC simple features):
// Self-intersection[...]"; geo/src/work_validation.cpp, api/src/works/work_body.cpp). A
// geometry's reason goes next to the drawing, in GEOS's words with our sentence before them.
import type { ApiError } from '../api/client';
import type { MessageKey } from '../i18n/catalogue';
import { t } from '../i18n/i18n';

export interface WorkProblem {
  field: string; // 'geometry', 'radius_m', 'ends_at' ... or '' for the form as a whole
  text: string;
}

const fields = ['geometry', 'reference', 'title', 'kind', 'contact', 'contractor', 'width_m', 'radius_m', 'depth_m', 'starts_at', 'ends_at', 'status'];
const split = new RegExp(`; (?=(?:${fields.join('|')}|properties\\.|missing)\\b)`);

const known: Array<[RegExp, MessageKey]> = [
  [/must be a positive number of metres/, 'works.problem.positive'],
  [/is before starts_at/, 'works.problem.endBeforeStart'],
  [/Self-intersection/i, 'works.problem.selfIntersection'],
  [/Too few points|zero length|too few/i, 'works.problem.tooFewPoints'],
  [/a line work needs its width/, 'works.problem.width'],
  [/a point work needs its radius/, 'works.problem.radius'],
  [/metres expected, not centimetres/, 'works.problem.tooLarge'],
  [/vertices, at most/, 'works.problem.vertices'],
  [/m across with its width or radius, at most/, 'works.problem.extent'],
  [/outside the area of use/, 'works.problem.area'],
];

export function workProblems(e: ApiError): WorkProblem[] {
  const detail = e.detail || e.title;
  const out: WorkProblem[] = [];
  for (const part of detail.split(split)) {
    if (part.startsWith('missing: ')) {
      for (const name of part.slice('missing: '.length).split(', ')) out.push({ field: name.trim(), text: t('problem.required') });
      continue;
    }
    const m = /^(?:properties\.)?([a-z_]+)\b/.exec(part);
    const field = m && fields.includes(m[1]!) ? m[1]! : '';
    const hit = known.find(([re]) => re.test(part));
    // The geometry's own reason (GEOS's) is kept after our sentence: it says where.
    let text = hit ? t(hit[1]) : part;
    if (field === 'geometry') text = hit ? `${t(hit[1])} (${part})` : part;
    out.push({ field, text });
  }
  return out;
}

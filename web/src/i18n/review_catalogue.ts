// The words of the review screens (web/src/review/), German first; catalogue.ts merges them.
export const reviewDe = {} as const;

export const reviewEn: Record<keyof typeof reviewDe, string> = {};

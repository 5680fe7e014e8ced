// The words of the works screens (web/src/works/), German first; catalogue.ts merges them.
export const worksDe = {} as const;

export const worksEn: Record<keyof typeof worksDe, string> = {};

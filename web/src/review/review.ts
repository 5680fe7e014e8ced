// Planners' part of the page: the review queue, a work's review with its decision, and the
// printable statement. main.ts calls initReview once, after the shell is up.
export function initReview(): void {}

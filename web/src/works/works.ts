// Contractors' part of the page: drawing a work with its conflicts previewed, submitting it,
// and their organisation's works. main.ts calls initWorks once, after the shell is up.
export function initWorks(): void {}

/**
 * What separates blocks when they are matched as one text: a paragraph break, never inside a name.
 * The pilcrow keeps it from folding to a plain space (as "\n\n" would), so no alias spans two blocks.
 * A module of its own so that the content script, which joins blocks but never matches, imports
 * no matcher code with it.
 */
export const BLOCK_SEPARATOR = '\n\u00b6\n';

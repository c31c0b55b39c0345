import { isWordUnit, normalize } from './normalize';

/** Words too common to say anything about what a passage is about. */
const STOPWORDS = new Set(
  ('a an and are as at be been but by can could did do does for from had has have he her his i if in into is it its ' +
    'may more most must no not of on or our over said says she so such than that the their them then there these they ' +
    'this those to up us was we were what when where which while who whom why will with would you your').split(' '),
);

/** The words of text that is already normalised: its runs of word characters, in order. */
export function wordsOf(normalized: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i <= normalized.length; i++) {
    const word = i < normalized.length && isWordUnit(normalized.charCodeAt(i));
    if (word && start < 0) start = i;
    else if (!word && start >= 0) {
      words.push(normalized.slice(start, i));
      start = -1;
    }
  }
  return words;
}

/** The index terms of `text`: normalised words of two or more characters, stopwords left out. */
export function tokenize(text: string): string[] {
  return wordsOf(normalize(text).text).filter((term) => term.length > 1 && !STOPWORDS.has(term));
}

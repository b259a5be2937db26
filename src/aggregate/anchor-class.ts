/**
 * Classifying an anchor text: empty, URL, branded (contains a brand term), exact match (equals
 * a keyword), generic ("click here"...), partial match (contains a keyword or one of its
 * significant words), or other. Checked in that order; the first that applies wins.
 */

export type AnchorClass = 'empty' | 'url' | 'branded' | 'exact' | 'generic' | 'partial' | 'other';

/** How each class is shown in tables and charts. */
export const ANCHOR_CLASS_LABELS: Record<AnchorClass, string> = {
  branded: 'Branded',
  exact: 'Exact match',
  partial: 'Partial match',
  url: 'URL',
  generic: 'Generic',
  empty: 'Empty',
  other: 'Other',
};

export const ANCHOR_CLASS_ORDER: readonly AnchorClass[] = [
  'branded',
  'exact',
  'partial',
  'url',
  'generic',
  'empty',
  'other',
];

/** Anchors that say nothing about the target, compared after normalising and trimming punctuation. */
export const GENERIC_ANCHORS: ReadonlySet<string> = new Set([
  'click here',
  'click',
  'here',
  'this',
  'link',
  'this link',
  'website',
  'this website',
  'web site',
  'site',
  'this site',
  'read more',
  'more',
  'learn more',
  'see more',
  'more info',
  'more information',
  'find out more',
  'details',
  'visit',
  'visit website',
  'visit site',
  'visit us',
  'go',
  'go to',
  'go here',
  'source',
  'home',
  'homepage',
  'home page',
  'page',
  'this page',
  'here is',
  'check it out',
  'continue reading',
  'official website',
  'official site',
  'view',
  'view more',
  'url',
  'article',
  'this article',
  'download',
  'click this',
]);

const STOPWORDS = new Set([
  'the',
  'and',
  'for',
  'with',
  'from',
  'that',
  'this',
  'you',
  'your',
  'are',
  'was',
  'best',
  'how',
  'what',
  'www',
  'com',
]);

/** Lower-cased, trimmed, inner whitespace collapsed: the form anchors are grouped and compared by. */
export function normalizeAnchor(anchor: string): string {
  return anchor.trim().replace(/\s+/g, ' ').toLowerCase();
}

const URL_LIKE = /^(?:https?:\/\/|www\.)\S*$|^[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?$/;
const EDGE_PUNCTUATION = /^[\s"'“”‘’«»()[\]<>.,:;!?…-]+|[\s"'“”‘’«»()[\]<>.,:;!?…-]+$/g;

function significantWords(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length >= 3 && !STOPWORDS.has(word));
}

/** Brand terms and keywords prepared once, for classifying many anchors. */
export interface AnchorClassifier {
  classify(normalizedAnchor: string): AnchorClass;
  brandTerms: readonly string[];
  keywords: readonly string[];
}

/** A classifier for these brand terms and keywords (any case; compared lower-cased). */
export function anchorClassifier(brandTerms: readonly string[], keywords: readonly string[] = []): AnchorClassifier {
  const brands = brandTerms.map(normalizeAnchor).filter((t) => t !== '');
  const phrases = keywords.map(normalizeAnchor).filter((t) => t !== '');
  const keywordWords = new Set(phrases.flatMap(significantWords));
  return {
    brandTerms: brands,
    keywords: phrases,
    classify(anchor) {
      const text = anchor.replace(EDGE_PUNCTUATION, '');
      if (text === '') return 'empty';
      if (URL_LIKE.test(text)) return 'url';
      for (const brand of brands) if (text.includes(brand)) return 'branded';
      for (const phrase of phrases) if (text === phrase) return 'exact';
      if (GENERIC_ANCHORS.has(text)) return 'generic';
      for (const phrase of phrases) if (text.includes(phrase)) return 'partial';
      if (keywordWords.size > 0)
        for (const word of significantWords(text)) if (keywordWords.has(word)) return 'partial';
      return 'other';
    },
  };
}

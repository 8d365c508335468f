/* stopwords.c — see stopwords.h.  The list is the English stopword list of
 * the Snowball project (snowballstem.org), the same family as our stemmer,
 * lower-cased with apostrophes as Xapian writes them, in strcmp() order so
 * the query parser can binary-search it. */
#include "stopwords.h"

const char *const ds_stopwords[] = {
    "a", "about", "above", "after", "again", "against", "all", "am", "an",
    "and", "any", "are", "aren't", "as", "at", "be", "because", "been",
    "before", "being", "below", "between", "both", "but", "by", "can't",
    "cannot", "could", "couldn't", "did", "didn't", "do", "does", "doesn't",
    "doing", "don't", "down", "during", "each", "few", "for", "from",
    "further", "had", "hadn't", "has", "hasn't", "have", "haven't", "having",
    "he", "he'd", "he'll", "he's", "her", "here", "here's", "hers", "herself",
    "him", "himself", "his", "how", "how's", "i", "i'd", "i'll", "i'm",
    "i've", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself",
    "let's", "me", "more", "most", "mustn't", "my", "myself", "no", "nor",
    "not", "of", "off", "on", "once", "only", "or", "other", "ought", "our",
    "ours", "ourselves", "out", "over", "own", "same", "shan't", "she",
    "she'd", "she'll", "she's", "should", "shouldn't", "so", "some", "such",
    "than", "that", "that's", "the", "their", "theirs", "them", "themselves",
    "then", "there", "there's", "these", "they", "they'd", "they'll",
    "they're", "they've", "this", "those", "through", "to", "too", "under",
    "until", "up", "very", "was", "wasn't", "we", "we'd", "we'll", "we're",
    "we've", "were", "weren't", "what", "what's", "when", "when's", "where",
    "where's", "which", "while", "who", "who's", "whom", "why", "why's",
    "with", "won't", "would", "wouldn't", "you", "you'd", "you'll", "you're",
    "you've", "your", "yours", "yourself", "yourselves",};

const size_t ds_n_stopwords = sizeof ds_stopwords / sizeof *ds_stopwords;

/* strcmp(word, term[0..len)) for a term without NUL bytes (a word's):
 * the word's NUL differs from the term's byte there. */
static int compare(const char *word, const char *term, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (word[i] != term[i])
            return (unsigned char)word[i] - (unsigned char)term[i];
    return word[len] != '\0';
}

int ds_is_stopword(const char *term, size_t len)
{
    size_t lo = 0, hi = ds_n_stopwords;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compare(ds_stopwords[mid], term, len);
        if (c == 0) return 1;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

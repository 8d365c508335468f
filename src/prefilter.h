/*
 * prefilter.h — what every match of a regular expression must contain,
 * read from the expression itself, so that a text without it is told "no
 * match" without running regexec (the idea of RE2's prefilter, for the
 * patterns the news rules compile).
 *
 * Why: glibc's regexec builds the states of its automaton as texts reach
 * them, and a pattern with counted repeats ("^[^.!?]{3,50} (is|was) (an?
 * |the) [^.!?]{0,60}(reporter|editor|...)") has so many that most
 * paragraphs it is tried on need new ones: tens of thousands of
 * instructions a paragraph, where looking for "reporter", "editor", ...
 * in it takes a few hundred.
 *
 * The condition is a list of sets of strings; a match contains one string
 * of every set.  It is necessary, never sufficient: when
 * ds_prefilter_may_match() says no, regexec would find no match either;
 * when it says yes, regexec decides.  A construct this reader does not
 * know, a literal that is not ASCII (which a locale might fold or join
 * into one character) and a repeat that may be empty tell nothing, so the
 * condition only ever leaves things out.
 */
#ifndef DEALSEARCH_PREFILTER_H
#define DEALSEARCH_PREFILTER_H

#include <stddef.h>

typedef struct ds_prefilter ds_prefilter;

/* The condition for `ere`, a POSIX extended expression (compiled with
 * REG_ICASE when `icase`: ASCII letters are then compared without case),
 * or NULL when it has none worth checking: no set whose strings are all
 * three bytes or longer.  Free with ds_prefilter_free() (NULL is fine). */
ds_prefilter *ds_prefilter_new(const char *ere, int icase);
void ds_prefilter_free(ds_prefilter *f);

/* False only when no match of the expression can lie in s[0..len). */
int ds_prefilter_may_match(const ds_prefilter *f, const char *s, size_t len);

#endif

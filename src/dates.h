/*
 * dates.h — reading a publication date written the ways news sites write
 * them, as ISO YYYY-MM-DD:
 *   2025-06-13, 2025/06/13
 *   11/06/2025, 11.06.2025, 11-06-2025   day first, unless only the
 *                                         month-first reading is a valid
 *                                         date (06/13/2025 is June 13)
 *   June 13, 2025   Jun. 13 2025   Dec.02 2025
 *   13 June 2025    13 Jun 2025
 */
#ifndef DEALSEARCH_DATES_H
#define DEALSEARCH_DATES_H

#include <stddef.h>

/* Read a date at the start of `s`.  On success writes "YYYY-MM-DD" into
 * iso (11 bytes), sets *consumed to the bytes used and returns 1. */
int ds_parse_date(const char *s, char iso[11], size_t *consumed);

#endif

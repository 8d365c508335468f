/*
 * dates.h — reading a publication date written the ways news text writes
 * them, as ISO YYYY-MM-DD:
 *   2025-06-13, 2025/06/13
 *   11/06/2025, 11.06.2025, 11-06-2025   day first, unless only the
 *                                         month-first reading is a valid
 *                                         date (06/13/2025 is June 13)
 *   June 13, 2025   Jun. 13 2025   Dec.02 2025   March 8th, 2005
 *   13 June 2025    13 Jun 2025    8th March, 2005
 *   26-FEB-1987                           (the wire's date line)
 * Impossible dates (30 February, month 13) and years outside 1900-2200
 * are not dates.
 *
 * A time stamp is such a date with what news text writes around it:
 *   Thu, 26 Feb 1987 15:01:01 GMT        (RFC 2822)
 *   2005-03-08T14:02:00Z, 2005-03-08T14:02:00.000+01:00   (ISO 8601)
 *   26-FEB-1987 15:01:01.79
 *   Tuesday, 8 March 2005
 *   March 8, 2005 2:02 PM    March 8, 2005 at 2:02 p.m. ET
 *   8 Mar 2005, 14:02 GMT    8 Mar 2005 - 14:02
 * that is, an optional weekday before the date, and after it an optional
 * time of day (24-hour, or 12-hour with AM/PM; seconds and fractions
 * optional; hours and minutes that cannot be are no time) and zone.
 */
#ifndef DEALSEARCH_DATES_H
#define DEALSEARCH_DATES_H

#include <stddef.h>

/* Read a date at the start of `s`.  On success writes "YYYY-MM-DD" into
 * iso (11 bytes), sets *consumed to the bytes used and returns 1. */
int ds_parse_date(const char *s, char iso[11], size_t *consumed);

/* Read a time stamp at the start of `s`, as ds_parse_date() does; the
 * bytes consumed include the weekday, time of day and zone around the
 * date. */
int ds_parse_timestamp(const char *s, char iso[11], size_t *consumed);

/* The bytes a time of day with its optional zone takes at the start of
 * `s` ("14:02 GMT", "2:02 p.m. ET"; 0 when there is none): the time
 * some sites write before the date. */
size_t ds_parse_time(const char *s);

#endif

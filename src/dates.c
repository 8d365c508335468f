/* dates.c — see dates.h. */
#include "dates.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const char *const MONTHS[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

static const char *const WEEKDAYS[7] = {"monday", "tuesday",  "wednesday",
                                        "thursday", "friday", "saturday",
                                        "sunday"};

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

static int valid(int y, int m, int d)
{
    return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 &&
           d <= days_in_month(y, m);
}

/* Read 1..max digits; returns how many were read. */
static size_t digits(const char *s, size_t max, int *value)
{
    size_t n = 0;
    *value = 0;
    while (n < max && isdigit((unsigned char)s[n]))
        *value = *value * 10 + (s[n++] - '0');
    return n;
}

static size_t letters(const char *s)
{
    size_t n = 0;
    while (isalpha((unsigned char)s[n])) n++;
    return n;
}

/* A month name or its 3+ letter abbreviation (optionally with a '.');
 * returns bytes read and sets *month (1-12). */
static size_t month_name(const char *s, int *month)
{
    size_t n = letters(s);
    if (n < 3) return 0;
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(MONTHS[m]);
        if (n <= full && strncasecmp(s, MONTHS[m], n) == 0 &&
            (n == 3 || n == full || (m == 8 && n == 4))) { /* "Sept" */
            *month = m + 1;
            return s[n] == '.' ? n + 1 : n;
        }
    }
    return 0;
}

/* A day of the month: 1 or 2 digits, optionally "st", "nd", "rd", "th". */
static size_t day_number(const char *s, int *day)
{
    static const char *const SUFFIXES[4] = {"st", "nd", "rd", "th"};
    size_t n = digits(s, 2, day);
    if (!n || isdigit((unsigned char)s[n])) return 0;
    if (letters(s + n) == 2)
        for (int i = 0; i < 4; i++)
            if (strncasecmp(s + n, SUFFIXES[i], 2) == 0) return n + 2;
    return n;
}

/* The date must end at a word boundary. */
static int at_boundary(const char *s)
{
    return *s == '\0' || !isalnum((unsigned char)*s);
}

/* Write `n` decimal digits of v (v < 10^n). */
static void put_digits(char *out, int v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10) out[i] = (char)('0' + v % 10);
}

/* Write the date when it is a real one that ends where it should. */
static int finish(int y, int m, int d, size_t used, int ends_well,
                  char iso[11], size_t *consumed)
{
    if (!valid(y, m, d) || !ends_well) return 0;
    put_digits(iso, y, 4);
    iso[4] = '-';
    put_digits(iso + 5, m, 2);
    iso[7] = '-';
    put_digits(iso + 8, d, 2);
    iso[10] = '\0';
    *consumed = used;
    return 1;
}

static size_t skip_spaces(const char *s, size_t i)
{
    while (s[i] == ' ') i++;
    return i;
}

/* 2025-06-13 or 2025/06/13 */
static int iso_date(const char *s, char iso[11], size_t *consumed)
{
    int y, m, d;
    if (digits(s, 4, &y) != 4 || (s[4] != '-' && s[4] != '/')) return 0;
    size_t n = digits(s + 5, 2, &m);
    if (!n || s[5 + n] != s[4]) return 0;
    size_t k = digits(s + 6 + n, 2, &d);
    if (!k) return 0;
    size_t used = 6 + n + k;
    /* In ISO 8601's date-time the 'T' before the time is no word. */
    int iso_time = s[used] == 'T' && isdigit((unsigned char)s[used + 1]);
    return finish(y, m, d, used, iso_time || at_boundary(s + used), iso,
                  consumed);
}

/* 11/06/2025: day first unless only month-first is valid. */
static int numeric_date(const char *s, char iso[11], size_t *consumed)
{
    int a, b, y;
    size_t n = digits(s, 2, &a);
    char sep = s[n];
    if (!n || (sep != '/' && sep != '.' && sep != '-')) return 0;
    size_t k = digits(s + n + 1, 2, &b);
    if (!k || s[n + 1 + k] != sep) return 0;
    size_t used = n + 1 + k + 1;
    if (digits(s + used, 4, &y) != 4) return 0;
    used += 4;
    int ends_well = at_boundary(s + used);
    if (valid(y, b, a)) return finish(y, b, a, used, ends_well, iso, consumed);
    return finish(y, a, b, used, ends_well, iso, consumed);
}

/* June 13, 2025 / Jun. 13 2025 / Dec.02 2025 / March 8th, 2005 */
static int month_first(const char *s, char iso[11], size_t *consumed)
{
    int m, d, y;
    size_t i = month_name(s, &m);
    if (!i) return 0;
    i = skip_spaces(s, i);
    size_t n = day_number(s + i, &d);
    if (!n) return 0;
    i += n;
    if (s[i] == ',') i++;
    i = skip_spaces(s, i);
    if (digits(s + i, 4, &y) != 4) return 0;
    return finish(y, m, d, i + 4, at_boundary(s + i + 4), iso, consumed);
}

/* 13 June 2025 / 8th March, 2005 / 26-FEB-1987 */
static int day_first(const char *s, char iso[11], size_t *consumed)
{
    int m, d, y;
    size_t i = day_number(s, &d);
    if (!i) return 0;
    char sep = s[i];
    if (sep != ' ' && sep != '-') return 0;
    i = sep == ' ' ? skip_spaces(s, i) : i + 1;
    size_t n = month_name(s + i, &m);
    if (!n) return 0;
    i += n;
    if (sep == '-') {
        if (s[i] != '-') return 0;
        i++;
    } else {
        if (s[i] == ',') i++;
        i = skip_spaces(s, i);
    }
    if (digits(s + i, 4, &y) != 4) return 0;
    return finish(y, m, d, i + 4, at_boundary(s + i + 4), iso, consumed);
}

int ds_parse_date(const char *s, char iso[11], size_t *consumed)
{
    return iso_date(s, iso, consumed) || numeric_date(s, iso, consumed) ||
           month_first(s, iso, consumed) || day_first(s, iso, consumed);
}

/* ---- Time stamps: weekday, date, time of day, zone ---- */

/* "Thu, " / "Tuesday, " / "Tue " before a date: the bytes it takes. */
static size_t weekday(const char *s)
{
    size_t n = letters(s);
    if (n < 3) return 0;
    for (int w = 0; w < 7; w++) {
        size_t full = strlen(WEEKDAYS[w]);
        if (n <= full && strncasecmp(s, WEEKDAYS[w], n) == 0 &&
            (n == 3 || n == full)) {
            size_t i = n + (s[n] == '.');
            if (s[i] == ',') i++;
            return s[i] == ' ' ? skip_spaces(s, i) : 0;
        }
    }
    return 0;
}

/* "AM", "pm", "a.m.", "P.M." at s: the bytes it takes. */
static size_t meridiem(const char *s, int *pm)
{
    char c = (char)tolower((unsigned char)s[0]);
    if (c != 'a' && c != 'p') return 0;
    *pm = c == 'p';
    if (tolower((unsigned char)s[1]) == 'm' && at_boundary(s + 2)) return 2;
    if (s[1] == '.' && tolower((unsigned char)s[2]) == 'm' && s[3] == '.')
        return 4;
    return 0;
}

/* A time zone after a time: "Z", "GMT", "UTC+1", "+0100", "-05:00",
 * "(EST)", or 2-5 capital letters ("ET", "BST", "AEST"). */
static size_t zone(const char *s)
{
    size_t i = 0;
    int paren = s[0] == '(';
    i += paren;
    size_t caps = 0;
    while (caps < 5 && isupper((unsigned char)s[i + caps])) caps++;
    if (caps == 1 && s[i] != 'Z') caps = 0;
    i += caps;
    if (s[i] == '+' || s[i] == '-') {
        int v;
        size_t n = digits(s + i + 1, 2, &v);
        if (n) {
            i += 1 + n;
            if (s[i] == ':' && digits(s + i + 1, 2, &v) == 2) i += 3;
            else if (n == 2 && digits(s + i, 2, &v) == 2) i += 2;
        } else if (!caps) {
            return 0;
        }
    } else if (!caps) {
        return 0;
    }
    if (paren) {
        if (s[i] != ')') return 0;
        i++;
    }
    return at_boundary(s + i) ? i : 0;
}

/* A time of day at s: "15:01", "15:01:01.79", "3:01 PM", "2:02 p.m."
 * with an optional zone; the bytes it takes (0 when it is no time). */
static size_t time_of_day(const char *s)
{
    int h, m, sec, pm;
    size_t i = digits(s, 2, &h);
    if (!i || s[i] != ':' || digits(s + i + 1, 2, &m) != 2) return 0;
    i += 3;
    if (s[i] == ':' && digits(s + i + 1, 2, &sec) == 2) {
        i += 3;
        if (sec > 60) return 0;
        if (s[i] == '.' && isdigit((unsigned char)s[i + 1]))
            while (isdigit((unsigned char)s[++i])) {}
    }
    if (h > 23 || m > 59 || isdigit((unsigned char)s[i])) return 0;
    size_t j = skip_spaces(s, i), n = meridiem(s + j, &pm);
    if (n) {
        if (h < 1 || h > 12) return 0;
        i = j + n;
    }
    j = s[i] == ' ' ? skip_spaces(s, i) : i;
    n = zone(s + j);
    return n ? j + n : i;
}

/* What may stand between a date and its time: " ", ", ", " at ", " - ",
 * or ISO 8601's 'T'. */
static size_t time_separator(const char *s)
{
    if (s[0] == 'T') return 1;
    size_t i = skip_spaces(s, 0);
    if (s[i] == ',' || s[i] == '-' || s[i] == '|')
        i = skip_spaces(s, i + 1);
    else if (strncasecmp(s + i, "at ", 3) == 0)
        i = skip_spaces(s, i + 3);
    return i;
}

size_t ds_parse_time(const char *s)
{
    return time_of_day(s);
}

int ds_parse_timestamp(const char *s, char iso[11], size_t *consumed)
{
    size_t start = weekday(s), used;
    if (!ds_parse_date(s + start, iso, &used)) return 0;
    used += start;
    size_t sep = time_separator(s + used);
    size_t t = time_of_day(s + used + sep);
    *consumed = t ? used + sep + t : used;
    return 1;
}

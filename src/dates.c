/* dates.c — see dates.h. */
#include "dates.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const char *const MONTHS[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

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

/* A month name or its 3+ letter abbreviation (optionally with a '.');
 * returns bytes read and sets *month (1-12). */
static size_t month_name(const char *s, int *month)
{
    size_t n = 0;
    while (isalpha((unsigned char)s[n])) n++;
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

static int finish(int y, int m, int d, size_t used, const char *s,
                  char iso[11], size_t *consumed)
{
    if (!valid(y, m, d) || !at_boundary(s + used)) return 0;
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
    return k && finish(y, m, d, 6 + n + k, s, iso, consumed);
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
    if (valid(y, b, a)) return finish(y, b, a, used, s, iso, consumed);
    return finish(y, a, b, used, s, iso, consumed);
}

/* June 13, 2025 / Jun. 13 2025 / Dec.02 2025 */
static int month_first(const char *s, char iso[11], size_t *consumed)
{
    int m, d, y;
    size_t i = month_name(s, &m);
    if (!i) return 0;
    i = skip_spaces(s, i);
    size_t n = digits(s + i, 2, &d);
    if (!n) return 0;
    i += n;
    if (s[i] == ',') i++;
    i = skip_spaces(s, i);
    if (digits(s + i, 4, &y) != 4) return 0;
    return finish(y, m, d, i + 4, s, iso, consumed);
}

/* 13 June 2025 */
static int day_first(const char *s, char iso[11], size_t *consumed)
{
    int m, d, y;
    size_t i = digits(s, 2, &d);
    if (!i || s[i] != ' ') return 0;
    i = skip_spaces(s, i);
    size_t n = month_name(s + i, &m);
    if (!n) return 0;
    i += n;
    if (s[i] == ',') i++;
    i = skip_spaces(s, i);
    if (digits(s + i, 4, &y) != 4) return 0;
    return finish(y, m, d, i + 4, s, iso, consumed);
}

int ds_parse_date(const char *s, char iso[11], size_t *consumed)
{
    return iso_date(s, iso, consumed) || numeric_date(s, iso, consumed) ||
           month_first(s, iso, consumed) || day_first(s, iso, consumed);
}

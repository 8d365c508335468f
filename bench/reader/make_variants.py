#!/usr/bin/python3
"""make_variants.py - the shared news corpora rewritten in other layouts, with their truth.

    /usr/bin/python3 make_variants.py --shared DIR --out DIR [--seed N] [--corpora reuters,bbc]

Reads every article's truth (title, date, dateline, paragraphs) from DIR/<corpus>/truth.jsonl and
writes, for each variant below, OUT/<corpus>-<variant>/articles/<file> and a truth.jsonl in the
shared schema (bench/READER.md describes the variants):

  oneline  title, maybe a date line, each paragraph on one line, no blank lines
  wrap     hard-wrapped at 40-100 columns; paragraphs marked by an indented first line, by blank
           lines, or both; table rows on lines of their own
  web      unwrapped or blank-line layout wrapped in web page chrome (navigation, bylines, labelled
           dates, share/subscribe lines, captions, related-story lists, comment counters, sign-offs,
           copyright footers, author blurbs), drawn from phrasings set A; some paragraphs glued
           ("industry.One")
  web-b    the same with phrasings set B, which no rule was written against (a held-out check)
  crlf     any of the layouts above with CRLF line ends
  latin1   any layout, encoded as Windows-1252 or Latin-1, with accented names and typographic
           quotes and dashes put in the truth and the text alike
  mixed    layouts written after the reader's rules, to see how general they are: every
           paragraph indented on a line of its own; blank-line blocks with "* * *" or "---"
           between some paragraphs; a Markdown "# " title; a centred title; a title with
           " | Site" after it; the time before the date ("Page last updated at 14:02 GMT,
           Tuesday, 8 March 2005"); wrapped text with trailing spaces and tabs
  flush    hard-wrapped with no paragraph marks at all (no indentation, no blank lines):
           a paragraph ends only where its last line is short.  Beyond what the reader
           promises (paragraphs "marked by indentation or blank lines"); measured to know.

The chrome added is not in the truth; a date added is the truth date (an article given no date line
has a null truth date).  Everything is drawn from a random generator seeded by (seed, variant,
file), so a run is reproducible.  Python 3 standard library only.
"""
import argparse
import datetime
import json
import os
import random
import re
import textwrap

SENTENCE_END = re.compile(r'[.!?][\'")\]}]*$')
TOKEN = re.compile(r'[a-z0-9]+')

VARIANTS = ['oneline', 'wrap', 'web', 'web-b', 'crlf', 'latin1', 'mixed', 'flush']

FIRST = ['Jane', 'John', 'Maria', 'David', 'Aisha', 'Tom', 'Chen', 'Laura', 'Peter', 'Sofia',
         'James', 'Nadia', 'Robert', 'Emma', 'Kwame', 'Lucy', 'Hiroshi', 'Olga', 'Sam', 'Ruth']
LAST = ['Smith', 'Okafor', 'Garcia', 'Miller', 'Brown', 'Lee', 'Novak', 'Rossi', "O'Neill",
        'Schmidt', 'Kowalski', 'Haddad', 'Nguyen', 'Fischer', 'Taylor', 'Kaur', 'Dubois',
        'Van der Berg', 'McAllister', 'Jones']
ROLES = ['Business reporter', 'Economics correspondent', 'Staff writer', 'Political editor',
         'Technology reporter', 'Senior correspondent', 'Markets editor', 'Sports writer']
CITIES = ['London', 'New York', 'Washington', 'Tokyo', 'Paris', 'Chicago', 'Frankfurt']

DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']
MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
          'October', 'November', 'December']

# Two sets of phrasings for each kind of chrome: A for `web`, B (never looked at while writing the
# reader's rules) for `web-b`.
CHROME = {
    'A': {
        'nav_words': ['Home', 'News', 'World', 'Business', 'Politics', 'Sport', 'Technology',
                      'Science', 'Health', 'Entertainment', 'Markets', 'Opinion'],
        'nav_seps': [' | ', ' > ', ' / ', ' \u00bb '],
        'top_lines': ['Skip to content', 'Menu', 'Search', 'Sign in'],
        'after_header': ['Share', 'Share this article', 'Listen to this article', '5 min read',
                         'Advertisement'],
        'mid': ['Advertisement', 'Story continues below advertisement',
                'Sign up for our daily newsletter', 'Subscribe to our newsletter',
                'READ MORE: {headline}', 'Related: {headline}', 'Also read: {headline}'],
        'caption': ['Image caption, {caption}', 'Image source, Getty Images',
                    'Photo: {name}/AFP', '(Photo: {name})', 'Caption: {caption}'],
        'share_intro': ['Share this article', 'Share this story', 'Share'],
        'share_items': ['Facebook', 'Twitter', 'Email', 'LinkedIn', 'WhatsApp', 'Copy link'],
        'list_intro': ['Related stories', 'More on this story', 'Related topics',
                       'You may also like', 'Most read'],
        'comments': ['{n} comments', 'Comments ({n})', 'Leave a comment', 'View comments'],
        'copyright': ['\u00a9 {year} The Daily Planet. All rights reserved.',
                      'Copyright {year} Planet Media Ltd. All rights reserved.',
                      '\u00a9 Planet Media {year}', 'All rights reserved.'],
        'blurb': ['{name} is a {role_lc} for The Daily Planet.',
                  '{name} covers business and markets. Follow {pron} on Twitter @{handle}.'],
        'signoff': ['(Reporting by {name}; Editing by {name2})',
                    '(Reporting by {name} in {city}; Writing by {name2}; Editing by {name3})'],
        'tags': ['Topics: {t1}, {t2}', 'Tags: {t1}, {t2}, {t3}'],
        'furniture': ['The Daily Planet', 'Independent journalism since 1901'],
    },
    'B': {
        'nav_words': ['Front page', 'Latest', 'UK', 'Economy', 'Companies', 'Lifestyle', 'Arts',
                      'Travel', 'Video', 'Podcasts', 'Weather', 'Local'],
        'nav_seps': [' \u2022 ', ' \u00b7 ', ' :: ', ' \u203a '],
        'top_lines': ['Jump to navigation', 'Toggle navigation', 'Log in', 'Register'],
        'after_header': ['Share on Facebook', 'Print this page', 'Email this article',
                         '3 minute read', 'ADVERTISEMENT'],
        'mid': ['ADVERTISEMENT', 'Advertisement - scroll to continue',
                'Get the latest headlines delivered to your inbox', 'Click here to subscribe',
                'See also: {headline}', 'Read also: {headline}', 'Recommended: {headline}'],
        'caption': ['Photograph: {name}/Reuters', 'Picture: {caption}', 'Credit: {name}',
                    'Media caption, {caption}', '(Image: {name})'],
        'share_intro': ['Share this page', 'Share via', 'Spread the word'],
        'share_items': ['Facebook', 'X', 'Reddit', 'Pinterest', 'Messenger', 'Print'],
        'list_intro': ['Related articles', 'Read more', 'Top stories', 'Trending now',
                       "Don't miss", 'More from Business'],
        'comments': ['{n} Comments', 'Comments are closed', 'Join the conversation',
                     'Show comments ({n})'],
        'copyright': ['Copyright \u00a9 {year} Globe Publishing Group',
                      '(c) {year} Globe Publishing. All Rights Reserved.',
                      'Reprints & permissions'],
        'blurb': ['About the author: {name} writes about the economy.',
                  '{name} is {role_a} based in {city}.'],
        'signoff': ['(Additional reporting by {name}; Editing by {name2})',
                    '-- Reporting by {name}'],
        'tags': ['Filed under: {t1}, {t2}', 'More on: {t1}'],
        'furniture': ['Globe Daily', 'Your world, every morning'],
    },
}
CAPTION_TEXTS = ['The company headquarters in the city centre',
                 'Traders on the floor of the exchange',
                 'The minister speaks to reporters after the meeting',
                 'Workers at the plant earlier this year',
                 'A file picture of the site']
TOPICS = ['Economy', 'Oil', 'Markets', 'Banking', 'Trade', 'Energy', 'Politics', 'Football',
          'Music', 'Internet']

# Latin-1 variant: names written with their accents, in truth and text alike.
ACCENTS = [('Sao Paulo', 'S\u00e3o Paulo'), ('Mexico', 'M\u00e9xico'),
           ('Montreal', 'Montr\u00e9al'), ('Quebec', 'Qu\u00e9bec'), ('Zurich', 'Z\u00fcrich'),
           ('Nestle', 'Nestl\u00e9'), ('Societe Generale', 'Soci\u00e9t\u00e9 G\u00e9n\u00e9rale'),
           ('Bogota', 'Bogot\u00e1'), ('Brasilia', 'Bras\u00edlia'), ('Jose', 'Jos\u00e9'),
           ('Cafe', 'Caf\u00e9'), ('Renault', 'Renault'), ('Peru', 'Per\u00fa'),
           ('Sao', 'S\u00e3o'), ('Dusseldorf', 'D\u00fcsseldorf'), ('Koeln', 'K\u00f6ln')]


def tokens(s):
    return TOKEN.findall(s.lower())


def is_prose(p):
    return len(tokens(p)) >= 6 and bool(SENTENCE_END.search(p.rstrip()))


# ---------------------------------------------------------------------------------------------
# Dates

def random_time(rng):
    return rng.randrange(24), rng.randrange(60), rng.randrange(60), rng.randrange(100)


def format_date(rng, d, fmt):
    """The date `d` (a datetime.date) written in format `fmt`, with a random time of day."""
    h, m, s, cs = random_time(rng)
    mon, month, day, wd = MONTHS[d.month - 1][:3], MONTHS[d.month - 1], d.day, d.weekday()
    h12, ampm = (h % 12 or 12), ('AM' if h < 12 else 'PM')
    if fmt == 'iso':
        zone = rng.choice(['Z', '+00:00', '+01:00', '-05:00', '.000Z'])
        return '%04d-%02d-%02dT%02d:%02d:%02d%s' % (d.year, d.month, day, h, m, s, zone)
    if fmt == 'iso-space':
        return '%04d-%02d-%02d %02d:%02d' % (d.year, d.month, day, h, m)
    if fmt == 'rfc2822':
        zone = rng.choice(['GMT', '+0000', '-0500', 'EST'])
        return '%s, %02d %s %04d %02d:%02d:%02d %s' % (DAYS[wd][:3], day, mon, d.year, h, m, s,
                                                       zone)
    if fmt == 'wire':
        return '%d-%s-%04d %02d:%02d:%02d.%02d' % (day, mon.upper(), d.year, h, m, s, cs)
    if fmt == 'dmy':
        return '%d %s %04d' % (day, rng.choice([mon, month]), d.year)
    if fmt == 'mdy':
        dotted = mon if mon == 'May' else mon + '.'
        return '%s %d, %04d' % (rng.choice([mon, dotted, month]), day, d.year)
    if fmt == 'weekday':
        return '%s, %d %s %04d' % (DAYS[wd], day, month, d.year)
    if fmt == 'weekday-us':
        return '%s, %s %d, %04d' % (DAYS[wd], month, day, d.year)
    if fmt == 'numeric':
        return '%02d/%02d/%04d' % (day, d.month, d.year)
    if fmt == 'mdy-time':
        at = rng.choice([' ', ', ', ' at '])
        ap = rng.choice([ampm, ampm.lower(), {'AM': 'a.m.', 'PM': 'p.m.'}[ampm]])
        zone = rng.choice(['', ' ET', ' GMT', ' EST'])
        return '%s %d, %04d%s%d:%02d %s%s' % (month, day, d.year, at, h12, m, ap, zone)
    if fmt == 'dmy-time':
        return '%d %s %04d, %02d:%02d %s' % (day, mon, d.year, h, m,
                                             rng.choice(['GMT', 'BST', 'UTC', 'CET']))
    raise ValueError(fmt)


DATE_FORMATS = ['iso', 'iso-space', 'rfc2822', 'wire', 'dmy', 'mdy', 'weekday', 'weekday-us',
                'numeric', 'mdy-time', 'dmy-time']
LABELS = ['', '', 'Published: ', 'Published ', 'Updated: ', 'Updated ', 'Posted on ',
          'Last updated: ', 'Date: ', 'date ', 'Published on ', 'PUBLISHED: ']


def date_line(rng, d, labelled=True):
    fmt = rng.choice(DATE_FORMATS)
    text = format_date(rng, d, fmt)
    label = rng.choice(LABELS) if labelled else ''
    if label.startswith('Updated') and rng.random() < 0.5:
        # "Published X | Updated Y": the first is the date
        later = d + datetime.timedelta(days=rng.randrange(0, 3))
        return 'Published %s | Updated %s' % (text, format_date(rng, later, fmt))
    return label + text


def random_date(rng):
    return datetime.date(2004, 1, 1) + datetime.timedelta(days=rng.randrange(730))


# ---------------------------------------------------------------------------------------------
# Bodies

def body_paragraphs(t):
    """The truth paragraphs as (text, prose?) with the dateline put back in front."""
    paras = list(t['paragraphs'])
    if t.get('dateline') and paras:
        paras[0] = '%s - %s' % (t['dateline'], paras[0])
    return [(p, is_prose(p)) for p in paras]


def title_text(rng, t):
    title = t['title']
    return title.upper() if rng.random() < 0.3 else title


def wrap(text, width, indent):
    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent='',
                         break_long_words=False) or [indent + text]


def layout_lines(rng, paras, layout):
    """Body lines for one layout; None stands for a blank line."""
    out = []
    if layout == 'oneline':
        return [p for p, _ in paras]
    if layout == 'blank':
        prev_prose = True
        for p, prose in paras:
            if out and (prose or prev_prose):
                out.extend([None] * rng.choice([1, 1, 1, 2]))
            out.append(p)
            prev_prose = prose
        return out
    width = rng.randrange(40, 101)
    indent = rng.choice(['  ', '   ', '    ', '     ', '\t'])
    marks = rng.choice(['indent', 'indent', 'blank', 'both'])
    first = indent if marks in ('indent', 'both') else ''
    prev_prose = True
    for p, prose in paras:
        if out and marks in ('blank', 'both') and (prose or prev_prose):
            out.append(None)
        if prose or len(p) > width + 20:
            out.extend(wrap(p, width, first))
        else:
            out.append((indent if marks != 'blank' else '') + p)  # a table row, as it is
        prev_prose = prose
    return out


def glue_some(rng, paras, share):
    """Glue a few prose paragraphs to the next one without a space, as a page's text extraction
    does when it loses a paragraph break ("industry.One")."""
    out = []
    for p, prose in paras:
        if (out and out[-1][1] and prose and rng.random() < share and
                re.search(r'[a-z]{3}\.$', out[-1][0]) and re.match(r'[A-Z][a-z]', p)):
            out[-1] = (out[-1][0] + p, True)
        else:
            out.append((p, prose))
    return out


# ---------------------------------------------------------------------------------------------
# Chrome

def person(rng):
    return '%s %s' % (rng.choice(FIRST), rng.choice(LAST))


def fill(rng, template, others):
    name = person(rng)
    role = rng.choice(ROLES)
    return template.format(
        name=name, name2=person(rng), name3=person(rng), city=rng.choice(CITIES),
        role_lc=role.lower(), role_a='an ' + role.lower() if role[0] in 'AEIOU' else
        'a ' + role.lower(), pron=rng.choice(['her', 'him']),
        handle=name.split()[0].lower() + name.split()[-1].lower().replace("'", ''),
        n=rng.randrange(1, 400), year=rng.choice([1987, 2005, 2024]),
        headline=rng.choice(others), caption=rng.choice(CAPTION_TEXTS),
        t1=rng.choice(TOPICS), t2=rng.choice(TOPICS), t3=rng.choice(TOPICS))


def byline(rng):
    name = person(rng)
    form = rng.randrange(6)
    if form == 0:
        return 'By ' + name
    if form == 1:
        return 'By ' + name.upper()
    if form == 2:
        return 'By %s, %s' % (name, rng.choice(ROLES))
    if form == 3:
        return 'By %s and %s' % (name, person(rng))
    if form == 4:
        return 'By %s in %s' % (name, rng.choice(CITIES))
    return 'by ' + name


def nav_line(rng, c):
    words = rng.sample(c['nav_words'], rng.randrange(3, 7))
    return rng.choice(c['nav_seps']).join(words)


def web_article(rng, t, paras, others, chrome_set, date):
    c = CHROME[chrome_set]
    layout = rng.choice(['oneline', 'blank', 'blank'])
    paras = glue_some(rng, paras, 0.15)
    blank = layout == 'blank'

    def block(lines):
        return lines + [None] if blank else lines

    head = []
    if rng.random() < 0.7:
        head += [nav_line(rng, c)]
    if rng.random() < 0.4:
        head += [rng.choice(c['top_lines'])]
    if rng.random() < 0.3:
        head += [rng.choice(c['furniture'])]
    if head and blank:
        head.append(None)
    head.append(title_text(rng, t))
    if blank and rng.random() < 0.5:
        head.append(None)
    meta = []
    by = byline(rng) if rng.random() < 0.6 else None
    dl = date_line(rng, date) if date else None
    if by and dl and rng.random() < 0.3:
        meta.append('%s | %s' % (by, dl))
    else:
        meta += [x for x in (by, dl) if x]
        rng.shuffle(meta)
    if rng.random() < 0.5:
        meta.append(rng.choice(c['after_header']))
    head += meta
    if blank:
        head.append(None)

    body = []
    n = len(paras)
    caption_at = rng.randrange(n + 1) if rng.random() < 0.5 else -1
    mid_at = rng.randrange(1, n + 1) if n > 1 and rng.random() < 0.6 else -1
    for i, (p, prose) in enumerate(paras):
        if i == caption_at:
            body += block([fill(rng, rng.choice(c['caption']), others)])
        if i == mid_at:
            body += block([fill(rng, rng.choice(c['mid']), others)])
        body += block([p])

    tail = []
    extras = ['signoff', 'blurb', 'tags', 'share', 'list', 'comments', 'copyright', 'furniture']
    rng.shuffle(extras)
    for kind in extras[:rng.randrange(1, 5)]:
        if kind == 'share':
            items = rng.sample(c['share_items'], rng.randrange(2, 5))
            intro = [rng.choice(c['share_intro'])]
            tail += block(intro + items) if rng.random() < 0.6 else \
                block([intro[0] + ' ' + ' '.join(items)])
        elif kind == 'list':
            items = rng.sample(others, min(len(others), rng.randrange(2, 6)))
            tail += block([rng.choice(c['list_intro'])] + items)
        elif kind == 'furniture':
            line = rng.choice(c['furniture'])
            head.insert(0, line)
            tail += block([line])
        else:
            tail += block([fill(rng, rng.choice(c[kind]), others)])
    lines = head + body + tail
    return lines


# ---------------------------------------------------------------------------------------------
# Articles

def time_first_date(rng, d):
    """The time before the date, as some sites write it."""
    h, m = rng.randrange(24), rng.randrange(60)
    day = '%s, %d %s %04d' % (DAYS[d.weekday()], d.day, MONTHS[d.month - 1], d.year)
    return rng.choice(['Page last updated at %02d:%02d GMT, %s' % (h, m, day),
                       '%02d:%02d, %s' % (h, m, day),
                       'Updated %02d:%02d %s' % (h, m, day)])


def mixed_article(rng, t, paras, date):
    """One of the layouts of the `mixed` variant."""
    kind = rng.randrange(5)
    title = title_text(rng, t)
    site = rng.choice(['The Daily Planet', 'Globe Daily', 'World News Network'])
    lines = [rng.choice(['# ' + title, ' ' * rng.randrange(10, 25) + title,
                         '%s | %s' % (title, site), title])]
    if date:
        lines.append(time_first_date(rng, date) if rng.random() < 0.5 else
                     date_line(rng, date))
    if kind == 0:  # every paragraph indented on a line of its own
        indent = rng.choice(['  ', '    ', '\t'])
        lines += [indent + p for p, _ in paras]
    elif kind == 1:  # blank-line blocks, section breaks between some
        lines.append(None)
        for i, (p, _) in enumerate(paras):
            if i and rng.random() < 0.25:
                lines += [rng.choice(['* * *', '---', '***', '\u2022 \u2022 \u2022']), None]
            lines += [p, None]
    elif kind == 2:  # wrapped, trailing spaces and tabs, blank lines
        width = rng.randrange(45, 90)
        lines.append(None)
        for p, prose in paras:
            body = wrap(p, width, '') if prose else [p]
            lines += [l + rng.choice(['', ' ', '  ', '\t']) for l in body] + [None]
    else:  # one line a paragraph, then the site's name repeated at the foot
        lines += [p for p, _ in paras]
        if kind == 4:
            lines.insert(0, site)
            lines.append(site)
    return lines


def flush_article(rng, t, paras, date):
    width = rng.randrange(45, 90)
    lines = [title_text(rng, t)]
    if date:
        lines.append(date_line(rng, date))
    for p, prose in paras:
        lines += wrap(p, width, '') if prose else [p]
    return lines


def plain_article(rng, t, paras, layout, date, wire_date=False):
    lines = [title_text(rng, t)]
    if date:
        lines.append(format_date(rng, date, 'wire') if wire_date else date_line(rng, date))
    if layout in ('blank', 'wrap') and rng.random() < 0.6:
        lines.append(None)
    lines += layout_lines(rng, paras, layout)
    return lines


def choose_date(rng, t):
    """The article's date: the truth date mostly, a random one for an undated corpus half the
    time, or none."""
    if t.get('date'):
        if rng.random() < 0.1:
            return None
        y, m, d = map(int, t['date'].split('-'))
        return datetime.date(y, m, d)
    return random_date(rng) if rng.random() < 0.5 else None


def latin1_text(rng, t, cp1252):
    """Accented names (and, for Windows-1252, typographic quotes and dashes) in the truth."""
    def fix(s):
        for plain, accented in ACCENTS:
            s = re.sub(r'\b%s\b' % re.escape(plain), accented, s)
        if cp1252:
            s = re.sub(r'"([^"]*)"', '\u201c\\1\u201d', s)
            s = re.sub(r"(\w)'(\w)", '\\1\u2019\\2', s)
            s = s.replace(' - ', ' \u2013 ')
        return s
    t = dict(t)
    t['paragraphs'] = [fix(p) for p in t['paragraphs']]
    t['title'] = fix(t['title'])
    if t.get('dateline'):
        t['dateline'] = fix(t['dateline'])
    return t


def make_article(variant, seed, t, others):
    rng = random.Random('%s:%s:%s' % (seed, variant, t['file']))
    encoding, newline = 'utf-8', '\n'
    if variant == 'latin1':
        cp1252 = rng.random() < 0.5
        t = latin1_text(rng, t, cp1252)
        encoding = 'cp1252' if cp1252 else 'latin-1'
    date = choose_date(rng, t)
    paras = body_paragraphs(t)
    if variant == 'oneline':
        lines = plain_article(rng, t, paras, 'oneline', date)
    elif variant == 'wrap':
        lines = plain_article(rng, t, paras, 'wrap', date, wire_date=rng.random() < 0.3)
    elif variant in ('web', 'web-b'):
        lines = web_article(rng, t, paras, others, 'A' if variant == 'web' else 'B', date)
    elif variant == 'mixed':
        lines = mixed_article(rng, t, paras, date)
    elif variant == 'flush':
        lines = flush_article(rng, t, paras, date)
    else:
        if variant == 'crlf':
            newline = '\r\n'
        layout = rng.choice(['oneline', 'blank', 'wrap', 'web'])
        if layout == 'web':
            lines = web_article(rng, t, paras, others, 'A', date)
        else:
            lines = plain_article(rng, t, paras, layout, date)
    text = newline.join('' if l is None else l for l in lines) + newline
    truth = {'file': t['file'], 'title': t['title'],
             'date': date.isoformat() if date else None, 'dateline': t.get('dateline'),
             'paragraphs': t['paragraphs']}
    return text.encode(encoding, errors='replace'), truth


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--shared', required=True, help='the shared eval/news folder')
    ap.add_argument('--out', required=True, help='where the variants go')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--corpora', default='reuters,bbc')
    ap.add_argument('--variants', default=','.join(VARIANTS))
    args = ap.parse_args()
    for corpus in args.corpora.split(','):
        with open(os.path.join(args.shared, corpus, 'truth.jsonl'), encoding='utf-8') as f:
            rows = [json.loads(line) for line in f if line.strip()]
        titles = [r['title'] for r in rows if r.get('title')]
        for variant in args.variants.split(','):
            out_dir = os.path.join(args.out, '%s-%s' % (corpus, variant))
            truths = []
            for i, t in enumerate(rows):
                others = [titles[(i + k * 37) % len(titles)] for k in range(1, 9)]
                data, truth = make_article(variant, args.seed, t, others)
                path = os.path.join(out_dir, 'articles', t['file'])
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, 'wb') as f:
                    f.write(data)
                truths.append(truth)
            with open(os.path.join(out_dir, 'truth.jsonl'), 'w', encoding='utf-8') as f:
                for truth in truths:
                    f.write(json.dumps(truth, ensure_ascii=False) + '\n')
            print('%s: %d articles' % (out_dir, len(truths)))


if __name__ == '__main__':
    main()

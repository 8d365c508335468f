#!/usr/bin/env python3
"""Build the whole Reuters-21578 collection as a folder of wire stories.

    build_corpus.py SGML_DIR OUT_DIR

Every article of reut2-000.sgm .. reut2-021.sgm whose <TEXT> has a <BODY>
becomes OUT_DIR/reut2-NNN/NNNNN.txt (NEWID, zero-padded), laid out as the
shared news evaluation's Reuters articles are (its README, "The
corpora"): line 1 the title, line 2 the date as written, then the
dateline and body exactly as in the SGML with entities decoded, ending in
the sign-off and the ETX byte, and a final newline.  The files of the
shared evaluation set (NEWID 1-2000) come out byte for byte the same, so
a build of the whole collection reads articles exactly as those were.

The collection: "Reuters-21578, Distribution 1.0" (David D. Lewis; 1987
Reuters newswire), free to distribute for research purposes only; it is
read from SGML_DIR and never committed to this repository.
"""
import os
import re
import sys

ARTICLE = re.compile(r'<REUTERS ([^>]*)>(.*?)</REUTERS>', re.S)
ATTR = re.compile(r'(\w+)="([^"]*)"')


def field(text, tag):
    m = re.search(r'<%s>(.*?)</%s>' % (tag, tag), text, re.S)
    return m.group(1) if m else None


ENTITY = re.compile(r'&(lt|gt|amp|quot|#[0-9]+);')
NAMED = {'lt': '<', 'gt': '>', 'amp': '&', 'quot': '"'}


def decode(s):
    """&lt; &gt; &amp; &quot; and &#N; -- control bytes included, as the
    wire had them (html.unescape drops those)."""
    return ENTITY.sub(lambda m: NAMED.get(m.group(1)) or chr(int(m.group(1)[1:])), s)


def story(attrs, text):
    """The file's text, or None when the article has no body."""
    if attrs.get('TYPE') in ('BRIEF', 'UNPROC'):
        return None
    body_part = field(text, 'TEXT')
    if body_part is None or '<BODY>' not in body_part:
        return None
    title = decode(field(body_part, 'TITLE') or '').strip()
    date = (field(text, 'DATE') or '').strip()
    dateline = field(body_part, 'DATELINE') or ''
    body = field(body_part, 'BODY') or ''
    return '%s\n%s\n%s\n' % (title, date, decode(dateline + body))


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: build_corpus.py SGML_DIR OUT_DIR')
    sgml_dir, out_dir = sys.argv[1:]
    written = 0
    for n in range(22):
        name = 'reut2-%03d' % n
        path = os.path.join(sgml_dir, name + '.sgm')
        with open(path, encoding='latin-1') as f:
            data = f.read()
        folder = os.path.join(out_dir, name)
        os.makedirs(folder, exist_ok=True)
        for m in ARTICLE.finditer(data):
            attrs = dict(ATTR.findall(m.group(1)))
            text = story(attrs, m.group(2))
            if text is None:
                continue
            out = os.path.join(folder, '%05d.txt' % int(attrs['NEWID']))
            with open(out, 'w', encoding='utf-8', newline='') as f:
                f.write(text)
            written += 1
    print('%d articles in %s' % (written, out_dir))


if __name__ == '__main__':
    main()

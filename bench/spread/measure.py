#!/usr/bin/env python3
"""Words spread over an article: how often does a query whose words are in
one article but in no single passage find that article?  (bench/RELEVANCE.md,
"Words spread over an article".)

    measure.py DEALSEARCH INDEX CORPUS [N]

For N articles (seeded sample) with three passages or more, three words
are drawn from three different passages — each in 3 to 300 passages of the
index, so neither a stopword nor a typo — such that no passage of the index
holds all three.  Each query is run three ways:
  passages:  as shipped before, every word in one passage (finds nothing
             by construction);
  title:     each word in the passage or its article's title
             ((w OR title:w) AND ...), the title indexed with each passage;
  articles:  as shipped: the articles holding every word between title
             and passages.
Reported: the share of queries that find the article the words came from,
its rank (of its first passage), and how many articles are returned.
"""
import json, random, re, subprocess, sys

ds, index, corpus = sys.argv[1:4]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 200
rng = random.Random(7)

def search(q, extra=()):
    out = subprocess.run([ds, '--index', index, '--json', '--exact', '-n', '200', *extra, q],
                         capture_output=True, text=True).stdout
    return json.loads(out) if out else {'total': 0, 'results': []}

freq_cache = {}
def freq(w):
    if w not in freq_cache:
        freq_cache[w] = search(w, ('-n', '0'))['total']
    return freq_cache[w]

def passages(path):
    out = subprocess.run([ds, 'passages', '--json', path], capture_output=True, text=True).stdout
    return json.loads(out)

import os
files = []
for root, _, names in os.walk(corpus):
    files += [os.path.join(root, f) for f in names if f.endswith('.txt')]
files.sort()
rng.shuffle(files)

rows = []
for path in files:
    if len(rows) == n: break
    doc = passages(path)
    ps = [p['text'] for p in doc.get('passages', [])]
    if len(ps) < 3: continue
    chosen = rng.sample(range(len(ps)), 3)
    words = []
    for i in chosen:
        cands = [w for w in re.findall(r"[A-Za-z]{4,}", ps[i])]
        rng.shuffle(cands)
        pick = next((w for w in cands[:12] if 3 <= freq(w.lower()) <= 300 and
                     w.lower() not in [x.lower() for x in words]), None)
        if not pick: break
        words.append(pick)
    if len(words) < 3: continue
    q = ' '.join(words)
    shipped = search(q)
    if shipped['total'] > 0 and shipped['spread_articles'] == 0:
        continue   # some passage holds them all
    src = os.path.relpath(path, corpus)
    row = {'q': q, 'source': src}
    tq = ' AND '.join(f'({w} OR title:{w})' for w in words)
    for name, res in (('title', search(tq)), ('articles', shipped)):
        srcs = [h['source'] for h in res['results']]
        row[name] = {'found': src in srcs,
                     'rank': srcs.index(src) + 1 if src in srcs else None,
                     'articles': len(set(srcs)), 'total': res['total']}
    rows.append(row)
    print(json.dumps(row), flush=True)

def summary(name):
    f = [r[name] for r in rows]
    found = [x for x in f if x['found']]
    ranks = sorted(x['rank'] for x in found)
    med = ranks[len(ranks) // 2] if ranks else None
    arts = sorted(x['articles'] for x in f)
    return (f"{name}: found {len(found)}/{len(f)} ({100*len(found)/len(f):.1f} %), "
            f"first among its results {sum(1 for x in found if x['rank']==1)}, median rank {med}, "
            f"articles returned median {arts[len(arts)//2]}, max {arts[-1]}")
print(f"{len(rows)} queries")
print("passages: found 0 (by construction)")
print(summary('title'))
print(summary('articles'))

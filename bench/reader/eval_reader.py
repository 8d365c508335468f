#!/usr/bin/python3
"""eval_reader.py - score the news reader on the shared corpora and their layout variants.

    /usr/bin/python3 eval_reader.py --shared DIR --data DIR --reader BIN [--markdown]
                                    [--only NAME,...] [--explain N] [--adapter DEALSEARCH]

For every corpus folder (DIR/reuters, DIR/bbc, then each DATA/<corpus>-<variant> that
make_variants.py wrote), runs BIN (build/bench/read_articles: the reader over many files in one
process, the same calls as `dealsearch passages --json`) on the files its truth.jsonl lists, scores
the predictions with the shared score_reader.py and prints one table with a row per corpus.  The
last column, `accents`, is the share of the truth's non-ASCII characters that the passages hold
(the shared scorer's tokens are ASCII, so it cannot see a mis-decoded "S\u00e3o").  Cells that
miss a target of bench/READER.md are marked with `*`; the exit status is 1 when any does.  The
`flush` variants (paragraphs not marked at all) are beyond what the reader promises: their misses
are marked `~` and leave the exit status alone.

--adapter DEALSEARCH scores through the shared adapt_passages.py --json with that binary instead
(one process per article: slower, and the check that both give the same predictions).
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

# (metric, label, target test); a test gets the value (None is n/a and passes).
TARGETS = {
    'title_acc': lambda v: v >= 0.98,
    'date_acc': lambda v: v >= 0.99,
    'date_fp': lambda v: v <= 0.01,
    'content_recall': lambda v: v >= 0.998,
    'content_precision': lambda v: v >= 0.99,
    'boundary_f1': lambda v: v >= 0.95,
    'heading_rate': lambda v: v <= 0.01,
    'fragment_rate': lambda v: v <= 0.02,
}
COLUMNS = [('files', 'files'), ('title_acc', 'title'), ('date_acc', 'date'),
           ('date_fp', 'date_fp'), ('content_recall', 'recall'),
           ('content_precision', 'precision'), ('boundary_f1', 'bound_F1'),
           ('heading_rate', 'headings'), ('fragment_rate', 'fragments'),
           ('passages', 'passages'), ('accents', 'accents')]


def corpora(shared, data):
    """(name, folder) of each shared corpus followed by its variants."""
    variants = sorted(os.listdir(data)) if os.path.isdir(data) else []
    out = []
    for corpus in ('reuters', 'bbc'):
        out.append((corpus, os.path.join(shared, corpus)))
        for name in variants:
            path = os.path.join(data, name)
            if name.startswith(corpus + '-') and \
                    os.path.isfile(os.path.join(path, 'truth.jsonl')):
                out.append((name, path))
    return out


def predict(reader, corpus, pred_path):
    with open(os.path.join(corpus, 'truth.jsonl'), encoding='utf-8') as f:
        files = [json.loads(line)['file'] for line in f if line.strip()]
    with open(pred_path, 'wb') as out:
        subprocess.run([reader, os.path.join(corpus, 'articles')], input='\n'.join(files).encode(),
                       stdout=out, check=True)


def predict_adapter(shared, dealsearch, corpus, pred_path):
    subprocess.run([sys.executable, os.path.join(shared, 'adapt_passages.py'), corpus, '-o',
                    pred_path, '--bin', dealsearch, '--json'], check=True)


def accents(truth_path, pred_path):
    """Share of the truth paragraphs' non-ASCII characters (as a multiset) in the passages."""
    want = got = 0
    preds = {}
    with open(pred_path, encoding='utf-8') as f:
        for line in f:
            p = json.loads(line)
            preds[p['file']] = ''.join(x.get('text') or '' for x in p.get('passages') or [])
    with open(truth_path, encoding='utf-8') as f:
        for line in f:
            t = json.loads(line)
            need = collections.Counter(c for p in t['paragraphs'] for c in p if ord(c) > 127)
            have = collections.Counter(c for c in preds.get(t['file'], '') if ord(c) > 127)
            want += sum(need.values())
            got += sum(min(n, have[c]) for c, n in need.items())
    return got / want if want else None


# Variants measured to know, not promised (make_variants.py says why).
INFORMATIONAL = ('-flush',)


def cell(key, v, miss='*'):
    if v is None:
        return 'n/a'
    if isinstance(v, int):
        return str(v)
    mark = miss if key in TARGETS and not TARGETS[key](v) else ''
    return '%.4f%s' % (v, mark)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--shared', required=True)
    ap.add_argument('--data', required=True)
    ap.add_argument('--reader', help='build/bench/read_articles')
    ap.add_argument('--adapter', help='score through adapt_passages.py with this dealsearch')
    ap.add_argument('--only', help='comma-separated corpus names')
    ap.add_argument('--markdown', action='store_true')
    ap.add_argument('--explain', type=int, default=0)
    ap.add_argument('--keep', help='folder to keep the predictions in')
    args = ap.parse_args()
    sys.path.insert(0, args.shared)
    import score_reader  # the shared scorer: the metrics are its, not ours

    rows, failed = [], False
    tmp = tempfile.TemporaryDirectory()
    pred_dir = args.keep or tmp.name
    os.makedirs(pred_dir, exist_ok=True)
    only = set(args.only.split(',')) if args.only else None
    for name, path in corpora(args.shared, args.data):
        if only and name not in only:
            continue
        pred = os.path.join(pred_dir, name + '.jsonl')
        if args.adapter:
            predict_adapter(args.shared, args.adapter, path, pred)
        else:
            predict(args.reader, path, pred)
        truth = os.path.join(path, 'truth.jsonl')
        summary, per_file = score_reader.score_corpus(truth, pred, name)
        summary['accents'] = accents(truth, pred)
        miss = '~' if name.endswith(INFORMATIONAL) else '*'
        rows.append([name] + [cell(k, summary[k], miss) for k, _ in COLUMNS])
        failed |= any(c.endswith('*') for c in rows[-1])
        if args.explain:
            score_reader.explain(summary, per_file, args.explain, sys.stderr)
    head = ['corpus'] + [label for _, label in COLUMNS]
    if args.markdown:
        print('| ' + ' | '.join(head) + ' |')
        print('|' + '---|' * len(head))
        for r in rows:
            print('| ' + ' | '.join(r) + ' |')
    else:
        widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
        for r in [head] + rows:
            print('  '.join(x.ljust(widths[i]) if i == 0 else x.rjust(widths[i])
                            for i, x in enumerate(r)))
    print('(* misses its target: title >= 0.98, date >= 0.99, date_fp <= 0.01, recall >= 0.998, '
          'precision >= 0.99, bound_F1 >= 0.95, headings <= 0.01, fragments <= 0.02; '
          '~ the same on a variant beyond the promised layouts)')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

# Evidence for the مون جاي إن golden gap (models/NER.md): every gold person name of two or more
# words, each of at most 3 letters ("syllabic" transliterations such as بان كي مون, تشن مين جن),
# in ANERCorp train, AQMAR (28 articles) and the Wojood sample (train, val, test; PERS spans of
# any nesting layer), with the word that follows it and that word's tag. Shows whether a short
# word after such a name (إن/ان/أن in particular) is ever part of it.
# Usage: python3 scripts/ner_syllabic_names.py [/work/shared/data]
import collections, glob, re, sys

D = (sys.argv[1] if len(sys.argv) > 1 else '/work/shared/data').rstrip('/') + '/ner/'


def letters(w):
    return len(re.sub('[^\u0621-\u064A]', '', w))


def sentences(path):
    cur = []
    for line in open(path, encoding='utf-8'):
        f = line.split()
        if not f:
            if cur:
                yield cur
            cur = []
            continue
        cur.append((f[0], f[1:]))
    if cur:
        yield cur


def bio_people(s):
    """(start, end) of PER entities of a flat BIO sentence."""
    out, i = [], 0
    while i < len(s):
        t = s[i][1][0] if s[i][1] else 'O'
        if t[:2] in ('B-', 'I-') and t[2:].strip('-').startswith('PER'):
            j = i + 1
            while j < len(s) and s[j][1] and s[j][1][0][:2] == 'I-' and s[j][1][0][2:].strip('-').startswith('PER'):
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def wojood_people(s):
    """(start, end) of PERS spans in any column of a nested Wojood sentence."""
    out = []
    for i, (_, tags) in enumerate(s):
        if 'B-PERS' in tags:
            j = i + 1
            while j < len(s) and 'I-PERS' in s[j][1]:
                j += 1
            out.append((i, j))
    return out


sources = [('anercorp', D + 'anercorp/ANERCorp_CamelLab_train.txt', bio_people)]
sources += [('aqmar', f, bio_people) for f in sorted(glob.glob(D + 'aqmar/articles/*.txt'))]
sources += [('wojood', f, wojood_people) for f in sorted(glob.glob(D + 'wojood_sample/*.txt'))]
names = collections.Counter()
after_an = 0
for src, path, people in sources:
    for s in sentences(path):
        for a, b in people(s):
            w = [t for t, _ in s[a:b]]
            if len(w) >= 2 and all(1 <= letters(x) <= 3 for x in w):
                nxt = s[b][0] if b < len(s) else '<end>'
                tag = (s[b][1][0] if s[b][1] else 'O') if b < len(s) else ''
                names[(src, ' '.join(w), nxt, tag)] += 1
                if re.sub('[أإآ]', 'ا', nxt) == 'ان':
                    after_an += 1
for (src, name, nxt, tag), c in sorted(names.items()):
    print(f'{c}\t{src}\t{name}\t| next: {nxt} {tag}')
print(f'# {sum(names.values())} syllabic person names; {after_an} followed by إن/ان/أن; '
      f'names ending in إن/ان/أن: {sum(c for (s, n, x, t), c in names.items() if re.sub("[أإآ]", "ا", n.split()[-1]) == "ان")}')

# Share of occurrences of each one-word ANERGazet person entry that stand next to another
# person entry in SaudiNewsNet (whitespace tokens, rough normalisation): the evidence behind
# the gazetteer marks of khabar-ner (train::clean_person_gazetteer). Prints count, share, word
# for the 150 most frequent entries.
# Usage: python3 scripts/ner_gazetteer_neighbours.py > out.txt   (about 2 min)
import gzip, json, re, collections
D='/work/shared/data/'
diac=re.compile('[\u064B-\u0652\u0640\u0670]')
def norm(w):
    w=diac.sub('',w)
    w=re.sub('[أإآٱ]','ا',w); w=w.replace('ى','ي').replace('ة','ه').replace('ئ','ي')
    return w
def load(f):
    out=[]
    for l in open(D+'gazetteers/anergazet/'+f):
        l=l.strip()
        if not l or l.startswith('===') or l.startswith('***'): continue
        out.append(norm(l))
    return out
per=load('AlignedPersGazetteer.txt'); loc=load('AlignedLocGazetteer.txt'); org=load('AlignedOrgGazetteer.txt')
pset=set(w for w in per if ' ' not in w)
cnt=collections.Counter(); adj=collections.Counter()
with gzip.open(D+'news/saudinewsnet.jsonl.gz','rt') as f:
    for line in f:
        b=json.loads(line).get('body','')
        ws=[norm(w) for w in re.findall('[\u0621-\u064A\u0670-\u06D3]+',b)]
        for i,w in enumerate(ws):
            cnt[w]+=1
            if (i>0 and ws[i-1] in pset) or (i+1<len(ws) and ws[i+1] in pset): adj[w]+=1

rows=[]
for w in sorted(pset):
    c=cnt[w]; a=adj[w]
    rows.append((c,a/max(c,1),w))
rows.sort(reverse=True)
for c,r,w in rows[:150]: print(c, round(r,3), w)

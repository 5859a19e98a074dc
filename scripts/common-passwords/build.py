import re, json
PHONE = re.compile(r'(?<![\d.])1[3-9]\d{9}(?!\d)')
EMAIL = re.compile(r'[^@\s]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$')
dropped_other = set()
srcs = [('xato', 'xato100k.txt'), ('ncsc', 'ncsc100k.txt'), ('ignis', 'ignis100k.txt'), ('cn', 'cn100k.txt'), ('rockyou', 'rockyou75.txt')]
stats = {}
allset = set(); dropped_phone = set(); dropped_nonascii = 0
per = {}
for name, f in srcs:
    text = open(f, 'rb').read().decode('utf-8')
    keep = set(); na = 0
    for line in text.splitlines():
        l = line.strip()
        if len(l) < 12: continue
        if not all(0x20 <= ord(c) <= 0x7e for c in l):
            na += 1; continue
        l = l.lower()
        if PHONE.search(l):
            dropped_phone.add(l); continue
        if EMAIL.search(l) or '//' in l or '<' in l or '>' in l:
            dropped_other.add(l); continue
        keep.add(l)
    per[name] = keep
    stats[name] = {'kept_unique': len(keep), 'dropped_non_ascii_or_nonprintable': na}
    allset |= keep
sources_union = set(allset)
gen = set(open('generated.txt').read().split('\n')) - {''}
for g in gen:
    assert 12 <= len(g) <= 20 and all(0x20 < ord(c) < 0x7f for c in g) and g == g.lower()
final = sources_union | gen
stats['sources_union'] = len(sources_union)
stats['generated_total'] = len(gen)
stats['generated_new'] = len(gen - sources_union)
stats['generated_already_in_sources'] = len(gen & sources_union)
stats['dropped_phone'] = sorted(dropped_phone)
stats['final'] = len(final)
stats['dropped_email_url_html'] = sorted(dropped_other)
# exclusive contributions
for name in per:
    others = set().union(*[per[n] for n in per if n != name])
    stats[name]['only_in_this_source'] = len(per[name] - others)
json.dump(stats, open('stats.json', 'w'), indent=1)
with open('common-passwords.txt', 'w', encoding='utf-8', newline='\n') as fh:
    for w in sorted(final):
        fh.write(w + '\n')
print(json.dumps(stats, indent=1))

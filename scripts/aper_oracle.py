"""Independent oracles for the ALIGNED PER runtime (codecs/src/e2ap/aper).

Builds an ASN.1 module with one type per PER feature (each value wrapped as
SEQUENCE { p BOOLEAN, v T, q BOOLEAN } so alignment shows), encodes random
values with asn1tools (codec 'per', the aligned variant) and with pycrate, and
writes them as cases for codecs/tests/aper_oracle.rs. Then, given the Rust
encodings of the same cases, has both oracles decode them.

Not part of CI: it needs `pip install asn1tools pycrate` (e.g. in a venv).

    python3 scripts/aper_oracle.py gen /tmp/aper-oracle
    APER_ORACLE_CASES=/tmp/aper-oracle/cases.tsv APER_ORACLE_OUT=/tmp/aper-oracle/ours.tsv \
        cargo test -p oran-codecs --test aper_oracle -- --ignored --nocapture
    python3 scripts/aper_oracle.py verify /tmp/aper-oracle
"""

import argparse
import importlib
import os
import random
import sys
from collections import Counter

import asn1tools
from pycrate_asn1c import asnproc

rng = random.Random(0x0A9E12)

# (name, ASN.1 type, kind and constraint parameters for the Rust side, value
# generator returning (token, asn1tools value, pycrate value), number of values)
TYPES = []


def add(name, text, kind, params, gen, n=10):
    TYPES.append((name, text, kind, params, gen, n))


def int_vals(lb, ub):
    def gen(v=None):
        if v is None:
            v = rng.choice([lb, ub, rng.randint(lb, ub), rng.randint(lb, min(ub, lb + 300))])
        return str(v), v, v
    return gen


for i, (lb, ub) in enumerate([(0, 1), (0, 7), (-5, 5), (0, 254), (0, 255), (0, 256), (1, 256), (0, 65535),
                             (0, 65536), (1, 65536), (0, 4294967295), (0, 68719476735), (-1000, 1000000),
                             (0, 1099511627775), (42, 42), (-(2**63), 2**63 - 1)]):
    add(f'Int{i}', f'INTEGER ({lb}..{ub})', 'int', f'{lb} {ub}', int_vals(lb, ub))


def int_ext_vals(lb, ub):
    def gen():
        v = rng.choice([lb, ub, rng.randint(lb, ub), ub + 1, lb - 1, rng.randint(-2**40, 2**40),
                        rng.randint(-2**63, 2**63 - 1)])
        return str(v), v, v
    return gen


for i, (lb, ub) in enumerate([(0, 255), (1, 65535), (1, 15), (1, 4294967295), (0, 503)]):
    add(f'IntExt{i}', f'INTEGER ({lb}..{ub}, ...)', 'intext', f'{lb} {ub}', int_ext_vals(lb, ub), n=14)


def semi_vals(lb):
    def gen():
        v = rng.choice([lb, lb + 1, lb + 255, lb + 256, lb + rng.randint(0, 2**62)])
        return str(v), v, v
    return gen


for i, lb in enumerate([0, -10, 100]):
    add(f'Semi{i}', f'INTEGER ({lb}..MAX)', 'semi', f'{lb}', semi_vals(lb))


def unc_gen():
    v = rng.choice([0, -1, 127, 128, -128, -129, rng.randint(-2**63, 2**63 - 1), rng.randint(-70000, 70000)])
    return str(v), v, v


add('Unc', 'INTEGER', 'unc', '', unc_gen, n=16)
add('Bool', 'BOOLEAN', 'bool', '', lambda: (lambda b: (str(int(b)), b, b))(rng.random() < 0.5), n=4)
add('Nul', 'NULL', 'null', '', lambda: ('-', None, 0), n=2)

ENUM_ROOT = ['a', 'b', 'c']
ENUM_EXT = ['d', 'e']


def enum_gen(ext):
    def gen():
        names = ENUM_ROOT + (ENUM_EXT if ext else [])
        k = rng.randrange(len(names))
        tok = f'r:{k}' if k < 3 else f'e:{k - 3}'
        return tok, names[k], names[k]
    return gen


add('Enum', 'ENUMERATED {a, b, c}', 'enum', '3 0', enum_gen(False), n=6)
add('EnumExt', 'ENUMERATED {a, b, c, ..., d, e}', 'enum', '3 1', enum_gen(True), n=10)
# 300 root items: a two-octet aligned index (range above 256).
BIG = [f'x{i}' for i in range(300)]


def big_enum_gen():
    k = rng.randrange(300)
    return f'r:{k}', BIG[k], BIG[k]


add('EnumBig', 'ENUMERATED {' + ', '.join(BIG) + '}', 'enum', '300 0', big_enum_gen, n=6)


def size_text(lb, ub, ext):
    if ub is None:
        body = f'{lb}..MAX'
    elif lb == ub:
        body = f'{lb}'
    else:
        body = f'{lb}..{ub}'
    return f'(SIZE({body}{", ..." if ext else ""}))'


def pick_len(lb, ub, ext, big=False):
    top = ub if ub is not None else lb + 40
    choices = [lb, top, rng.randint(lb, top)]
    if ext:
        choices.append(top + rng.randint(1, 5))
    if big:
        choices += [n for n in (16383, 16384, 16385, 40000, 65536, 65537) if ub is None or n <= ub]
    return rng.choice(choices)


def ub_tok(ub):
    return '-' if ub is None else str(ub)


def oct_gen(lb, ub, ext, big):
    def gen():
        n = pick_len(lb, ub, ext, big)
        v = bytes(rng.randrange(256) for _ in range(n))
        return v.hex() or '-', v, v
    return gen


for i, (lb, ub, ext, big) in enumerate([(0, 0, False, False), (1, 1, False, False), (2, 2, False, False),
                                        (3, 3, False, False), (8, 8, False, False), (0, 8, False, False),
                                        (1, 150, False, False), (1, 4, True, False), (0, None, False, True),
                                        (0, 65535, False, False), (0, 65536, False, True),
                                        (2, 20, True, False)]):
    text = 'OCTET STRING' + ('' if (lb, ub) == (0, None) else ' ' + size_text(lb, ub, ext))
    add(f'Oct{i}', text, 'oct', f'{lb} {ub_tok(ub)} {int(ext)}', oct_gen(lb, ub, ext, big))


def bits_gen(lb, ub, ext, big):
    def gen():
        n = pick_len(lb, ub, ext, big)
        v = rng.getrandbits(n) if n else 0
        nbytes = (n + 7) // 8
        b = (v << (8 * nbytes - n)).to_bytes(nbytes, 'big') if n else b''
        return f'{n}:{b.hex() or "-"}', (b, n), (v, n)
    return gen


for i, (lb, ub, ext, big) in enumerate([(1, 1, False, False), (2, 2, False, False), (16, 16, False, False),
                                        (17, 17, False, False), (18, 18, False, False), (28, 28, False, False),
                                        (36, 36, False, False), (22, 32, False, False), (1, 160, True, False),
                                        (0, 8, False, False), (0, None, False, True), (64, 64, False, False)]):
    text = 'BIT STRING' + ('' if (lb, ub) == (0, None) else ' ' + size_text(lb, ub, ext))
    add(f'Bits{i}', text, 'bits', f'{lb} {ub_tok(ub)} {int(ext)}', bits_gen(lb, ub, ext, big))

PRINTABLE = " '()+,-./0123456789:=?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ALPHAS = {
    'printable': PRINTABLE,
    'visible': ''.join(chr(c) for c in range(0x20, 0x7f)),
    'ia5': ''.join(chr(c) for c in range(0x20, 0x7f)) + '\n\t',  # control characters too
    'numeric': ' 0123456789',
}


def str_gen(chars, lb, ub, ext, big=False):
    def gen():
        n = pick_len(lb, ub, ext, big)
        s = ''.join(rng.choice(chars) for _ in range(n))
        return s.encode().hex() or '-', s, s
    return gen


STRINGS = [
    ('PrintableString', 'printable', None, 1, 150, True),
    ('PrintableString', 'printable', None, 0, 8, False),
    ('PrintableString', 'printable', None, 4, 4, False),
    ('PrintableString', 'printable', None, 2, 2, False),
    ('PrintableString', 'printable', None, 1, 1000, True),
    ('PrintableString', 'printable', None, 0, None, False),
    ('VisibleString', 'visible', None, 1, 10, False),
    ('IA5String', 'ia5', None, 0, None, False),
    ('IA5String', 'ia5', None, 0, 20, False),
    ('NumericString', 'numeric', None, 1, 16, False),
    ('NumericString', 'numeric', None, 3, 3, False),
    ('NumericString', 'numeric', None, 0, None, False),
    ('PrintableString', 'printable', 'ABCDEF', 1, 8, False),
    ('IA5String', 'ia5', '01234567', 3, 3, False),
    ('IA5String', 'ia5', '01234567', 0, 12, False),
    ('VisibleString', 'visible', 'AB', 0, 3, False),
]
for i, (typ, alpha, frm, lb, ub, ext) in enumerate(STRINGS):
    chars = frm or ALPHAS[alpha]
    cons = '' if (lb, ub) == (0, None) else ' ' + size_text(lb, ub, ext)
    if frm:
        lo, hi = frm[0], frm[-1]
        fr = f'FROM ("{lo}".."{hi}")' if len(frm) > 2 else 'FROM ("' + frm + '")'
        text = f'{typ} ({fr}){cons}'
        alpha_tok = 'from:' + frm.encode().hex()
    else:
        text = typ + cons
        alpha_tok = alpha
    add(f'Str{i}', text, 'str', f'{alpha_tok} {lb} {ub_tok(ub)} {int(ext)}', str_gen(chars, lb, ub, ext))

add('Str99', 'PrintableString', 'str', 'printable 0 - 0', str_gen(PRINTABLE, 0, None, False, big=True), n=6)


def utf8_gen():
    s = ''.join(rng.choice('aé€𝄞 z') for _ in range(rng.randint(0, 30)))
    return s.encode().hex() or '-', s, s


add('Utf8', 'UTF8String', 'utf8', '', utf8_gen)


def seqof_gen(lb, ub, ext, big=False):
    def gen():
        n = pick_len(lb, ub, ext, big)
        v = [rng.randrange(16) for _ in range(n)]
        return ','.join(map(str, v)) or '-', v, v
    return gen


for i, (lb, ub, ext, big) in enumerate([(0, 3, False, False), (1, 64, True, False), (0, None, False, True),
                                        (2, 2, False, False), (0, 65535, False, False)]):
    cons = '' if (lb, ub) == (0, None) else size_text(lb, ub, ext) + ' '
    add(f'SeqOf{i}', f'SEQUENCE {cons}OF INTEGER (0..15)', 'seqof', f'{lb} {ub_tok(ub)} {int(ext)}',
        seqof_gen(lb, ub, ext, big), n=8 if not big else 6)

SEQX = '''SEQUENCE {
    a INTEGER (0..7),
    b BOOLEAN OPTIONAL,
    c OCTET STRING (SIZE(1..4)) OPTIONAL,
    ...,
    d INTEGER (0..65535) OPTIONAL,
    e PrintableString (SIZE(1..8)) OPTIONAL
  }'''


def seqx_gen():
    v, tok = {'a': rng.randrange(8)}, [None] * 5
    tok[0] = str(v['a'])
    if rng.random() < 0.5:
        v['b'] = rng.random() < 0.5
        tok[1] = str(int(v['b']))
    if rng.random() < 0.5:
        v['c'] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
        tok[2] = v['c'].hex()
    if rng.random() < 0.5:
        v['d'] = rng.randrange(65536)
        tok[3] = str(v['d'])
    if rng.random() < 0.5:
        v['e'] = ''.join(rng.choice(PRINTABLE) for _ in range(rng.randint(1, 8)))
        tok[4] = v['e'].encode().hex()
    return ' '.join(t if t is not None else '-' for t in tok), v, dict(v)


add('SeqX', SEQX, 'seqx', '', seqx_gen, n=24)

CHOICEX = 'CHOICE { a INTEGER (0..7), b BOOLEAN, ..., c OCTET STRING, d NULL, e INTEGER (0..255) }'


def choicex_gen():
    k = rng.choice('abcde')
    if k == 'a':
        x = rng.randrange(8)
        return f'a:{x}', ('a', x), ('a', x)
    if k == 'b':
        x = rng.random() < 0.5
        return f'b:{int(x)}', ('b', x), ('b', x)
    if k == 'c':
        x = bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
        return f'c:{x.hex()}', ('c', x), ('c', x)
    if k == 'd':
        return 'd:', ('d', None), ('d', 0)
    x = rng.randrange(256)
    return f'e:{x}', ('e', x), ('e', x)


add('ChoiceX', CHOICEX, 'choicex', '', choicex_gen, n=20)


def module_text():
    lines = ['Oracle DEFINITIONS AUTOMATIC TAGS ::= BEGIN']
    for name, text, *_ in TYPES:
        lines.append(f'{name} ::= SEQUENCE {{ p BOOLEAN, v {text}, q BOOLEAN }}')
    lines.append('END')
    return '\n'.join(lines) + '\n'


def compile_oracles(work):
    """asn1tools and pycrate compilations of the module, written into `work`."""
    module = module_text()
    with open(os.path.join(work, 'oracle.asn'), 'w') as f:
        f.write(module)
    at = asn1tools.compile_string(module, 'per')
    asnproc.compile_text(module)
    asnproc.generate_modules(asnproc.PycrateGenerator, os.path.join(work, 'pc_oracle.py'))
    sys.path.insert(0, work)
    pc = importlib.import_module('pc_oracle').Oracle
    return at, pc


def gen(work):
    at, pc = compile_oracles(work)
    count = 0
    with open(os.path.join(work, 'cases.tsv'), 'w') as f:
        for name, _text, kind, params, generate, n in TYPES:
            for _ in range(n):
                tok, av, pv = generate()
                p, q = rng.random() < 0.5, rng.random() < 0.5
                try:
                    a = at.encode(name, {'p': p, 'v': av, 'q': q}).hex()
                except Exception:
                    a = 'ERR'
                try:
                    t = getattr(pc, name)
                    t.set_val({'p': p, 'v': pv, 'q': q})
                    y = t.to_aper().hex()
                except Exception:
                    y = 'ERR'
                f.write('\t'.join([name, kind, params or '-', f'{int(p)} {tok} {int(q)}', a, y]) + '\n')
                count += 1
    print(f'{count} cases in {len(TYPES)} types -> {work}/cases.tsv')


def verify(work):
    """Each oracle decodes our encoding and re-encodes it: equal to the oracle's
    own encoding of the case's value means it read our bytes as that value."""
    at, pc = compile_oracles(work)
    cases = [line.rstrip('\n').split('\t') for line in open(os.path.join(work, 'cases.tsv'))]
    ours = [line.rstrip('\n').split('\t') for line in open(os.path.join(work, 'ours.tsv'))]
    assert len(cases) == len(ours), 'ours.tsv does not match cases.tsv'
    good = {'asn1tools': Counter(), 'pycrate': Counter()}
    bad = {'asn1tools': Counter(), 'pycrate': Counter()}
    for c, (name, h) in zip(cases, ours):
        assert c[0] == name
        b = bytes.fromhex(h)
        if c[4] != 'ERR':
            try:
                ok = at.encode(name, at.decode(name, b)).hex() == c[4]
            except Exception:
                ok = False
            (good if ok else bad)['asn1tools'][name] += 1
        if c[5] != 'ERR':
            t = getattr(pc, name)
            try:
                t.from_aper(b)
                ok = t.to_aper().hex() == c[5]
            except Exception:
                ok = False
            (good if ok else bad)['pycrate'][name] += 1
    for k in good:
        print(f'{k}: read our encoding as the value in {sum(good[k].values())} cases, '
              f'otherwise {sum(bad[k].values())}: {dict(bad[k])}')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('command', choices=['gen', 'verify'])
    ap.add_argument('work', help='directory for the module, cases.tsv and ours.tsv (outside the repository)')
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    gen(args.work) if args.command == 'gen' else verify(args.work)


if __name__ == '__main__':
    main()

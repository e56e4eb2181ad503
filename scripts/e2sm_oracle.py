"""asn1tools as the oracle of the E2SM layer (codecs/src/e2sm): E2SM-KPM
v02.03 and v03.00, E2SM-RC v01.03, every top-level payload.

`gen` builds random valid values of every payload type from the ASN.1 (read
with the generator's own parser, codegen/asn1.py), has asn1tools (codec 'per',
ALIGNED PER) encode them, and writes each as a case with the value in the JSON
form our types serialise to. codecs/tests/e2sm_oracle.rs decodes each case,
compares the value through JSON and re-encodes it (same bytes expected), then
writes random payloads of its own, with their JSON. `verify` has asn1tools
decode those, re-encode them (same bytes expected) and compares the decoded
value with ours through JSON.

Not part of CI: it needs `pip install asn1tools` and the ASN.1 (../shared).

    python3 scripts/e2sm_oracle.py gen /tmp/e2sm-oracle [--n 300] [--asn1 ../shared/asn1]
    E2SM_ORACLE_CASES=/tmp/e2sm-oracle/cases.tsv E2SM_ORACLE_OUT=/tmp/e2sm-oracle/ours.tsv \\
        cargo test -p oran-codecs --test e2sm_oracle -- --ignored --nocapture
    python3 scripts/e2sm_oracle.py verify /tmp/e2sm-oracle [--asn1 ../shared/asn1]

Case lines (tab-separated): model (kpm, rc), version label, payload kind (the
Rust `KpmPayloadKind` / `RcPayloadKind` variant), hex, JSON.
"""

import argparse
import json
import math
import os
import random
import sys
from collections import Counter

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, '..', 'codegen'))

import asn1  # noqa: E402
import model  # noqa: E402

PRINTABLE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 \'()+,-./:=?'
# (model, version label, ASN.1 file under the ASN.1 directory)
SETS = [
    ('kpm', 'v02.03', 'e2sm-kpm/E2SM-KPM-v02.03.asn'),
    ('kpm', 'v03.00', 'e2sm-kpm/E2SM-KPM-v03.00.asn'),
    ('rc', 'v01.03', 'e2sm-rc/E2SM-RC-v01.03.asn'),
]
PAYLOADS = {
    'kpm': [
        ('RanFunctionDefinition', 'E2SM-KPM-RANfunction-Description'),
        ('EventTriggerDefinition', 'E2SM-KPM-EventTriggerDefinition'),
        ('ActionDefinition', 'E2SM-KPM-ActionDefinition'),
        ('IndicationHeader', 'E2SM-KPM-IndicationHeader'),
        ('IndicationMessage', 'E2SM-KPM-IndicationMessage'),
    ],
    'rc': [
        ('RanFunctionDefinition', 'E2SM-RC-RANFunctionDefinition'),
        ('EventTrigger', 'E2SM-RC-EventTrigger'),
        ('ActionDefinition', 'E2SM-RC-ActionDefinition'),
        ('IndicationHeader', 'E2SM-RC-IndicationHeader'),
        ('IndicationMessage', 'E2SM-RC-IndicationMessage'),
        ('CallProcessId', 'E2SM-RC-CallProcessID'),
        ('ControlHeader', 'E2SM-RC-ControlHeader'),
        ('ControlMessage', 'E2SM-RC-ControlMessage'),
        ('ControlOutcome', 'E2SM-RC-ControlOutcome'),
    ],
}
DEPTH_LIMIT = 4
INF = float('inf')


class Spec:
    """One version's ASN.1: parse tree (codegen/asn1.py) and asn1tools codec."""

    def __init__(self, path):
        import asn1tools
        self.mod = asn1.parse_files([path])
        self.codec = asn1tools.compile_files([path], 'per')
        self.heights()

    def value(self, x):
        return self.mod.values[x] if isinstance(x, str) else x

    def bounds(self, r, cap):
        if r is None:
            return 0, cap, False, False
        lb, ub = self.value(r.lb), self.value(r.ub)
        return lb, ub, r.ext, ub is not None

    def resolve(self, t):
        while t.kind == 'ref':
            t = self.mod.types[t.name]
        return t

    # Height of the smallest value of each type, to end recursion.
    def heights(self):
        self.h = {n: INF for n in self.mod.types}
        changed = True
        while changed:
            changed = False
            for n, t in self.mod.types.items():
                x = self.height(t)
                if x < self.h[n]:
                    self.h[n] = x
                    changed = True

    def height(self, t):
        k = t.kind
        if k == 'ref':
            return self.h[t.name]
        if k == 'seq':
            return 1 + max([self.height(c.type) for c in t.root if not c.optional] + [0])
        if k == 'choice':
            return 1 + min(self.height(c.type) for c in t.root + t.ext_comps)
        if k == 'seqof':
            lb = self.bounds(t.range, 0)[0]
            return 1 + (0 if lb == 0 else self.height(t.elem))
        return 1

    # ---- random values (asn1tools form) -----------------------------------------------

    def rand(self, t, rng, depth=0):
        t0 = t
        t = self.resolve(t)
        deep = depth > DEPTH_LIMIT
        k = t.kind
        if k == 'int':
            if t.range is None:
                return rng.choice([0, 1, -1, rng.randint(-10**6, 10**6), rng.randint(-2**62, 2**62)])
            lb, ub, ext, _ = self.bounds(t.range, 0)
            if ub is None:
                return lb + rng.choice([0, 1, rng.randint(0, 10**6)])
            if ext and rng.random() < 0.1:
                return ub + rng.randint(1, 1000)
            return rng.choice([lb, ub, rng.randint(lb, ub), rng.randint(lb, ub)])
        if k in ('octets', 'bits', 'printable'):
            lb, ub, ext, _ = self.bounds(t.range, 16)
            if t.range is None:
                lb, ub = 0, 16
            elif ub is None:
                ub = lb + 16
            # Sizes stay in the root: asn1tools cannot encode beyond it.
            n = rng.randint(lb, min(ub, lb + 16))
            if k == 'octets':
                return bytes(rng.getrandbits(8) for _ in range(n))
            if k == 'printable':
                return ''.join(rng.choice(PRINTABLE) for _ in range(n))
            b = bytearray(rng.getrandbits(8) for _ in range((n + 7) // 8))
            if n % 8:
                b[-1] &= (0xff << (8 - n % 8)) & 0xff
            return (bytes(b), n)
        if k == 'bool':
            return rng.random() < 0.5
        if k == 'null':
            return None
        if k == 'real':
            # Values JSON parsers read back exactly (as the Rust side's values
            # are compared through JSON); never -0, which asn1tools folds into +0.
            return rng.choice([0.0, 1.0, -1.5, float(rng.randint(-1000, 1000)), rng.randint(-10**6, 10**6) / 1024,
                               INF, -INF, float('nan'), rng.randint(-2**20, 2**20) * 2.0 ** rng.randint(-10, 20)])
        if k == 'enum':
            return rng.choice(t.items + t.ext_items)
        if k == 'choice':
            alts = t.root + t.ext_comps
            if deep:
                c = min(alts, key=lambda c: self.height(c.type))
            else:
                c = rng.choice(alts)
            return (c.name, self.rand(c.type, rng, depth + 1))
        if k == 'seq':
            v = {}
            for c in t.root + t.ext_comps:
                opt = c.optional or c in t.ext_comps
                if opt and (deep or rng.random() < 0.5):
                    continue
                v[c.name] = self.rand(c.type, rng, depth + 1)
            return v
        if k == 'seqof':
            lb, ub, _, _ = self.bounds(t.range, 3)
            if ub is None:
                ub = lb + 3
            n = lb if deep else rng.randint(lb, min(ub, lb + 3))
            return [self.rand(t.elem, rng, depth + 1) for _ in range(n)]
        raise ValueError(f'cannot generate {k} ({t0})')

    # ---- asn1tools value -> the JSON our types serialise to ---------------------------

    def to_json(self, t, v):
        t = self.resolve(t)
        k = t.kind
        if k in ('int', 'bool', 'printable'):
            return v
        if k == 'null':
            return None
        if k == 'octets':
            return v.hex()
        if k == 'bits':
            data, n = v
            b = bytearray(data[:(n + 7) // 8])
            if n % 8 and b:
                b[-1] &= (0xff << (8 - n % 8)) & 0xff
            return {'bits': n, 'hex': bytes(b).hex()}
        if k == 'real':
            if math.isnan(v):
                return 'nan'
            if math.isinf(v):
                return 'inf' if v > 0 else '-inf'
            return float(v)
        if k == 'enum':
            return model.variant(v)
        if k == 'choice':
            name, x = v
            c = next(c for c in t.root + t.ext_comps if c.name == name)
            return {model.variant(name): self.to_json(c.type, x)}
        if k == 'seq':
            out = {}
            for c in t.root + t.ext_comps:
                if c.name in v:
                    out[model.snake(c.name).removeprefix('r#')] = self.to_json(c.type, v[c.name])
            return out
        if k == 'seqof':
            return [self.to_json(t.elem, x) for x in v]
        raise ValueError(f'no JSON for {k}')


def same(a, b):
    """JSON values equal, floats compared as numbers (ints and floats alike)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) \
            and not isinstance(b, bool):
        return a == b
    return a == b


def load(asn1_dir):
    specs = {}
    for m, label, path in SETS:
        p = os.path.join(asn1_dir, path)
        if not os.path.exists(p):
            sys.exit(f'e2sm_oracle: {p} not found')
        specs[(m, label)] = Spec(p)
    return specs


def gen(args):
    specs = load(args.asn1)
    rng = random.Random(args.seed)
    lines = []
    counts = Counter()
    for (m, label), spec in specs.items():
        for kind, tname in PAYLOADS[m]:
            t = asn1.Type('ref', name=tname)
            for _ in range(args.n):
                v = spec.rand(t, rng)
                b = spec.codec.encode(tname, v)
                j = spec.to_json(t, v)
                lines.append(f'{m}\t{label}\t{kind}\t{b.hex()}\t{json.dumps(j, separators=(",", ":"))}')
                counts[(m, label)] += 1
    os.makedirs(args.work, exist_ok=True)
    with open(os.path.join(args.work, 'cases.tsv'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    for (m, label), n in counts.items():
        print(f'{m} {label}: {n} asn1tools-encoded payloads')
    print(f'e2sm_oracle gen: {len(lines)} cases written to {args.work}/cases.tsv')


def verify(args):
    specs = load(args.asn1)
    names = {m: dict(p) for m, p in PAYLOADS.items()}
    agree = Counter()
    failures = []
    with open(os.path.join(args.work, 'ours.tsv')) as f:
        for line in f:
            if not line.strip():
                continue
            m, label, kind, hx, js = line.rstrip('\n').split('\t')
            spec = specs[(m, label)]
            tname = names[m][kind]
            b = bytes.fromhex(hx)
            try:
                v = spec.codec.decode(tname, b)
                again = spec.codec.encode(tname, v)
            except Exception as e:  # noqa: BLE001 - any oracle failure is a disagreement
                failures.append(f'{m} {label} {kind}: asn1tools: {e}\n  {hx}')
                continue
            theirs = spec.to_json(asn1.Type('ref', name=tname), v)
            if again != b:
                failures.append(f'{m} {label} {kind}: asn1tools re-encoded {again.hex()}\n  from {hx}')
            elif not same(theirs, json.loads(js)):
                failures.append(f'{m} {label} {kind}: values differ\n  asn1tools {json.dumps(theirs)}\n  ours {js}')
            else:
                agree[(m, label)] += 1
    for (m, label), n in sorted(agree.items()):
        print(f'{m} {label}: {n} of our payloads decoded by asn1tools to our value and re-encoded identically')
    for f in failures[:20]:
        print('DISAGREE', f)
    print(f'e2sm_oracle verify: {sum(agree.values())} agree, {len(failures)} disagree')
    if failures:
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('command', choices=['gen', 'verify'])
    ap.add_argument('work', help='directory for cases.tsv and ours.tsv (outside the repository)')
    ap.add_argument('--n', type=int, default=300, help='random payloads per payload type and version')
    ap.add_argument('--seed', type=int, default=0xE25)
    ap.add_argument('--asn1', default=os.path.join(here, '..', '..', 'shared', 'asn1'))
    args = ap.parse_args()
    gen(args) if args.command == 'gen' else verify(args)


if __name__ == '__main__':
    main()

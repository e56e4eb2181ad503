"""pycrate as the oracle of the typed E2AP message layer (codecs/src/e2ap).

`gen` builds random valid messages of every procedure and kind with pycrate
and writes them as cases for codecs/tests/e2ap_oracle.rs: pycrate's own E2AP
module (`pycrate_asn1dir.E2AP`, compiled from the newest E2AP set, procedures
1-17: the cases are labelled `latest`, and again `v03.01` for procedures 1-16,
whose definitions the two share), and, when the ASN.1 directory is there,
modules pycrate compiles from the v01.00 and v02.03 specifications. The Rust
test decodes each case under its version, re-encodes and compares bytes, and
writes its re-encodings plus random PDUs of its own for every message of every
version. `verify` has pycrate decode all of those and re-encode them: equal
bytes mean pycrate read our encoding as we meant it.

Not part of CI: it needs `pip install pycrate` (e.g. in a venv).

    python3 scripts/e2ap_oracle.py gen /tmp/e2ap-oracle [--n 20] [--asn1 ../shared/asn1]
    E2AP_ORACLE_CASES=/tmp/e2ap-oracle/cases.tsv E2AP_ORACLE_OUT=/tmp/e2ap-oracle/ours.tsv \\
        cargo test -p oran-codecs --test e2ap_oracle -- --ignored --nocapture
    python3 scripts/e2ap_oracle.py verify /tmp/e2ap-oracle [--asn1 ../shared/asn1]

Case lines (tab-separated): version label, procedure code, kind (0 initiating,
1 successful, 2 unsuccessful), message name, hex.
"""

import argparse
import importlib
import os
import random
import subprocess
import sys
from collections import Counter

KINDS = [('initiatingMessage', 'InitiatingMessage'), ('successfulOutcome', 'SuccessfulOutcome'),
         ('unsuccessfulOutcome', 'UnsuccessfulOutcome')]
PRINTABLE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 \'()+,-./:=?'
# ASN.1 folder and the pycrate module compiled from it.
COMPILED = {'v01.00': ('e2ap-v01.00', 'e2ap_v01_00'), 'v02.03': ('e2ap-v02.03', 'e2ap_v02_03')}

rng = random.Random(0xE2A9)


def size_range(obj, cap):
    c = getattr(obj, '_const_sz', None)
    if c is None or not c.root:
        return 0, cap
    r = c.root[0]
    lb = r.lb if hasattr(r, 'lb') else r
    ub = r.ub if hasattr(r, 'ub') else r
    if ub is None:
        ub = lb + cap
    return lb, min(ub, lb + cap)


def rand_int(obj):
    c = obj._const_val
    if c is None or not c.root:
        return rng.randint(0, 1000)
    r = c.root[0]
    lb, ub = (r.lb, r.ub) if hasattr(r, 'lb') else (r, r)
    if ub is None:
        ub = lb + 100000
    if c.ext is not None and rng.random() < 0.1:
        return ub + 1 + rng.randint(0, 100000)
    return rng.choice([lb, ub, rng.randint(lb, ub), rng.randint(lb, ub)])


def table_leader(seq):
    """The component of `seq` that selects a row of a table constraint (id,
    procedureCode), with the components that follow it."""
    lead, follow = None, []
    for name, comp in seq._cont.items():
        if getattr(comp, '_const_tab', None) is None:
            continue
        if comp._const_tab_at is None:
            lead = name
        else:
            follow.append((name, comp._const_tab_id))
    return lead, follow


def type_name(t):
    return t._tr._name if getattr(t, '_tr', None) is not None else t._name


def row_value(row, key):
    v = row[key]
    if hasattr(v, 'TYPE'):
        return (type_name(v), rand_val(v))
    return v


def rand_val(obj):
    t = obj.TYPE
    if t == 'SEQUENCE':
        lead, follow = table_leader(obj)
        if lead is not None:
            rows = [r for r in obj._cont[lead]._const_tab._val.root if all(k in r for _, k in follow)]
            row = rng.choice(rows)
            val = {lead: row[obj._cont[lead]._const_tab_id]}
            for name, key in follow:
                val[name] = row_value(row, key)
            return val
        val = {}
        for name in obj._root_mand:
            val[name] = rand_val(obj._cont[name])
        for name in obj._root_opt:
            if rng.random() < 0.5:
                val[name] = rand_val(obj._cont[name])
        for name in obj._ext or []:
            if rng.random() < 0.5:
                val[name] = rand_val(obj._cont[name])
        return val
    if t == 'SEQUENCE OF':
        elem = obj._cont
        lb, ub = size_range(obj, 3)
        if elem.TYPE == 'SEQUENCE' and table_leader(elem)[0] is not None and ub - lb >= 3 and \
                obj._const_sz.root[0].ub == 65535:
            return container(elem)
        return [rand_val(elem) for _ in range(rng.randint(lb, ub))]
    if t == 'CHOICE':
        names = list(obj._root) + list(obj._ext or [])
        name = rng.choice(names)
        return (name, rand_val(obj._cont[name]))
    if t == 'ENUMERATED':
        return rng.choice(list(obj._root) + list(obj._ext or []))
    if t == 'INTEGER':
        return rand_int(obj)
    if t == 'BIT STRING':
        lb, ub = size_range(obj, 64)
        n = rng.randint(lb, ub)
        return (rng.getrandbits(n) if n else 0, n)
    if t == 'OCTET STRING':
        lb, ub = size_range(obj, 16)
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(lb, ub)))
    if t == 'PrintableString':
        lb, ub = size_range(obj, 16)
        return ''.join(rng.choice(PRINTABLE) for _ in range(rng.randint(lb, ub)))
    if t == 'BOOLEAN':
        return rng.random() < 0.5
    if t == 'NULL':
        return 0
    raise ValueError(f'no random value for {obj._name}: {t}')


def container(field):
    """ProtocolIE-Container: every mandatory IE of the set and some optional
    ones, in the set's order, with their specified criticality."""
    lead, follow = table_leader(field)
    out = []
    for row in field._cont[lead]._const_tab._val.root:
        if row.get('presence') == 'mandatory' or rng.random() < 0.5:
            v = {lead: row['id']}
            for name, key in follow:
                v[name] = row_value(row, key)
            out.append(v)
    return out


def procedures(mod):
    im = mod.E2AP_PDU_Descriptions.E2AP_PDU._cont['initiatingMessage']
    return im._cont['procedureCode']._const_tab._val.root


def messages(mod, n):
    """(code, kind index, message name, encoding) for n random messages of
    every procedure and kind the module defines."""
    pdu = mod.E2AP_PDU_Descriptions.E2AP_PDU
    for row in sorted(procedures(mod), key=lambda r: r['procedureCode']):
        for k, (alt, key) in enumerate(KINDS):
            if key not in row:
                continue
            msg = row[key]
            for _ in range(n):
                val = (alt, {'procedureCode': row['procedureCode'], 'criticality': row['criticality'],
                             'value': (type_name(msg), rand_val(msg))})
                pdu.set_val(val)
                b = pdu.to_aper()
                pdu.from_aper(b)
                assert pdu.to_aper() == b
                yield row['procedureCode'], k, type_name(msg), b.hex()


def compile_versions(work, asn1):
    """pycrate modules for v01.00 and v02.03 compiled from their ASN.1 (one
    process each: the compiler keeps global state)."""
    mods = {}
    if asn1 is None or not os.path.isdir(asn1):
        print(f'e2ap_oracle: no ASN.1 directory ({asn1}): v01.00 and v02.03 not covered')
        return mods
    sys.path.insert(0, work)
    for label, (folder, modname) in COMPILED.items():
        out = os.path.join(work, modname + '.py')
        if not os.path.exists(out):
            src = os.path.join(asn1, folder)
            files = sorted(os.path.join(src, f) for f in os.listdir(src) if f.endswith('.asn'))
            code = ('import sys\nfrom pycrate_asn1c.asnproc import compile_text, generate_modules, PycrateGenerator\n'
                    'compile_text([open(f).read() for f in sys.argv[2:]])\n'
                    'generate_modules(PycrateGenerator, sys.argv[1])\n')
            subprocess.run([sys.executable, '-c', code, out] + files, check=True)
        mods[label] = importlib.import_module(modname)
    return mods


def modules(work, asn1):
    from pycrate_asn1dir import E2AP
    mods = compile_versions(work, asn1)
    mods['latest'] = E2AP
    mods['v03.01'] = E2AP
    return mods


def gen(work, n, asn1):
    mods = modules(work, asn1)
    count = Counter()
    with open(os.path.join(work, 'cases.tsv'), 'w') as f:
        for label in ['v01.00', 'v02.03', 'latest']:
            if label not in mods:
                continue
            for code, k, name, h in messages(mods[label], n):
                f.write(f'{label}\t{code}\t{k}\t{name}\t{h}\n')
                count[label] += 1
                # v03.01 and the newest set define procedures 1-16 alike.
                if label == 'latest' and code <= 16:
                    f.write(f'v03.01\t{code}\t{k}\t{name}\t{h}\n')
                    count['v03.01'] += 1
    print('e2ap_oracle: pycrate generated ' + ', '.join(f'{v}: {c}' for v, c in sorted(count.items())) +
          f' messages ({sum(count.values())} cases)')


def verify(work, asn1):
    mods = modules(work, asn1)
    good, bad = Counter(), Counter()
    examples = {}
    for line in open(os.path.join(work, 'ours.tsv')):
        label, code, k, name, h = line.rstrip('\n').split('\t')
        mod = mods.get(label)
        if mod is None:
            continue
        pdu = mod.E2AP_PDU_Descriptions.E2AP_PDU
        b = bytes.fromhex(h)
        try:
            pdu.from_aper(b)
            alt, v = pdu.get_val()
            ok = pdu.to_aper() == b and alt == KINDS[int(k)][0] and v['procedureCode'] == int(code)
            if ok and name != '-':
                ok = v['value'][0].lower() == name.lower()
            why = 'decoded to different bytes or message'
        except Exception as e:
            ok, why = False, f'{type(e).__name__}: {e}'
        key = (label, name)
        if ok:
            good[label] += 1
        else:
            bad[label] += 1
            examples.setdefault(key, (h, why))
    for label in sorted(set(good) | set(bad)):
        print(f'e2ap_oracle: pycrate ({label}) read our encoding back identically in {good[label]} cases, '
              f'otherwise {bad[label]}')
    for (label, name), (h, why) in list(examples.items())[:20]:
        print(f'  {label} {name}: {why}: {h[:120]}')
    return sum(bad.values()) == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('command', choices=['gen', 'verify'])
    ap.add_argument('work', help='directory for compiled modules, cases.tsv and ours.tsv (outside the repository)')
    ap.add_argument('--n', type=int, default=20, help='random messages per procedure and kind')
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument('--asn1', default=os.path.join(here, '..', '..', 'shared', 'asn1'),
                    help='E2AP ASN.1 folders (for v01.00 and v02.03)')
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    if args.command == 'gen':
        gen(args.work, args.n, args.asn1)
    elif not verify(args.work, args.asn1):
        sys.exit(1)


if __name__ == '__main__':
    main()

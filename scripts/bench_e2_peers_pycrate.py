"""pycrate's decode and encode rates on the messages of a `name<TAB>hex`
file (codecs/benches/e2ap_messages.tsv): prints
`name<TAB>octets<TAB>decode/s<TAB>encode/s`, one process, one core.
Decode is `from_aper`; encode is `set_val` of the decoded value and `to_aper`.

    python3 scripts/bench_e2_peers_pycrate.py codecs/benches/e2ap_messages.tsv [--seconds 1]
"""

import argparse
import time


def rate(seconds, f):
    """Best of three rounds of at least `seconds` / 3, in calls per second."""
    best = 0.0
    for _ in range(3):
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds / 3:
            for _ in range(8):
                f()
            n += 8
        best = max(best, n / (time.perf_counter() - t0))
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('messages')
    ap.add_argument('--seconds', type=float, default=1.5)
    a = ap.parse_args()
    from pycrate_asn1dir import E2AP
    pdu = E2AP.E2AP_PDU_Descriptions.E2AP_PDU
    for line in open(a.messages):
        if line.startswith('#') or not line.strip():
            continue
        name, hx = line.rstrip('\n').split('\t')
        b = bytes.fromhex(hx)
        pdu.from_aper(b)
        val = pdu.get_val()
        assert pdu.to_aper() == b, name

        def enc():
            pdu.set_val(val)
            pdu.to_aper()

        dec = rate(a.seconds, lambda: pdu.from_aper(b))
        print(f'{name}\t{len(b)}\t{dec:.0f}\t{rate(a.seconds, enc):.0f}', flush=True)


if __name__ == '__main__':
    main()

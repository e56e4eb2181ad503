"""Field-by-field comparison of the harness's decoder with tshark, plus schema
validation of the results JSON. Run through scripts/crosscheck, which installs
the oracles. Exits non-zero on any disagreement."""

import argparse
import json
import os
import subprocess
import sys
import tempfile

# Settings of the default simulated run (suites::bed::default_setup).
RUN_PREFS = {
    "oran_fh_cus.oran.du_port_id_bits": "4",
    "oran_fh_cus.oran.bandsector_id_bits": "4",
    "oran_fh_cus.oran.cc_id_bits": "4",
    "oran_fh_cus.oran.ru_port_id_bits": "4",
    "oran_fh_cus.oran.iq_bitwidth_up": "9",
    "oran_fh_cus.oran.iq_bitwidth_down": "9",
    "oran_fh_cus.oran.ud_comp_hdr_up": "FALSE",
    "oran_fh_cus.oran.ud_comp_hdr_down": "FALSE",
    "oran_fh_cus.oran.rbs_in_uplane_section": "273",
}
RUN_DECODE = ["--comp", "bfp:9", "--carrier-prbs", "273", "--eaxc-split", "4,4,4,4"]

# fh_1x1.pcap: static BFP 9-bit, 106 PRB, no udCompHdr in U-plane.
CAPTURE_PREFS = dict(RUN_PREFS, **{"oran_fh_cus.oran.rbs_in_uplane_section": "106"})
CAPTURE_DECODE = ["--comp", "bfp:9", "--carrier-prbs", "106", "--eaxc-split", "4,4,4,4"]

FIELDS = [
    "frame.number",
    "ecpri.type",
    "oran_fh_cus.sequence_id",
    "oran_fh_cus.data_direction",
    "oran_fh_cus.filterIndex",
    "oran_fh_cus.frameId",
    "oran_fh_cus.subframe_id",
    "oran_fh_cus.slotId",
    "oran_fh_cus.startSymbolId",
    "oran_fh_cus.symbolId",
    "oran_fh_cus.sectionType",
    "oran_fh_cus.sectionId",
    "oran_fh_cus.startPrbc",
    "oran_fh_cus.numPrbc",
    "oran_fh_cus.numSymbol",
    "oran_fh_cus.startPrbu",
    "oran_fh_cus.numPrbu",
    "oran_fh_cus.udCompHdrWidth",
    "oran_fh_cus.udCompHdrMeth",
]


def tshark_args(prefs):
    args = []
    for k, v in prefs.items():
        args += ["-o", f"{k}:{v}"]
    return args


def tshark_fields(pcap, prefs):
    cmd = ["tshark", "-n", "-r", pcap, *tshark_args(prefs), "-T", "fields",
           "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(FIELDS) - len(cols))
        rows[int(cols[0])] = {f: [int(v, 0) for v in c.split(",") if v != ""] for f, c in zip(FIELDS, cols)}
    return rows


def tshark_malformed(pcap, prefs):
    cmd = ["tshark", "-n", "-r", pcap, *tshark_args(prefs), "-Y", "_ws.malformed || _ws.expert.severity >= error",
           "-T", "fields", "-e", "frame.number"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def ours(harness, pcap, decode_args):
    cmd = [harness, "decode", pcap, "--json", *decode_args]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode not in (0, 1):
        raise SystemExit(f"harness decode failed: {res.stderr}")
    return [json.loads(line) for line in res.stdout.splitlines()]


def expected_fields(frame):
    """What tshark should show for one of our decoded frames."""
    e = {f: [] for f in FIELDS}
    e["frame.number"] = [frame["frame"]]
    for m in frame["messages"]:
        if m["plane"] not in ("u", "c"):
            continue
        h = m["header"]
        e["ecpri.type"].append(0 if m["plane"] == "u" else 2)
        e["oran_fh_cus.sequence_id"].append(m["seq_id"])
        e["oran_fh_cus.data_direction"].append(1 if h["direction"] == "DL" else 0)
        e["oran_fh_cus.filterIndex"].append(h["filter_index"])
        e["oran_fh_cus.frameId"].append(h["frame_id"])
        e["oran_fh_cus.subframe_id"].append(h["subframe_id"])
        e["oran_fh_cus.slotId"].append(h["slot_id"])
        if m["plane"] == "c":
            e["oran_fh_cus.startSymbolId"].append(h["symbol_id"])
            e["oran_fh_cus.sectionType"].append(m["section_type"])
            if m["ud_comp_hdr"] is not None:
                e["oran_fh_cus.udCompHdrWidth"].append(m["ud_comp_hdr"] >> 4)
                e["oran_fh_cus.udCompHdrMeth"].append(m["ud_comp_hdr"] & 0xF)
            for s in m["sections"]:
                e["oran_fh_cus.sectionId"].append(s["section_id"])
                e["oran_fh_cus.startPrbc"].append(s["start_prb"])
                e["oran_fh_cus.numPrbc"].append(s["num_prb"])
                e["oran_fh_cus.numSymbol"].append(s["num_symbol"])
        else:
            # tshark 4.0 files the U-plane symbolId under startSymbolId too.
            e["oran_fh_cus.startSymbolId"].append(h["symbol_id"])
            for s in m["sections"]:
                e["oran_fh_cus.sectionId"].append(s["section_id"])
                e["oran_fh_cus.startPrbu"].append(s["start_prb"])
                e["oran_fh_cus.numPrbu"].append(s["num_prb"])
                if s["ud_comp_hdr"] is not None:
                    e["oran_fh_cus.udCompHdrWidth"].append(s["ud_comp_hdr"] >> 4)
                    e["oran_fh_cus.udCompHdrMeth"].append(s["ud_comp_hdr"] & 0xF)
    return e


def compare(pcap, harness, prefs, decode_args, label):
    """Returns (frames, fields compared, disagreements)."""
    mine = ours(harness, pcap, decode_args)
    theirs = tshark_fields(pcap, prefs)
    bad = []
    compared = 0
    for fr in mine:
        if fr["error"]:
            bad.append(f"{label} frame {fr['frame']}: our decoder: {fr['error']}")
            continue
        want = expected_fields(fr)
        got = theirs.get(fr["frame"])
        if got is None:
            bad.append(f"{label} frame {fr['frame']}: tshark has no such frame")
            continue
        for f in FIELDS[1:]:
            # tshark 4.0.17 shows a DL C-plane udCompHdr only for some section
            # types; compare it where both sides have it.
            if f.startswith("oran_fh_cus.udCompHdr") and (not got[f] or not want[f]):
                continue
            compared += max(len(want[f]), len(got[f]))
            if want[f] != got[f]:
                bad.append(f"{label} frame {fr['frame']} {f}: ours {want[f]} tshark {got[f]}")
    if len(mine) != len(theirs):
        bad.append(f"{label}: {len(mine)} frames decoded by us, {len(theirs)} by tshark")
    return len(mine), compared, bad


# ---------------------------------------------------------------------------
# C-plane section types and extensions: property-generated frames, checked
# field by field against tshark. Self-contained: the frames and the values
# tshark should show come from `cargo run --example gen_cplane` (typed values
# encoded by our C-plane codec; expectations computed from the typed values).

def generated_fields(root, example, seed, count, extra=()):
    """Run `cargo run --example <example> OUT.pcap SEED COUNT` (frames and, in
    OUT.pcap.json, the values tshark should show) and tshark over the frames:
    (spec, field names, tshark's rows: frame number, expert severity, the
    `extra` columns, then one column per field), or (None, error)."""
    with tempfile.TemporaryDirectory(prefix=f"{example}-") as out_dir:
        pcap = os.path.join(out_dir, "frames.pcap")
        # The dev profile: oran-codecs is optimised there (Cargo.toml) and
        # already built by the tests, so no second release build of it and
        # its dev-dependencies.
        res = subprocess.run(["cargo", "run", "-q", "-p", "oran-codecs", "--example", example, "--",
                              pcap, str(seed), str(count)], cwd=root, capture_output=True, text=True)
        if res.returncode != 0:
            return None, f"{example} failed ({res.returncode}): {res.stderr[-500:]}"
        spec = json.load(open(pcap + ".json"))
        fields = sorted({f for fr in spec["frames"] for f in fr["fields"]})
        cmd = ["tshark", "-n", "-r", pcap]
        for k, v in spec["prefs"].items():
            cmd += ["-o", f"{k}:{v}"]
        cmd += ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,",
                "-e", "frame.number", "-e", "_ws.expert.severity", *[a for e in extra for a in ("-e", e)]]
        for f in fields:
            cmd += ["-e", f]
        rows = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()
    return (spec, fields, rows), None


def cplane_differential(root, seed, count):
    """Returns (summary lines, failures)."""
    got, err = generated_fields(root, "gen_cplane", seed, count)
    if err:
        return [], [err]
    spec, fields, rows = got

    def num(s):
        s = s.strip()
        if s in ("True", "False"):
            return int(s == "True")
        try:
            return int(s, 0)
        except ValueError:
            return float(s)

    def same(a, b):
        if isinstance(a, float) or isinstance(b, float):
            return abs(float(a) - float(b)) <= 1e-6 + 1e-5 * abs(float(a))
        return a == b

    theirs = {}
    for line in rows:
        cols = line.split("\t")
        theirs[int(cols[0])] = (cols[1], {f: [num(v) for v in c.split(",") if v != ""]
                                          for f, c in zip(fields, cols[2:])})
    failures, compared = [], 0
    agree, disagree = {}, {}
    for fr in spec["frames"]:
        n = fr["frame"]
        bad = []
        if n not in theirs:
            bad.append("frame missing from tshark's output")
        else:
            severity, got = theirs[n]
            # _ws.expert.severity 8388608 = error (malformed)
            if not fr["allow_errors"] and any(int(x, 0) >= 8388608 for x in severity.split(",") if x):
                if not fr["prefix"]:
                    bad.append(f"tshark reports an error (severity {severity})")
            for f, want in fr["fields"].items():
                have = got.get(f, [])
                if fr["prefix"]:
                    have = have[:len(want)]
                compared += len(want)
                if len(have) != len(want) or not all(same(a, b) for a, b in zip(want, have)):
                    bad.append(f"{f}: ours {want} tshark {have}")
        for item in fr["items"]:
            (disagree if bad else agree)[item] = (disagree if bad else agree).get(item, 0) + 1
        failures += [f"gen_cplane frame {n} ({', '.join(fr['items'])}): {b}" for b in bad]
    import re
    items = sorted(set(agree) | set(disagree), key=lambda x: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", x)])
    lines = [f"C-plane differential (seed {seed}): {len(spec['frames'])} generated frames, {compared} field values compared with tshark"]
    lines.append("  " + "; ".join(f"{i}: {agree.get(i, 0)}/{agree.get(i, 0) + disagree.get(i, 0)}" for i in items))
    return lines, failures


# ---------------------------------------------------------------------------
# IEEE 1588 (PTP): property-generated messages of every type our codec types
# (plus Signaling and Management with raw bodies) over Ethernet, VLAN-tagged
# Ethernet and IPv4/UDP, checked field by field against tshark's PTP
# dissector. The frames come from `cargo run --example gen_ptp`; the values
# tshark should show are our own decode of those frames.

PTP_FRAMES = 2400

# tshark 4.0.17 types every PTP timestamp's nanoseconds as FT_INT32 except
# Follow_Up's (FT_UINT32), so a value of 2^31 or more (not conformant, but
# kept as sent) shows negative; IEEE 1588-2019 5.3.3 makes it UInteger32.
# Those fields are compared as the 32 bits tshark read.
PTP_INT32_NANOS = {
    "ptp.v2.sdr.origintimestamp.nanoseconds",
    "ptp.v2.pdrq.origintimestamp.nanoseconds",
    "ptp.v2.pdrs.requestreceipttimestamp.nanoseconds",
    "ptp.v2.pdfu.responseorigintimestamp.nanoseconds",
    "ptp.v2.dr.receivetimestamp.nanoseconds",
    "ptp.v2.an.origintimestamp.nanoseconds",
}


def ptp_value(field, text):
    """The wire value behind tshark's -T fields text for a PTP field."""
    text = text.strip()
    if text in ("True", "False"):
        return int(text == "True")
    if field == "ptp.v2.correction.subns":
        # The low 16 bits of correctionField as a double (bits / 2^16),
        # printed to 15 significant digits: scale back to the bit count,
        # which must come out whole.
        scaled = float(text) * 65536
        return round(scaled) if abs(scaled - round(scaled)) < 1e-6 else scaled
    v = int(text, 0)
    if field == "ptp.v2.correction.ns":
        # tshark 4.0.17 shifts the signed correctionField right by 16 (an
        # arithmetic shift: floor) but stores it in an FT_UINT64 field, so a
        # negative correction shows as 2^64 + ns; correctionField is
        # Integer64 (IEEE 1588-2019 5.3.2, 13.3.2.9).
        return v - (1 << 64) if v >= 1 << 63 else v
    if field in PTP_INT32_NANOS:
        return v & 0xFFFF_FFFF
    return v


def ptp_differential(root, seed, count):
    """Returns (summary lines, failures)."""
    got, err = generated_fields(root, "gen_ptp", seed, count, extra=("_ws.malformed",))
    if err:
        return [], [err]
    spec, fields, rows = got

    theirs = {}
    for line in rows:
        cols = line.split("\t")
        cols += [""] * (3 + len(fields) - len(cols))
        theirs[int(cols[0])] = (cols[1], cols[2], {f: [ptp_value(f, v) for v in c.split(",") if v != ""]
                                                   for f, c in zip(fields, cols[3:])})
    failures, compared = [], 0
    agree, disagree = {}, {}
    for fr in spec["frames"]:
        n = fr["frame"]
        bad = []
        if n not in theirs:
            bad.append("frame missing from tshark's output")
        else:
            severity, malformed, got = theirs[n]
            # _ws.expert.severity 8388608 = error (malformed)
            if malformed or any(int(x, 0) >= 8388608 for x in severity.split(",") if x):
                bad.append(f"tshark reports an error (severity {severity})")
            for f, want in fr["fields"].items():
                have = got.get(f, [])
                compared += len(want)
                if have != want:
                    bad.append(f"{f}: ours {want} tshark {have}")
        for item in fr["items"]:
            (disagree if bad else agree)[item] = (disagree if bad else agree).get(item, 0) + 1
        failures += [f"gen_ptp frame {n} ({', '.join(fr['items'])}): {b}" for b in bad]
    if len(theirs) != len(spec["frames"]):
        failures.append(f"gen_ptp: {len(spec['frames'])} frames generated, {len(theirs)} in tshark's output")
    items = sorted(set(agree) | set(disagree))
    # The representations converted above, to show they were exercised.
    values = [(f, v) for fr in spec["frames"] for f, vs in fr["fields"].items() for v in vs]
    negative = sum(1 for f, v in values if f == "ptp.v2.correction.ns" and v < 0)
    high_nanos = sum(1 for f, v in values if f in PTP_INT32_NANOS and v >= 1 << 31)
    lines = [f"PTP differential (seed {seed}): {len(spec['frames'])} generated frames, "
             f"{compared} field values compared with tshark ({negative} negative correctionFields, "
             f"{high_nanos} nanoseconds of 2^31 or more)"]
    lines.append("  " + "; ".join(f"{i}: {agree.get(i, 0)}/{agree.get(i, 0) + disagree.get(i, 0)}" for i in items))
    return lines, failures


JUNIT_XSD_SDIST = "pytest==8.3.5"
JUNIT_XSD_MEMBER = "pytest-8.3.5/testing/example_scripts/junit-10.xsd"


def check_junit(harness, tmp):
    """Validate junit.xml of a passing and a failing run against junit-10.xsd,
    extended in two ways that Jenkins' JUnit plugin, GitLab and nextest all
    accept: <properties> inside <testcase> (each case carries its clause,
    verdict and artifacts there) and the skipped/uuid/timestamp counters on
    <testsuites>. Everything else is checked as the XSD says."""
    import glob
    import tarfile
    from lxml import etree

    dl = os.path.join(tmp, "xsd")
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                    JUNIT_XSD_SDIST, "-d", dl], check=True)
    with tarfile.open(glob.glob(os.path.join(dl, "pytest-*.tar.gz"))[0]) as t:
        xsd = etree.parse(t.extractfile(JUNIT_XSD_MEMBER))
    xs = "{http://www.w3.org/2001/XMLSchema}"
    root = xsd.getroot()
    for el in root.iter(f"{xs}element"):
        if el.get("name") == "testcase":
            choice = el.find(f"{xs}complexType/{xs}sequence/{xs}choice")
            choice.insert(0, etree.Element(f"{xs}element", ref="properties"))
        if el.get("name") == "testsuites":
            ct = el.find(f"{xs}complexType")
            for name in ("skipped", "uuid", "timestamp"):
                if ct.find(f"{xs}attribute[@name='{name}']") is None:
                    ct.append(etree.Element(f"{xs}attribute", name=name, type="xs:string"))
    schema = etree.XMLSchema(xsd)
    bad = []
    for variant in ("none", "late-ul", "seq-gap"):
        d = os.path.join(tmp, f"junit-{variant}")
        subprocess.run([harness, "run", "--out", d, "--quiet", "--ru-variant", variant], capture_output=True)
        doc = etree.parse(os.path.join(d, "junit.xml"))
        if not schema.validate(doc):
            bad += [f"junit.xml ({variant}): line {e.line}: {e.message}" for e in list(schema.error_log)[:10]]
        cases = doc.getroot().iter("testcase")
        print(f"junit.xml ({variant} O-RU): {sum(1 for _ in cases)} test cases validated against junit-10.xsd "
              f"(+ testcase properties), {len(schema.error_log)} errors")
    return bad


def e2_capture_check(harness):
    """Both E2 suites in E2AP v01.00 (the version tshark 4.0's E2AP dissector
    knows; its E2SM-KPM is v02 and marks our v03.00 payloads malformed, so
    only the E2AP framing is compared): per case, the message names tshark
    shows equal those in the case's .e2.jsonl, and every packet's checksum
    verifies."""
    import re
    bad, messages, packets = [], 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for suite in ("e2-node", "e2-ric"):
            d = os.path.join(tmp, suite)
            subprocess.run([harness, "run", "--suite", suite, "--e2ap", "1", "--out", d, "--quiet"], capture_output=True)
            cases = os.path.join(d, "cases")
            for f in sorted(os.listdir(cases)):
                if not f.endswith(".pcap"):
                    continue
                pcap = os.path.join(cases, f)
                ours = [json.loads(l)["message"] for l in open(pcap[:-5] + ".e2.jsonl")]
                out = subprocess.run(["tshark", "-n", "-r", pcap, "-o", "sctp.checksum:CRC-32C",
                                      "-T", "fields", "-E", "separator=|", "-e", "sctp.checksum.status",
                                      "-e", "e2ap.procedureCode", "-e", "_ws.col.Info"],
                                     capture_output=True, text=True).stdout.splitlines()
                packets += len(out)
                names = []
                for row in out:
                    status, proc, info = (row.split("|") + ["", "", ""])[:3]
                    if status != "1":
                        bad.append(f"{suite} {f}: checksum status {status!r} in {row!r}")
                    if proc:
                        # The Info column names the message, then any notes in brackets.
                        names.append(re.sub(r"\[.*", "", info).strip().split(",")[0].strip())
                messages += len(ours)
                # A message ours cannot name (a deliberately malformed PDU, an
                # unknown procedure) may show as anything in tshark.
                same = len(names) == len(ours) and all(
                    m in ("undecodable", "unknown procedure") or m == n for m, n in zip(ours, names))
                if not same:
                    bad.append(f"{suite} {f}: tshark shows {names}, ours {ours}")
    return [f"E2 captures (E2AP v01.00): {messages} messages in {packets} SCTP packets, "
            f"checksums and message names compared with tshark, {len(bad)} disagreements"], bad


def finish(failures):
    if failures:
        print(f"\ncrosscheck: {len(failures)} disagreement(s):")
        for f in failures[:60]:
            print("  " + f)
        sys.exit(1)
    print("crosscheck: all agree")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--harness")
    ap.add_argument("--shared")
    ap.add_argument("--only", choices=["cplane", "ptp"],
                    help="run one generated-frame differential alone (needs neither --harness nor --shared)")
    ap.add_argument("--seed", type=int, help="generator seed for --only (default: CPLANE_SEED / PTP_SEED, else 1)")
    ap.add_argument("--frames", type=int, help=f"frames for --only ptp (default {PTP_FRAMES})")
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if a.only:
        env_seed = int(os.environ.get(f"{a.only.upper()}_SEED", "1"))
        seed = env_seed if a.seed is None else a.seed
        if a.only == "ptp":
            lines, bad = ptp_differential(root, seed, a.frames or PTP_FRAMES)
        else:
            lines, bad = cplane_differential(root, seed, 280)
        print("\n".join(lines))
        finish(bad)
        return
    if not (a.harness and a.shared):
        ap.error("--harness and --shared are required unless --only is given")
    failures = []
    have_shared = os.path.isdir(a.shared)

    with tempfile.TemporaryDirectory() as tmp:
        run_dir = os.path.join(tmp, "run")
        res = subprocess.run([a.harness, "run", "--out", run_dir, "--quiet"], capture_output=True, text=True)
        if res.returncode != 0:
            raise SystemExit(f"default run failed ({res.returncode}):\n{res.stdout}\n{res.stderr}")

        # 1. Every frame of the default run: tshark finds nothing malformed, and
        #    agrees with our decoder field by field.
        pcaps = sorted(os.path.join(run_dir, "cases", f) for f in os.listdir(os.path.join(run_dir, "cases")))
        frames = fields = 0
        for p in pcaps:
            label = os.path.basename(p)
            mal = tshark_malformed(p, RUN_PREFS)
            if mal:
                failures.append(f"{label}: tshark reports {len(mal)} malformed frames, first {mal[:5]}")
            n, c, bad = compare(p, a.harness, RUN_PREFS, RUN_DECODE, label)
            frames += n
            fields += c
            failures += bad[:20]
        print(f"simulated run: {len(pcaps)} captures, {frames} frames decoded by both, {fields} field values compared with tshark")

        # 2. results.json validates against the O-RAN schema.
        schema_path = os.path.join(a.shared, "schema", "o-ran-test-results-schema.json")
        if have_shared:
            import jsonschema
            schema = json.load(open(schema_path))
            v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
            for variant, args in (
                ("none O-RU", ["--ru-variant", "none"]),
                ("late-ul O-RU", ["--ru-variant", "late-ul"]),
                ("E2 node suite", ["--suite", "e2-node"]),
                ("E2 RIC suite, faulty RIC", ["--suite", "e2-ric", "--ric-variant", "crash-on-error-indication"]),
            ):
                d = os.path.join(tmp, "run-" + variant.replace(" ", "-").replace(",", ""))
                subprocess.run([a.harness, "run", "--out", d, "--quiet", *args], capture_output=True)
                doc = json.load(open(os.path.join(d, "results.json")))
                errs = list(v.iter_errors(doc))
                for e in errs[:10]:
                    failures.append(f"results.json ({variant}): {list(e.absolute_path)}: {e.message[:200]}")
                print(f"results.json ({variant}): {len(doc['testResults'])} groups validated against the O-RAN schema, {len(errs)} errors")
        else:
            print(f"SKIPPED: schema validation: {a.shared} is absent (needs schema/o-ran-test-results-schema.json)")

        # 2b. junit.xml against a published JUnit XSD (Jenkins xunit's
        #     junit-10.xsd, as shipped in pytest's source distribution).
        failures += check_junit(a.harness, tmp)

    # 3. The real capture decodes with no error and agrees with tshark.
    cap = os.path.join(a.shared, "captures", "fh_1x1.pcap")
    if have_shared and os.path.exists(cap):
        summary = subprocess.run([a.harness, "decode", cap, "--json", "--summary", *CAPTURE_DECODE],
                                 capture_output=True, text=True)
        t = json.loads(summary.stdout)
        expect = {"frames": 448, "cplane_messages": 32, "uplane_messages": 416, "errors": 0}
        for k, v in expect.items():
            if t[k] != v:
                failures.append(f"fh_1x1.pcap: {k} = {t[k]}, expected {v}")
        theirs = tshark_fields(cap, CAPTURE_PREFS)
        ts_c = sum(len(r["oran_fh_cus.sectionId"]) for r in theirs.values() if 2 in r["ecpri.type"])
        ts_u = sum(len(r["oran_fh_cus.sectionId"]) for r in theirs.values() if 0 in r["ecpri.type"])
        if (ts_c, ts_u) != (t["cplane_sections"], t["uplane_sections"]):
            failures.append(f"fh_1x1.pcap sections: ours C {t['cplane_sections']} U {t['uplane_sections']}, tshark C {ts_c} U {ts_u}")
        n, c, bad = compare(cap, a.harness, CAPTURE_PREFS, CAPTURE_DECODE, "fh_1x1.pcap")
        failures += bad[:20]
        print(f"fh_1x1.pcap: {t['frames']} frames ({t['cplane_messages']} C-plane, {t['uplane_messages']} U-plane), "
              f"sections C {t['cplane_sections']} / U {t['uplane_sections']} (tshark C {ts_c} / U {ts_u}), "
              f"{t['errors']} errors, {c} field values compared with tshark")
    else:
        print(f"SKIPPED: real capture checks: {cap} is absent")

    # E2 case captures: every SCTP packet's CRC32c good in tshark, and the
    # E2AP messages tshark reassembles and names are ours, in order.
    lines, bad = e2_capture_check(a.harness)
    print("\n".join(lines))
    failures += bad[:20]

    # C-plane: every section type and the extensions tshark dissects, from
    # property-generated frames (see cplane_differential).
    lines, bad = cplane_differential(root, int(os.environ.get("CPLANE_SEED", "1")), 280)
    print("\n".join(lines))
    failures += bad[:20]

    # PTP: every message type over Ethernet and UDP (see ptp_differential).
    lines, bad = ptp_differential(root, int(os.environ.get("PTP_SEED", "1")), PTP_FRAMES)
    print("\n".join(lines))
    failures += bad[:20]

    # 4. Both real captures analysed with no hints: the settings are inferred
    #    (static BFP 9-bit: the captures' known configuration) and everything decodes.
    for name in ("fh_1x1.pcap", "fh_1x1_non0.pcap"):
        cap = os.path.join(a.shared, "captures", name)
        if not (have_shared and os.path.exists(cap)):
            print(f"SKIPPED: analyze {name}: absent")
            continue
        res = subprocess.run([a.harness, "analyze", cap, "--json", "--quiet"], capture_output=True, text=True)
        if res.returncode != 0:
            failures.append(f"analyze {name}: exit {res.returncode}: {res.stderr[:300]}")
            continue
        r = json.loads(res.stdout)
        uflows = [f for f in r["flows"] if f["plane"] == "U"]
        inferred = [(f["compression"] or {}).get("mode") for f in uflows]
        ok = all(m == {"Static": {"iq_width": 9, "method": "Bfp"}} for m in inferred) and uflows
        if not ok:
            failures.append(f"analyze {name}: inferred {inferred}, want static BFP 9-bit")
        errors = r["undecodable"] + sum(f["decode_errors"] for f in r["flows"])
        if errors:
            failures.append(f"analyze {name}: {errors} decode errors")
        bench = subprocess.run([a.harness, "bench", cap, "--tshark"], capture_output=True, text=True)
        print(f"analyze {name} (no hints): {len(uflows)} U-plane flow(s) inferred as static bfp:9 "
              f"({', '.join(f['compression']['confidence'] for f in uflows)}), {errors} decode errors; "
              + " / ".join(l.strip() for l in bench.stdout.splitlines()))

    # 5. The synthetic malformed capture: one error per frame, no crash.
    bad_cap = os.path.join(a.shared, "captures", "malformed_ecpri_synthetic.pcap")
    if have_shared and os.path.exists(bad_cap):
        res = subprocess.run([a.harness, "decode", bad_cap, "--json", "--summary"], capture_output=True, text=True)
        if res.returncode not in (0, 1):
            failures.append(f"malformed capture: harness exited {res.returncode}: {res.stderr[:300]}")
        else:
            t = json.loads(res.stdout)
            if t["errors"] != t["frames"] or t["frames"] == 0:
                failures.append(f"malformed capture: {t['errors']} errors for {t['frames']} frames (want one per frame)")
            print(f"malformed_ecpri_synthetic.pcap: {t['frames']} frames, {t['errors']} reported malformed, no crash")
    else:
        print(f"SKIPPED: malformed capture check: {bad_cap} is absent")

    finish(failures)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generate the E2SM service-model layer (Rust) from the E2SM ASN.1.

Usage: python3 codegen/e2sm.py <asn1-dir> <out-dir>
  e.g. python3 codegen/e2sm.py ../shared/asn1 codecs/src/e2sm

<asn1-dir> holds `e2sm-kpm/E2SM-KPM-v02.03.asn`, `e2sm-kpm/E2SM-KPM-v03.00.asn`
and `e2sm-rc/E2SM-RC-v01.03.asn`. For each service model the output goes to
`<out-dir>/<model>/generated/` (replaced): one set of Rust types covering every
version of the model, with codecs that follow each version's own definition,
built with the same model and emitters as the E2AP layer (`e2ap.Gen`). The
hand-written `<out-dir>/<model>/mod.rs` defines the version enum and the
payload API. See codegen/README.md.
"""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import asn1  # noqa: E402
import e2ap  # noqa: E402
import model  # noqa: E402

# (folder, Rust module, version enum, [(variant, file, label)], ASN.1 module -> file)
MODELS = [
    (
        "e2sm-kpm",
        "kpm",
        "KpmVersion",
        [("V2_03", "E2SM-KPM-v02.03.asn", "v02.03"), ("V3_00", "E2SM-KPM-v03.00.asn", "v03.00")],
        {"E2SM-COMMON-IEs": "common", "E2SM-KPM-IEs": "ies"},
        "E2SM-KPM",
    ),
    (
        "e2sm-rc",
        "rc",
        "RcVersion",
        [("V1_03", "E2SM-RC-v01.03.asn", "v01.03")],
        {"E2SM-COMMON-IEs": "common", "E2SM-RC-IEs": "ies"},
        "E2SM-RC",
    ),
]

FILE_DOCS = {
    "common": "E2SM-COMMON-IEs: the information elements every service model shares (UE and cell ids, PLMN, ...).",
    "ies": "{name}-IEs: the service model's own information elements and payloads.",
}


class SmGen(e2ap.Gen):
    """The E2AP generator plus bounded random values: E2SM-RC's RAN parameter
    types are recursive (a structure holds value types that hold structures),
    so past a small depth the random values of recursive types take their
    shortest form: no optional recursive component, the least number of list
    items, the CHOICE alternative that ends soonest."""

    def __init__(self, types, sets, models):
        super().__init__(types, sets, models)
        self.compute_recursion()

    def refs(self, nt):
        if nt.kind == "ref":
            return [nt.ref]
        if nt.kind == "seqof":
            return self.refs(nt.elem)
        return []

    def compute_recursion(self):
        edges = {}
        for t in self.types.values():
            out = set()
            for d in t.defs.values():
                if t.kind in ("seq", "choice"):
                    for c in d.root + d.ext:
                        out.update(self.refs(c.nt))
                elif t.kind == "alias":
                    out.update(self.refs(d.alias))
            edges[t.rust] = out
        self.recursive = set()
        for start in edges:
            seen, todo = set(), list(edges[start])
            while todo:
                x = todo.pop()
                if x == start:
                    self.recursive.add(start)
                    break
                if x not in seen:
                    seen.add(x)
                    todo.extend(edges[x])
        # Height of the smallest value, to pick the alternative that ends.
        inf = float("inf")
        h = {r: inf for r in self.types}

        def nt_h(nt, mandatory=True):
            if not mandatory:
                return 0
            if nt.kind == "ref":
                return h[nt.ref]
            if nt.kind == "seqof":
                return 0 if nt.lb == 0 else nt_h(nt.elem)
            return 0

        changed = True
        while changed:
            changed = False
            for t in self.types.values():
                d = t.defs[t.versions[-1]]
                if t.kind == "seq":
                    x = 1 + max([nt_h(c.nt, not c.optional) for c in d.root] + [0])
                elif t.kind == "choice":
                    x = 1 + min(nt_h(c.nt) for c in d.root + d.ext)
                elif t.kind == "alias":
                    x = 1 + nt_h(d.alias)
                else:
                    x = 1
                if x < h[t.rust]:
                    h[t.rust] = x
                    changed = True
        self.height = h
        self.nt_height = nt_h

    def guarded(self, t, emit, out):
        """The codec of a recursive type counts its nesting while decoding,
        so that hostile input cannot exhaust the stack."""
        if t.rust not in self.recursive:
            return emit(t, out)
        tmp = []
        emit(t, tmp)
        text = "\n".join(tmp)
        name = t.asn1[t.versions[-1]]
        head = f'let outer = d.set_context("{name}");'
        assert text.count(head) == 1, name
        text = text.replace(head, head + "\ncx.enter(d)?;", 1)
        tail = "d.set_context(outer);\nOk(v)"
        assert text.count(tail) == 1, name
        text = text.replace(tail, "cx.leave();\n" + tail, 1)
        out.append(text)

    def emit_seq_codec(self, t, out):
        self.guarded(t, super().emit_seq_codec, out)

    def emit_choice_codec(self, t, out):
        self.guarded(t, super().emit_choice_codec, out)

    # PrintableStrings that may be empty follow asn1tools (see
    # `decode_printable` in codecs/src/e2sm/support.rs).
    @staticmethod
    def empty_string(nt):
        return nt.kind == "printable" and nt.constrained and nt.lb == 0 and nt.ub is not None and 0 < nt.ub < 65536

    def dec_expr(self, nt, rtype):
        if self.empty_string(nt):
            return f"decode_printable(d, {e2ap.size_expr(nt)})?"
        return super().dec_expr(nt, rtype)

    def enc_stmt(self, nt, x, rtype):
        if self.empty_string(nt):
            return f"encode_printable({x}, e, {e2ap.size_expr(nt)})?;"
        return super().enc_stmt(nt, x, rtype)

    def rec_nt(self, nt):
        return any(r in self.recursive for r in self.refs(nt))

    def rnd_expr(self, nt, rtype):
        if nt.kind == "seqof" and self.rec_nt(nt):
            inner = self.rnd_expr(nt.elem, rtype[4:-1])
            return f"(0..bounded_count(r, {e2ap.size_expr(nt)})).map(|_| {inner}).collect()"
        return super().rnd_expr(nt, rtype)

    def emit_random(self, t, out):
        if t.rust not in self.recursive or t.kind not in ("seq", "choice"):
            return super().emit_random(t, out)
        ty = self.lt(t.rust).replace("'a", "'static")
        out.append(f"impl {e2ap.RANDOM_TRAIT} for {ty} {{")
        out.append(f"fn random(r: &mut Rng, v: {e2ap.VTYPE}) -> Self {{")
        out.append("let _depth = Depth::enter();")
        if t.kind == "seq":

            def body(v):
                d = t.defs[v]
                inits = []
                for f in t.fields:
                    if v not in f.asn1:
                        inits.append(f"{f.rust}: None")
                        continue
                    c = next(c for c in d.root + d.ext if c.asn1 == f.asn1[v])
                    ft, rt, opt = self.field_type(t, f)
                    e = self.rnd_expr(c.nt, rt.replace("'a", "'static"))
                    if c.optional or c in d.ext:
                        cond = "r.chance(50) && !Depth::deep()" if self.rec_nt(c.nt) else "r.chance(50)"
                        inits.append(f"{f.rust}: ({cond}).then(|| {e})")
                    elif opt:
                        inits.append(f"{f.rust}: Some({e})")
                    else:
                        inits.append(f"{f.rust}: {e}")
                return "Self {" + ", ".join(inits) + "}"

        else:

            def body(v):
                d = t.defs[v]
                by_asn1 = {f.asn1.get(v): f for f in t.fields if v in f.asn1}
                comps = d.root + d.ext
                safe = min(range(len(comps)), key=lambda i: self.nt_height(comps[i].nt))
                lines = [f"let i = if Depth::deep() {{ {safe} }} else {{ r.below({len(comps)}) }};"]
                lines.append("match i {")
                for i, c in enumerate(comps):
                    f = by_asn1[c.asn1]
                    rt = self.rust_type(f.nts.values()).replace("'a", "'static")
                    arm = f"{i}" if i < len(comps) - 1 else "_"
                    lines.append(f"{arm} => Self::{f.rust}({self.rnd_expr(c.nt, rt)}),")
                lines.append("}")
                return "\n".join(lines)

        out.append(self.dispatch_v(t, body))
        out.append("}")
        out.append("}\n")


def printable_fields(types, name):
    """The serde names of the components and alternatives holding
    PrintableStrings (directly, through aliases or as list items). A name must
    not also hold OCTET STRINGs elsewhere in the model: both are hex-like
    strings in JSON, and readers tell them apart by this list."""

    def leaf(nt):
        if nt.kind == "ref":
            t = types[nt.ref]
            return leaf(t.defs[t.versions[-1]].alias) if t.kind == "alias" else None
        return leaf(nt.elem) if nt.kind == "seqof" else nt.kind

    printable, octets = set(), set()
    for t in types.values():
        for f in t.fields:
            kinds = {leaf(nt) for nt in f.nts.values()}
            if "printable" in kinds:
                printable.add(f.rust)
            if "octets" in kinds:
                octets.add(f.rust)
    if printable & octets:
        raise asn1.Asn1Error(f"{name}: names holding both PrintableStrings and OCTET STRINGs: {sorted(printable & octets)}")
    return sorted(printable)


def generate_model(asn1_dir, out_root, folder, rmod, vtype, versions, module_files, name):
    header = f"// @generated by codegen/e2sm.py from the O-RAN {name} ASN.1; do not edit.\n"
    model.set_versions([(v, f, label) for v, f, label in versions])
    e2ap.configure(vtype, f"Per<'a, {vtype}>", f"Random<{vtype}>")
    keys = model.VERSION_KEYS
    mods = {}
    for v, f, _ in versions:
        mods[v] = asn1.parse_files([os.path.join(asn1_dir, folder, f)])
    renames = model.detect_renames(mods)
    models = {v: model.normalise(v, mods[v], renames) for v in keys}
    types, sets = model.merge(models)
    if sets:
        raise asn1.Asn1Error(f"{name}: IE sets are not expected in a service model")
    gen = SmGen(types, sets, models)
    printable = printable_fields(types, name)

    files = {n: [] for n in dict.fromkeys(module_files.values())}
    codecs = {n: [] for n in files}
    random, owned = [], []
    for t in types.values():
        f = module_files.get(t.module)
        if f is None:
            raise asn1.Asn1Error(f"{name}: type {t.rust} in unexpected module {t.module}")
        gen.emit_random(t, random)
        gen.emit_owned(t, owned)
        if t.kind == "seq":
            gen.emit_seq_type(t, files[f])
            gen.emit_seq_codec(t, codecs[f])
        elif t.kind == "choice":
            gen.emit_choice_type(t, files[f])
            gen.emit_choice_codec(t, codecs[f])
        elif t.kind == "enum":
            gen.emit_enum_type(t, files[f])
            gen.emit_enum_codec(t, codecs[f])
        else:
            gen.emit_alias_type(t, files[f])
            gen.emit_alias_codec(t, codecs[f])

    out_dir = os.path.join(out_root, rmod, "generated")
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(os.path.join(out_dir, "codec"))
    written = []
    allow = "#[allow(unused_imports)]\n"
    type_imports = (
        f"{allow}use std::borrow::Cow;\n\n"
        "use serde::{Deserialize, Serialize};\n\n"
        f"{allow}use super::*;\n"
        f"{allow}use crate::e2ap::aper::BitString;\n"
        f"{allow}use crate::e2ap::{{Octets, UnknownExtension}};\n"
        f"{allow}use crate::e2sm::Real;\n\n"
    )
    # Some common types are used by no payload of a model (dead_code).
    codec_imports = (
        "#![allow(clippy::needless_question_mark, clippy::match_single_binding, unused_variables, dead_code)]\n\n"
        f"{allow}use super::super::*;\n"
        f"{allow}use super::*;\n"
        f"{allow}use crate::e2ap::aper::{{Index, PerDecoder, PerEncoder, Size}};\n"
        f"{allow}use crate::e2ap::{{Octets, UnknownExtension}};\n"
        f"{allow}use crate::e2sm::support::*;\n"
        f"{allow}use crate::e2sm::{rmod}::{{Cx, {vtype}}};\n"
        "use crate::Result;\n\n"
    )
    for fname, lines in files.items():
        p = os.path.join(out_dir, f"{fname}.rs")
        with open(p, "w") as f:
            f.write(header)
            f.write(f"//! {FILE_DOCS[fname].format(name=name)}\n\n")
            # Formats differ widely in size; boxing them would only obscure the types.
            f.write("#![allow(clippy::large_enum_variant)]\n\n")
            f.write(type_imports)
            f.write("\n".join(lines) + "\n")
        written.append(p)
    for fname, lines in codecs.items():
        p = os.path.join(out_dir, "codec", f"{fname}.rs")
        with open(p, "w") as f:
            f.write(header)
            f.write(f"//! Per-version ALIGNED PER codecs of the types in `{fname}.rs`.\n\n")
            f.write(codec_imports)
            f.write("\n".join(lines) + "\n")
        written.append(p)
    p = os.path.join(out_dir, "owned.rs")
    with open(p, "w") as f:
        f.write(header)
        f.write("//! [`IntoOwned`] for every type: detach a decoded value from its input.\n\n")
        f.write("#![allow(clippy::unit_arg)]\n\n")
        f.write("use super::*;\n")
        f.write("use crate::e2ap::IntoOwned;\n\n")
        f.write("\n".join(owned) + "\n")
    written.append(p)
    p = os.path.join(out_dir, "random.rs")
    with open(p, "w") as f:
        f.write(header)
        f.write("//! Random valid values of every type under a given version, for property\n")
        f.write("//! tests, oracle cross-checks and fuzzing peers.\n\n")
        f.write("#![allow(clippy::match_single_binding, clippy::vec_init_then_push, unused_variables, dead_code)]\n\n")
        f.write(f"{allow}use std::borrow::Cow;\n\n")
        f.write(f"{allow}use super::*;\n")
        f.write(f"{allow}use crate::e2ap::Octets;\n")
        f.write(f"{allow}use crate::e2ap::aper::Size;\n")
        f.write(f"{allow}use crate::e2ap::random::Rng;\n")
        f.write(f"{allow}use crate::e2sm::support::{{Depth, Random, bounded_count, random_real}};\n")
        f.write(f"{allow}use crate::e2sm::{rmod}::{vtype};\n\n")
        f.write("\n".join(random) + "\n")
    written.append(p)
    p = os.path.join(out_dir, "codec", "mod.rs")
    with open(p, "w") as f:
        f.write(header)
        f.write("//! Codecs: for every type, `decode`/`encode` following the definition of the\n")
        f.write("//! version in the context.\n\n")
        for fname in codecs:
            f.write(f"mod {fname};\n")
        f.write(f"\n{allow}pub(crate) use {{")
        f.write(", ".join(f"{n}::*" for n in codecs))
        f.write("};\n")
    written.append(p)
    p = os.path.join(out_dir, "mod.rs")
    with open(p, "w") as f:
        f.write(header)
        f.write(f"//! The {name} types of every supported version, generated from the\n")
        f.write("//! specifications' ASN.1, one module per ASN.1 module. One Rust type per ASN.1\n")
        f.write("//! type: where versions differ, it holds the union of their components, and\n")
        f.write("//! its codec follows the definition of the version being decoded or encoded.\n\n")
        for fname in files:
            f.write(f"mod {fname};\n")
        f.write("pub(crate) mod codec;\n")
        f.write("mod owned;\n")
        f.write("pub(crate) mod random;\n\n")
        for fname in files:
            f.write(f"pub use {fname}::*;\n")
        f.write("\n/// The JSON names (SEQUENCE components, CHOICE alternatives) whose values are\n")
        f.write("/// PrintableStrings; every other string of hex digits in the JSON form is an\n")
        f.write("/// OCTET STRING. For readers of the JSON that cannot tell them apart by shape.\n")
        f.write("pub const PRINTABLE_FIELDS: &[&str] = &[")
        f.write(", ".join(f'"{n}"' for n in printable))
        f.write("];\n")
    written.append(p)
    e2ap.rustfmt(written)
    for v in keys:
        print(f"{name} {model.LABEL[v]}: {len(models[v].defs)} types")
    groups = [t.rust for t in types.values() if len(gen.groups(t)) > 1]
    print(f"{name} merged: {len(types)} types; differing between versions: {', '.join(groups) or 'none'}")
    print(f"{name} recursive types: {', '.join(sorted(gen.recursive)) or 'none'}")


def generate(asn1_dir, out_root):
    for m in MODELS:
        generate_model(asn1_dir, out_root, *m)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    generate(sys.argv[1], sys.argv[2])

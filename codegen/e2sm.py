#!/usr/bin/env python3
"""Generate the E2SM service-model layer (Rust) from the E2SM ASN.1.

Usage: python3 codegen/e2sm.py <asn1-dir> <out-dir>
  e.g. python3 codegen/e2sm.py ../shared/asn1 codecs/src/e2sm

<asn1-dir> holds `e2sm-kpm/E2SM-KPM-v02.03.asn`, `e2sm-kpm/E2SM-KPM-v03.00.asn`
and `e2sm-rc/E2SM-RC-v01.03.asn`. For each service model the output goes to
`<out-dir>/<model>/generated/` (replaced): one set of Rust types covering every
version of the model, with codecs that follow each version's own definition,
built with the same model and emitters as the E2AP layer (`e2ap.Gen`). The
E2SM-COMMON-IEs types that every model defines alike go once to
`<out-dir>/common/` (replaced), with codecs generic over the model's version
enum; a common type some model defines otherwise stays with each model. The
hand-written `<out-dir>/<model>/mod.rs` defines the version enum and the
payload API. See codegen/README.md.
"""

import os
import shutil
import sys
import textwrap

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
    "common": "E2SM-COMMON-IEs types {name} defines otherwise than the other service models; those they share are in `crate::e2sm::common`.",
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
        # E2SM-COMMON-IEs types generated with the model: why each is not shared.
        self.kept = {}

    def type_doc(self, t, out):
        super().type_doc(t, out)
        if t.rust in self.kept:
            out.append("///")
            out.append(f"/// Generated per model, not shared: {self.kept[t.rust]}.")

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
        out.append(f"impl{e2ap.params(False)} {e2ap.RANDOM_TRAIT} for {ty} {{")
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


SHARED_MODULE = "E2SM-COMMON-IEs"
SHARED_DIR = "common"


class Loaded:
    """One service model parsed, normalised and merged over its versions."""

    def __init__(self, asn1_dir, folder, rmod, vtype, versions, module_files, name):
        self.rmod, self.vtype, self.versions, self.module_files, self.name = rmod, vtype, versions, module_files, name
        model.set_versions(versions)
        mods = {v: asn1.parse_files([os.path.join(asn1_dir, folder, f)]) for v, f, _ in versions}
        renames = model.detect_renames(mods)
        self.models = {v: model.normalise(v, mods[v], renames) for v in model.VERSION_KEYS}
        self.types, sets = model.merge(self.models)
        if sets:
            raise asn1.Asn1Error(f"{name}: IE sets are not expected in a service model")
        for t in self.types.values():
            if t.module not in module_files:
                raise asn1.Asn1Error(f"{name}: type {t.rust} in unexpected module {t.module}")
        self.gen = SmGen(self.types, sets, self.models)
        self.printable = printable_fields(self.types, name)

    def activate(self, generic=False):
        """Make the emitters follow this model's versions: its version enum,
        or (for the shared types) any version enum."""
        model.set_versions(self.versions)
        if generic:
            e2ap.configure("V", "Per<'a, V>", "Random<V>", generics="V: SmVersion", cx="Cx<V>")
        else:
            e2ap.configure(self.vtype, f"Per<'a, {self.vtype}>", f"Random<{self.vtype}>")

    def signature(self, t):
        """The one definition a type has in every version of the model, or
        None when versions differ."""
        if len(self.gen.groups(t)) != 1 or len(t.versions) != len(self.versions):
            return None
        d = t.defs[t.versions[0]]
        return (t.kind, d.key(), [f.rust for f in t.fields], [vn for vn, _ in t.items], t.lifetime)


def shared_types(loaded):
    """The E2SM-COMMON-IEs types to generate once: those every model imports
    with one and the same definition in all its versions, referring only to
    such types. The others stay per model, with why."""
    names = list(dict.fromkeys(r for lm in loaded for r, t in lm.types.items() if t.module == SHARED_MODULE))
    shared, why = [], {}
    for r in names:
        without = [lm.name for lm in loaded if r not in lm.types or lm.types[r].module != SHARED_MODULE]
        if without:
            why[r] = f"not in the {SHARED_MODULE} of {', '.join(without)}"
            continue
        sigs = [lm.signature(lm.types[r]) for lm in loaded]
        varying = [lm.name for lm, sig in zip(loaded, sigs) if sig is None]
        if varying:
            why[r] = f"its definition differs between versions of {', '.join(varying)}"
        elif any(sig != sigs[0] for sig in sigs):
            why[r] = f"its definition differs between {', '.join(lm.name for lm in loaded)}"
        else:
            shared.append(r)
    gen = loaded[0].gen
    changed = True
    while changed:
        changed = False
        for r in list(shared):
            t = gen.types[r]
            refs = {x for d in t.defs.values() for c in d.root + d.ext for x in gen.refs(c.nt)}
            if t.kind == "alias":
                refs |= {x for d in t.defs.values() for x in gen.refs(d.alias)}
            kept = sorted(x for x in refs if x not in shared)
            if kept:
                shared.remove(r)
                why[r] = f"it uses {', '.join(kept)}, kept per model"
                changed = True
    return shared, why


def emit(gen, types, files, codecs, random, owned, file_of):
    for t in types:
        f = file_of(t)
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


ALLOW = "#[allow(unused_imports)]\n"
TYPE_IMPORTS = (
    f"{ALLOW}use std::borrow::Cow;\n\n"
    "use serde::{Deserialize, Serialize};\n\n"
    f"{ALLOW}use super::*;\n"
    f"{ALLOW}use crate::e2ap::aper::BitString;\n"
    f"{ALLOW}use crate::e2ap::{{Octets, UnknownExtension}};\n"
    f"{ALLOW}use crate::e2sm::Real;\n\n"
)
# Some types are used by no payload of a model (dead_code).
CODEC_ALLOW = "#![allow(clippy::needless_question_mark, clippy::match_single_binding, unused_variables, dead_code)]\n\n"
RANDOM_ALLOW = "#![allow(clippy::match_single_binding, clippy::vec_init_then_push, unused_variables, dead_code)]\n\n"


def write(path, text, written):
    with open(path, "w") as f:
        f.write(text)
    written.append(path)


def types_file(header, doc, lines):
    # Formats differ widely in size; boxing them would only obscure the types.
    return header + f"//! {doc}\n\n#![allow(clippy::large_enum_variant)]\n\n" + TYPE_IMPORTS + "\n".join(lines) + "\n"


def owned_file(header, lines):
    return (
        header
        + "//! [`IntoOwned`] for every type: detach a decoded value from its input.\n\n"
        + "#![allow(clippy::unit_arg)]\n\nuse super::*;\nuse crate::e2ap::IntoOwned;\n\n"
        + "\n".join(lines)
        + "\n"
    )


def random_head(header):
    return (
        header
        + "//! Random valid values of every type under a given version, for property\n"
        + "//! tests, oracle cross-checks and fuzzing peers.\n\n"
        + RANDOM_ALLOW
        + f"{ALLOW}use std::borrow::Cow;\n\n"
        + f"{ALLOW}use super::*;\n"
        + f"{ALLOW}use crate::e2ap::Octets;\n"
        + f"{ALLOW}use crate::e2ap::aper::Size;\n"
        + f"{ALLOW}use crate::e2ap::random::Rng;\n"
    )


def generate_shared(loaded, shared, out_root):
    """`<out>/common/`: the shared E2SM-COMMON-IEs types, their codecs and
    random values generic over the model's version enum."""
    names = " and ".join(lm.name for lm in loaded)
    header = f"// @generated by codegen/e2sm.py from the O-RAN {names} ASN.1 ({SHARED_MODULE}); do not edit.\n"
    texts = []
    for lm in loaded:
        # Emitted from each model's side, the shared types must come out the
        # same: what every model gets from the one module is its own.
        lm.activate(generic=True)
        types = [lm.types[r] for r in shared]
        files, codecs, random, owned = {"ies": []}, {"ies": []}, [], []
        emit(lm.gen, types, files, codecs, random, owned, lambda t: "ies")
        texts.append((files["ies"], codecs["ies"], random, owned))
    for lm, text in zip(loaded[1:], texts[1:]):
        if text != texts[0]:
            raise asn1.Asn1Error(f"{SHARED_MODULE}: the shared types come out differently for {lm.name}")
    files, codecs, random, owned = texts[0]
    out_dir = os.path.join(out_root, SHARED_DIR)
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)
    written = []
    versions = ", ".join(f"{lm.name} {'/'.join(label for _, _, label in lm.versions)}" for lm in loaded)
    doc = textwrap.fill(
        f"{SHARED_MODULE}: the information elements the service models share (UE and cell ids, PLMN, "
        f"RAN function names, ...), as {versions} all define them.",
        80,
        break_on_hyphens=False,
        initial_indent="//! ",
        subsequent_indent="//! ",
    )[len("//! ") :]
    write(os.path.join(out_dir, "ies.rs"), types_file(header, doc, files), written)
    write(
        os.path.join(out_dir, "codec.rs"),
        header
        + "//! ALIGNED PER codecs of the types in `ies.rs`, for any service model's version.\n\n"
        + CODEC_ALLOW
        + f"{ALLOW}use super::*;\n"
        + f"{ALLOW}use crate::e2ap::aper::{{Index, PerDecoder, PerEncoder, Size}};\n"
        + f"{ALLOW}use crate::e2ap::{{Octets, UnknownExtension}};\n"
        + f"{ALLOW}use crate::e2sm::support::*;\n"
        + "use crate::Result;\n\n"
        + "\n".join(codecs)
        + "\n",
        written,
    )
    write(os.path.join(out_dir, "owned.rs"), owned_file(header, owned), written)
    write(
        os.path.join(out_dir, "random.rs"),
        random_head(header)
        + f"{ALLOW}use crate::e2sm::support::{{Depth, Random, SmVersion, bounded_count, random_real}};\n\n"
        + "\n".join(random)
        + "\n",
        written,
    )
    write(
        os.path.join(out_dir, "mod.rs"),
        header
        + textwrap.fill(
            f"{SHARED_MODULE}, generated once for the service models that import it: {versions} "
            "define these types alike (the generator checks it), and each model re-exports them "
            "(`kpm::Ueid` is `common::Ueid`). Their codecs and random values are generic over the "
            "model's version enum; a common type that a model defined otherwise would be generated "
            "with that model instead.",
            80,
        break_on_hyphens=False,
            initial_indent="//! ",
            subsequent_indent="//! ",
        )
        + "\n\n"
        + "pub(crate) mod codec;\nmod ies;\nmod owned;\npub(crate) mod random;\n\npub use ies::*;\n",
        written,
    )
    e2ap.rustfmt(written)
    print(f"{SHARED_MODULE} shared by {names}: {len(shared)} types")


def generate_model(lm, shared, why, out_root):
    """`<out>/<model>/generated/`: the model's own types, and any common type
    it does not share."""
    name, rmod, vtype = lm.name, lm.rmod, lm.vtype
    header = f"// @generated by codegen/e2sm.py from the O-RAN {name} ASN.1; do not edit.\n"
    lm.activate()
    lm.gen.kept = {r: w for r, w in why.items() if r in lm.types and lm.types[r].module == SHARED_MODULE}
    own = [t for r, t in lm.types.items() if r not in shared]
    files = {n: [] for n in dict.fromkeys(lm.module_files.values())}
    codecs = {n: [] for n in files}
    random, owned = [], []
    emit(lm.gen, own, files, codecs, random, owned, lambda t: lm.module_files[t.module])
    files = {n: lines for n, lines in files.items() if lines}
    codecs = {n: lines for n, lines in codecs.items() if n in files}

    out_dir = os.path.join(out_root, rmod, "generated")
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(os.path.join(out_dir, "codec"))
    written = []
    for fname, lines in files.items():
        write(os.path.join(out_dir, f"{fname}.rs"), types_file(header, FILE_DOCS[fname].format(name=name), lines), written)
    for fname, lines in codecs.items():
        write(
            os.path.join(out_dir, "codec", f"{fname}.rs"),
            header
            + f"//! Per-version ALIGNED PER codecs of the types in `{fname}.rs`.\n\n"
            + CODEC_ALLOW
            + f"{ALLOW}use super::super::*;\n"
            + f"{ALLOW}use super::*;\n"
            + f"{ALLOW}use crate::e2ap::aper::{{Index, PerDecoder, PerEncoder, Size}};\n"
            + f"{ALLOW}use crate::e2ap::{{Octets, UnknownExtension}};\n"
            + f"{ALLOW}use crate::e2sm::support::*;\n"
            + f"{ALLOW}use crate::e2sm::{rmod}::{{Cx, {vtype}}};\n"
            + "use crate::Result;\n\n"
            + "\n".join(lines)
            + "\n",
            written,
        )
    write(os.path.join(out_dir, "owned.rs"), owned_file(header, owned), written)
    write(
        os.path.join(out_dir, "random.rs"),
        random_head(header)
        + f"{ALLOW}use crate::e2sm::common::random::*;\n"
        + f"{ALLOW}use crate::e2sm::support::{{Depth, Random, bounded_count, random_real}};\n"
        + f"{ALLOW}use crate::e2sm::{rmod}::{vtype};\n\n"
        + "\n".join(random)
        + "\n",
        written,
    )
    mods = "".join(f"mod {n};\n" for n in codecs)
    uses = ", ".join(f"{n}::*" for n in codecs)
    write(
        os.path.join(out_dir, "codec", "mod.rs"),
        header
        + "//! Codecs: for every type, `decode`/`encode` following the definition of the\n"
        + "//! version in the context.\n\n"
        + mods
        + f"\n{ALLOW}pub(crate) use {{{uses}}};\n"
        + f"{ALLOW}pub(crate) use crate::e2sm::common::codec::*;\n",
        written,
    )
    text = (
        header
        + f"//! The {name} types of every supported version, generated from the\n"
        + "//! specifications' ASN.1, one module per ASN.1 module; the E2SM-COMMON-IEs\n"
        + "//! types the models share are in `crate::e2sm::common`, re-exported here. One\n"
        + "//! Rust type per ASN.1 type: where versions differ, it holds the union of their\n"
        + "//! components, and its codec follows the definition of the version being\n"
        + "//! decoded or encoded.\n\n"
        + "".join(f"mod {n};\n" for n in files)
        + "pub(crate) mod codec;\nmod owned;\npub(crate) mod random;\n\n"
        + "pub use crate::e2sm::common::*;\n"
        + "".join(f"pub use {n}::*;\n" for n in files)
        + "\n/// The JSON names (SEQUENCE components, CHOICE alternatives) whose values are\n"
        + "/// PrintableStrings; every other string of hex digits in the JSON form is an\n"
        + "/// OCTET STRING. For readers of the JSON that cannot tell them apart by shape.\n"
        + "pub const PRINTABLE_FIELDS: &[&str] = &["
        + ", ".join(f'"{n}"' for n in lm.printable)
        + "];\n"
    )
    write(os.path.join(out_dir, "mod.rs"), text, written)
    e2ap.rustfmt(written)
    for v in model.VERSION_KEYS:
        print(f"{name} {model.LABEL[v]}: {len(lm.models[v].defs)} types")
    groups = [t.rust for t in lm.types.values() if len(lm.gen.groups(t)) > 1]
    print(f"{name} merged: {len(lm.types)} types; differing between versions: {', '.join(groups) or 'none'}")
    kept = [f"{t.rust} ({why[t.rust]})" for t in own if t.module == SHARED_MODULE]
    print(f"{name} {SHARED_MODULE} kept per model: {', '.join(kept) or 'none'}")
    print(f"{name} recursive types: {', '.join(sorted(lm.gen.recursive)) or 'none'}")


def generate(asn1_dir, out_root):
    loaded = [Loaded(asn1_dir, *m) for m in MODELS]
    shared, why = shared_types(loaded)
    generate_shared(loaded, shared, out_root)
    for lm in loaded:
        generate_model(lm, set(shared), why, out_root)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    generate(sys.argv[1], sys.argv[2])

"""From parsed ASN.1 of several E2AP versions to one merged model.

Each version is normalised first: value references resolved, inline
SEQUENCE/CHOICE/ENUMERATED types hoisted into named types, types renamed
between versions mapped to their newest name, and every name turned into its
Rust spelling (which also unifies spellings such as RICQueryRequest /
RICqueryRequest). Then the versions are merged: one Rust type per name whose
fields, alternatives or items are the union over the versions, and for each
version the exact definition its codec must follow.
"""

import re
from dataclasses import dataclass, field
from typing import Optional

import asn1

# (Rust variant, folder under the ASN.1 directory, label), oldest first.
VERSIONS = [
    ("V1_00", "e2ap-v01.00", "v01.00"),
    ("V2_03", "e2ap-v02.03", "v02.03"),
    ("V3_01", "e2ap-v03.01", "v03.01"),
    ("Latest", "e2ap-latest", "latest"),
]
VERSION_KEYS = [v[0] for v in VERSIONS]
LABEL = {v[0]: v[2] for v in VERSIONS}


def set_versions(versions):
    """Make `versions` ((variant, folder, label), oldest first) the ones this
    run models. The lists are updated in place, as the generators import
    them by name; one run generates one protocol at a time."""
    VERSIONS[:] = versions
    VERSION_KEYS[:] = [v[0] for v in versions]
    LABEL.clear()
    LABEL.update({v[0]: v[2] for v in versions})

# ---- names ------------------------------------------------------------------

# Words the splitter cannot get right on its own.
WORD_OVERRIDES = {
    "GlobalngeNB": ["Global", "ng", "eNB"],
    "iEsCriticalityDiagnostics": ["iEs", "Criticality", "Diagnostics"],
    "IEs": ["IEs"],
    "E2AP": ["E2AP"],
    "GlobalenGNB": ["Global", "en", "GNB"],
    "GlobalgNB": ["Global", "gNB"],
    "iECriticality": ["iE", "Criticality"],
    "E2SM": ["E2SM"],
}
ACRONYMS = {
    "RIC", "RAN", "TNL", "MME", "AMF", "IE", "ID", "NG", "PLMN", "GNB", "ENB", "SN", "OID", "DU", "CU",
    "UP", "CP", "PDU", "AP", "E", "NGENB", "TNLA",
}


def words(name):
    """Split an ASN.1 name into words: at hyphens, at lower-to-upper case
    changes, after an acronym ("RICsubscription" = RIC + subscription); a
    number sticks to its neighbours ("E2setup", "w1ms")."""
    out = []
    for seg in name.split("-"):
        if seg in WORD_OVERRIDES:
            out.extend(WORD_OVERRIDES[seg])
            continue
        if seg.endswith("IEs") and len(seg) > 3:
            out.extend(words(seg[:-3]))
            out.append("IEs")
            continue
        runs = re.findall(r"[A-Z]+|[a-z]+|[0-9]+", seg)
        ws = []
        i = 0
        while i < len(runs):
            r = runs[i]
            nxt = runs[i + 1] if i + 1 < len(runs) else None
            if r[0].isdigit():
                if ws:
                    ws[-1] += r
                else:
                    ws.append(r)
                if nxt is not None and nxt[0].islower():
                    ws[-1] += nxt
                    i += 1
            elif r[0].isupper():
                if nxt is not None and nxt[0].islower():
                    if len(r) == 1:
                        ws.append(r + nxt)
                        i += 1
                    elif r in ACRONYMS:
                        ws.append(r)
                    else:
                        # "RICQuery": an acronym, then a capitalised word.
                        ws.append(r[:-1])
                        ws.append(r[-1] + nxt)
                        i += 1
                else:
                    ws.append(r)
            else:
                # "gNB", "eNB", "pLMN": one lowercase letter prefixing an acronym.
                if len(r) == 1 and nxt is not None and nxt[0].isupper() and (
                    i + 2 >= len(runs) or not runs[i + 2][0].islower()
                ):
                    ws.append(r + nxt)
                    i += 1
                else:
                    ws.append(r)
            i += 1
        out.extend(ws)
    return out


def camel(name):
    return "".join(w[0].upper() + w[1:].lower() for w in words(name))


RUST_KEYWORDS = {"type", "match", "ref", "mod", "use", "fn", "struct", "enum", "loop", "move", "box", "in", "as", "continue"}


def snake(name):
    s = "_".join(w.lower() for w in words(name))
    return f"r#{s}" if s in RUST_KEYWORDS else s


def variant(name):
    v = camel(name)
    if v[0].isdigit():
        v = "V" + v
    return v


# ---- normalised per-version model ---------------------------------------------


@dataclass(frozen=True)
class NT:
    """How a component's type is used: a reference to a named type or an
    inline primitive with its PER-visible constraint."""

    kind: str  # ref single container int bits octets printable bool real null seqof
    ref: Optional[str] = None
    lb: Optional[int] = None
    ub: Optional[int] = None
    ext: bool = False
    constrained: bool = False
    elem: Optional["NT"] = None


@dataclass
class Comp:
    asn1: str
    nt: NT
    optional: bool


@dataclass
class Def:
    kind: str  # seq choice enum alias
    asn1: str
    module: str
    root: list = field(default_factory=list)
    ext: list = field(default_factory=list)
    extensible: bool = False
    items: list = field(default_factory=list)
    ext_items: list = field(default_factory=list)
    alias: Optional[NT] = None
    # InitiatingMessage & co: SEQUENCE of class fields, generated by hand.
    wrapper: bool = False

    def key(self):
        return (
            self.kind,
            tuple((c.asn1, c.nt, c.optional) for c in self.root),
            tuple((c.asn1, c.nt, c.optional) for c in self.ext),
            self.extensible,
            tuple(self.items),
            tuple(self.ext_items),
            self.alias,
            self.wrapper,
        )


@dataclass
class IeMember:
    id: int
    id_name: str
    criticality: str
    nt: NT
    presence: str


@dataclass
class IeSet:
    asn1: str
    module: str
    members: list


@dataclass
class Proc:
    code: int
    name: str  # object name, e.g. ricSubscription
    code_name: str  # id-RICsubscription
    messages: dict  # kind (initiating/successful/unsuccessful) -> Rust type name
    criticality: str


@dataclass
class VersionModel:
    key: str
    defs: dict  # Rust name -> Def
    sets: dict  # Rust name -> IeSet
    procs: dict  # code -> Proc
    values: dict  # value name -> int
    ie_ids: dict  # id number -> id name
    proc_ids: dict  # code -> id name


def detect_renames(mods):
    """Types renamed between versions, found where a component or alternative
    of the same name refers to differently named types and the old name is
    gone from the newest version: {version: {old: new}}."""
    newest = mods[VERSION_KEYS[-1]]
    renames = {v: {} for v in VERSION_KEYS}
    for v in VERSION_KEYS[:-1]:
        m = mods[v]
        for name, t in m.types.items():
            nt = newest.types.get(name)
            if nt is None or t.kind not in ("seq", "choice") or nt.kind != t.kind:
                continue
            old_comps = t.root + t.ext_comps
            new_comps = nt.root + nt.ext_comps
            for i, c in enumerate(old_comps):
                match = [n for n in new_comps if n.name == c.name]
                if not match and i < len(new_comps):
                    match = [new_comps[i]]
                if not match:
                    continue
                a, b = c.type, match[0].type
                if a.kind == b.kind == "ref" and a.name != b.name and a.name not in newest.types:
                    renames[v][a.name] = b.name
    return renames


def normalise(vkey, m, renames):
    defs, sets, procs = {}, {}, {}
    values = dict(m.values)
    rn = renames.get(vkey, {})
    asn1_of = {}

    def resolve(x):
        if x is None or isinstance(x, int):
            return x
        if x not in values:
            raise asn1.Asn1Error(f"{vkey}: unknown value {x}")
        return values[x]

    def claim(rust, asn1name):
        prev = asn1_of.get(rust)
        if prev is not None and prev != asn1name:
            raise asn1.Asn1Error(f"{vkey}: {prev} and {asn1name} both map to Rust name {rust}")
        asn1_of[rust] = asn1name

    def use(t, owner, comp):
        """NT for a component type, hoisting inline constructed types."""
        k = t.kind
        if k == "ref":
            target = rn.get(t.name, t.name)
            if target not in m.types and t.name not in m.types:
                raise asn1.Asn1Error(f"{vkey}: {owner}.{comp} refers to unknown type {t.name}")
            return NT("ref", ref=camel(target))
        if k in ("single", "container"):
            return NT(k, ref=camel(t.name))
        if k in ("int", "bits", "octets", "printable"):
            r = t.range
            if r is None:
                return NT(k)
            return NT(k, lb=resolve(r.lb), ub=resolve(r.ub), ext=r.ext, constrained=True)
        if k in ("bool", "null", "real"):
            return NT(k)
        if k == "seqof":
            r = t.range
            elem = use(t.elem, owner, comp + "-Item")
            if r is None:
                return NT("seqof", elem=elem)
            return NT("seqof", lb=resolve(r.lb), ub=resolve(r.ub), ext=r.ext, constrained=True, elem=elem)
        if k in ("seq", "choice", "enum"):
            name = f"{owner}-{comp}" if comp[0].isupper() else f"{owner}-{comp[0].upper()}{comp[1:]}"
            define(name, t, module_of(owner))
            return NT("ref", ref=camel(name))
        if k == "classfield":
            return NT("classfield", ref=t.name)
        raise asn1.Asn1Error(f"{vkey}: {owner}.{comp}: unsupported type kind {k}")

    def module_of(name):
        return m.type_module.get(name, module_of.last)

    module_of.last = "E2AP-IEs"

    def define(name, t, module):
        rust = camel(rn.get(name, name))
        claim(rust, name)
        d = Def(t.kind if t.kind in ("seq", "choice", "enum") else "alias", name, module)
        if t.kind in ("seq", "choice"):
            d.extensible = t.extensible
            d.root = [Comp(c.name, use(c.type, name, c.name), c.optional) for c in t.root]
            d.ext = [Comp(c.name, use(c.type, name, c.name), c.optional) for c in t.ext_comps]
            d.wrapper = any(c.nt.kind == "classfield" for c in d.root)
        elif t.kind == "enum":
            d.extensible = t.extensible
            d.items = list(t.items)
            d.ext_items = list(t.ext_items)
        else:
            d.alias = use(t, name, "value")
        defs[rust] = d

    for name, t in m.types.items():
        module_of.last = m.type_module.get(name, "E2AP-IEs")
        define(name, t, m.type_module.get(name, "E2AP-IEs"))

    for name, members in m.ie_sets.items():
        rust = camel(name)
        claim(rust, name)
        ms = []
        for ie in members:
            ms.append(IeMember(resolve(ie.id_name), ie.id_name, ie.criticality, use(ie.type, name, "value"), ie.presence))
        sets[rust] = IeSet(name, m.type_module.get(name, "E2AP-PDU-Contents"), ms)

    # Elementary procedures reachable from the top-level set.
    def expand(n, seen):
        if n in m.procedure_sets:
            for x in m.procedure_sets[n]:
                expand(x, seen)
        elif n in m.procedures:
            seen.append(m.procedures[n])
        else:
            raise asn1.Asn1Error(f"{vkey}: unknown elementary procedure {n}")

    found = []
    if m.procedure_sets:
        expand("E2AP-ELEMENTARY-PROCEDURES", found)
    for p in found:
        code = resolve(p.code_name)
        msgs = {}
        for kind, tn in (("initiating", p.initiating), ("successful", p.successful), ("unsuccessful", p.unsuccessful)):
            if tn is None:
                continue
            target = tn if tn in m.types else next((x for x in m.types if x.lower() == tn.lower()), None)
            if target is None:
                raise asn1.Asn1Error(f"{vkey}: procedure {p.name} names unknown message {tn}")
            msgs[kind] = camel(target)
        procs[code] = Proc(code, p.name, p.code_name, msgs, p.criticality)

    ie_ids = {val: k for k, val in values.items() if k.startswith("id-") and any(
        ie.id_name == k for s in m.ie_sets.values() for ie in s)}
    proc_ids = {p.code: p.code_name for p in procs.values()}
    return VersionModel(vkey, defs, sets, procs, values, ie_ids, proc_ids)


# ---- merged model -------------------------------------------------------------


@dataclass
class MField:
    rust: str  # field or variant name
    asn1: dict  # version -> ASN.1 name in that version
    nts: dict  # version -> NT
    optional: dict  # version -> bool (absent versions not listed)
    extension: dict  # version -> bool (in the extension additions)


@dataclass
class MType:
    rust: str
    kind: str
    asn1: dict  # version -> ASN.1 name
    module: str
    versions: list
    defs: dict  # version -> Def
    fields: list = field(default_factory=list)  # seq fields / choice alternatives
    items: list = field(default_factory=list)  # enum: (variant, {version: ASN.1 name})
    lifetime: bool = False


@dataclass
class MSetMember:
    id: int
    rust: str
    id_name: str
    members: dict  # version -> IeMember


@dataclass
class MSet:
    rust: str
    asn1: dict
    module: str
    versions: list
    members: list  # MSetMember by id, in order of first appearance
    sets: dict  # version -> IeSet


def merge_fields(defs, versions):
    """Union of SEQUENCE components / CHOICE alternatives over versions,
    newest order first, matching by name or, for a renamed component, by
    position and type."""
    newest = versions[-1]
    fields = []
    by_asn1 = {}
    for v in reversed(versions):
        d = defs[v]
        comps = [(c, False) for c in d.root] + [(c, True) for c in d.ext]
        prev = None
        for idx, (c, is_ext) in enumerate(comps):
            f = by_asn1.get(c.asn1)
            if f is None and v != newest:
                # Renamed: same position and type in a newer version, and that
                # name absent from this version.
                names_here = {cc.asn1 for cc, _ in comps}
                for ff in fields:
                    nv = max(ff.asn1, key=VERSION_KEYS.index)
                    ncomps = defs[nv].root + defs[nv].ext
                    if idx < len(ncomps) and ncomps[idx].asn1 == ff.asn1[nv] and ff.asn1[nv] not in names_here \
                            and ff.nts[nv] == c.nt and v not in ff.asn1:
                        f = ff
                        break
            if f is None:
                f = MField(snake(c.asn1) if defs[v].kind == "seq" else variant(c.asn1), {}, {}, {}, {})
                pos = fields.index(prev) + 1 if prev is not None else 0
                fields.insert(pos, f)
            f.asn1[v] = c.asn1
            f.nts[v] = c.nt
            f.optional[v] = c.optional
            f.extension[v] = is_ext
            by_asn1.setdefault(c.asn1, f)
            prev = f
    names = [f.rust for f in fields]
    if len(set(names)) != len(names):
        raise asn1.Asn1Error(f"field names collide after merging: {names}")
    return fields


def merge(models):
    types, sets = {}, {}
    names = []
    for v in VERSION_KEYS:
        for r in models[v].defs:
            if r not in names:
                names.append(r)
    for r in names:
        versions = [v for v in VERSION_KEYS if r in models[v].defs]
        defs = {v: models[v].defs[r] for v in versions}
        kinds = {d.kind for d in defs.values()}
        if len(kinds) != 1:
            raise asn1.Asn1Error(f"{r}: kind changes between versions: {kinds}")
        kind = kinds.pop()
        newest = defs[versions[-1]]
        mt = MType(r, kind, {v: d.asn1 for v, d in defs.items()}, newest.module, versions, defs)
        if kind in ("seq", "choice"):
            mt.fields = merge_fields(defs, versions)
        elif kind == "enum":
            # Items match by their Rust spelling, which ignores case changes
            # such as v01.00's "ran-function-id-Invalid".
            by_variant = {}
            for v in reversed(versions):
                for it in defs[v].items + defs[v].ext_items:
                    vn = variant(it)
                    if vn not in by_variant:
                        by_variant[vn] = {}
                        mt.items.append((vn, by_variant[vn]))
                    by_variant[vn][v] = it
        else:
            alias_kinds = {d.alias.kind for d in defs.values()}
            if len(alias_kinds) != 1:
                raise asn1.Asn1Error(f"{r}: alias kind changes between versions")
        types[r] = mt

    set_names = []
    for v in VERSION_KEYS:
        for r in models[v].sets:
            if r not in set_names:
                set_names.append(r)
    for r in set_names:
        versions = [v for v in VERSION_KEYS if r in models[v].sets]
        vsets = {v: models[v].sets[r] for v in versions}
        members = []
        by_id = {}
        for v in reversed(versions):
            for ie in vsets[v].members:
                mm = by_id.get(ie.id)
                if mm is None:
                    mm = MSetMember(ie.id, variant(ie.id_name[3:]), ie.id_name, {})
                    by_id[ie.id] = mm
                    members.append(mm)
                mm.members[v] = ie
        # Members keep the newest version's order; older-only ones go last.
        vn = [x.rust for x in members]
        if len(set(vn)) != len(vn):
            raise asn1.Asn1Error(f"{r}: IE names collide: {vn}")
        sets[r] = MSet(r, {v: s.asn1 for v, s in vsets.items()}, vsets[versions[-1]].module, versions, members, vsets)
    return types, sets

"""A small ASN.1 parser for the subset the E2AP specifications use.

Covers: module headers and IMPORTS (skipped), type assignments (SEQUENCE,
SEQUENCE OF, CHOICE, ENUMERATED, INTEGER, BIT STRING, OCTET STRING,
PrintableString, BOOLEAN, NULL, references and parameterised references),
value assignments (integers), information object classes (skipped: their
meaning is built into the generator), object sets of E2AP-PROTOCOL-IES and
E2AP-ELEMENTARY-PROCEDURE, and single objects of E2AP-ELEMENTARY-PROCEDURE.

Anything outside that subset is an error naming the token and line, so a new
specification release that uses more of ASN.1 fails loudly instead of being
misread.
"""

import re
from dataclasses import dataclass, field
from typing import Optional


class Asn1Error(Exception):
    pass


# ---- IR ---------------------------------------------------------------------


@dataclass(frozen=True)
class Range:
    """A PER-visible range: lb..ub (ub None = MAX), extensible if `...`."""

    lb: int
    ub: Optional[int]
    ext: bool = False


@dataclass
class Component:
    name: str
    type: "Type"
    optional: bool = False


@dataclass
class Type:
    kind: str  # seq, choice, enum, int, bits, octets, printable, bool, real, null, seqof, ref, container, single
    # seq: root, ext_comps; choice: root, ext_comps (alternatives)
    root: list = field(default_factory=list)
    ext_comps: list = field(default_factory=list)
    extensible: bool = False
    # enum
    items: list = field(default_factory=list)
    ext_items: list = field(default_factory=list)
    # int value range / string and seqof size
    range: Optional[Range] = None
    # seqof element / ref target name / container IE-set name
    elem: Optional["Type"] = None
    name: Optional[str] = None


@dataclass
class IeSpec:
    """One object of an E2AP-PROTOCOL-IES set."""

    id_name: str
    criticality: str
    type: Type
    presence: str
    extension: bool  # after the set's `...`


@dataclass
class Procedure:
    name: str
    initiating: str
    successful: Optional[str]
    unsuccessful: Optional[str]
    code_name: str
    criticality: str


@dataclass
class Module:
    name: str
    types: dict = field(default_factory=dict)
    type_module: dict = field(default_factory=dict)  # type name -> module name
    values: dict = field(default_factory=dict)
    ie_sets: dict = field(default_factory=dict)  # name -> list[IeSpec]
    procedures: dict = field(default_factory=dict)  # object name -> Procedure
    procedure_sets: dict = field(default_factory=dict)  # name -> list of names


# ---- lexer ------------------------------------------------------------------

TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<assign>::=)
  | (?P<ellipsis>\.\.\.)
  | (?P<range>\.\.)
  | (?P<dbl_open>\[\[)
  | (?P<dbl_close>\]\])
  | (?P<number>-?\d+)
  | (?P<field>&[A-Za-z][A-Za-z0-9-]*)
  | (?P<ident>[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)
  | (?P<punct>[{}(),|;.\[\]@!<>:])
    """,
    re.VERBOSE,
)


def strip_comments(text):
    """ASN.1 comments run from `--` to the next `--` or the end of the line."""
    out = []
    for line in text.splitlines():
        res = []
        i = 0
        while i < len(line):
            j = line.find("--", i)
            if j < 0:
                res.append(line[i:])
                break
            res.append(line[i:j])
            k = line.find("--", j + 2)
            if k < 0:
                break
            i = k + 2
        out.append("".join(res))
    return out


def tokenize(text):
    toks = []
    for lineno, line in enumerate(strip_comments(text), 1):
        pos = 0
        while pos < len(line):
            m = TOKEN.match(line, pos)
            if not m:
                raise Asn1Error(f"line {lineno}: cannot read {line[pos:pos + 20]!r}")
            pos = m.end()
            if m.lastgroup != "ws":
                toks.append((m.group(), lineno))
    return toks


# ---- parser -----------------------------------------------------------------

BUILTIN_STRINGS = {"PrintableString": "printable"}


class Parser:
    def __init__(self, toks, source):
        self.toks = toks
        self.i = 0
        self.source = source

    # token helpers
    def peek(self, k=0):
        j = self.i + k
        return self.toks[j][0] if j < len(self.toks) else None

    def line(self):
        return self.toks[min(self.i, len(self.toks) - 1)][1] if self.toks else 0

    def next(self):
        if self.i >= len(self.toks):
            raise Asn1Error(f"{self.source}: unexpected end of input")
        t = self.toks[self.i][0]
        self.i += 1
        return t

    def expect(self, t):
        got = self.next()
        if got != t:
            raise Asn1Error(f"{self.source}:{self.toks[self.i - 1][1]}: expected {t!r}, got {got!r}")
        return got

    def accept(self, t):
        if self.peek() == t:
            self.i += 1
            return True
        return False

    def fail(self, what):
        raise Asn1Error(f"{self.source}:{self.line()}: {what} (at {self.peek()!r})")

    def skip_balanced(self):
        """Skip a `{...}` group, nested."""
        self.expect("{")
        depth = 1
        while depth:
            t = self.next()
            if t == "{":
                depth += 1
            elif t == "}":
                depth -= 1

    def skip_parens(self):
        self.expect("(")
        depth = 1
        while depth:
            t = self.next()
            if t == "(":
                depth += 1
            elif t == ")":
                depth -= 1

    # modules
    def modules(self):
        mods = []
        while self.peek() is not None:
            mods.append(self.module())
        return mods

    def module(self):
        name = self.next()
        if self.peek() == "{":
            self.skip_balanced()
        self.expect("DEFINITIONS")
        while self.peek() != "::=":
            self.next()  # AUTOMATIC TAGS etc.
        self.expect("::=")
        self.expect("BEGIN")
        mod = Module(name)
        if self.accept("IMPORTS"):
            while self.next() != ";":
                pass
        while not self.accept("END"):
            self.assignment(mod)
        return mod

    def assignment(self, mod):
        name = self.next()
        if self.peek() == "{" and name[0].isupper():
            # Parameterised type: the generator knows the E2AP containers by name.
            self.skip_balanced()
            self.expect("::=")
            self.skip_type_body()
            return
        if self.accept("::="):
            if self.peek() == "CLASS":
                self.next()
                self.skip_balanced()
                if self.accept("WITH"):
                    self.expect("SYNTAX")
                    self.skip_balanced()
                return
            mod.types[name] = self.type()
            return
        # `name Governor ::= value`
        governor = self.next()
        self.expect("::=")
        if governor == "E2AP-PROTOCOL-IES":
            mod.ie_sets[name] = self.ie_set()
        elif governor == "E2AP-ELEMENTARY-PROCEDURE":
            if name[0].isupper():
                mod.procedure_sets[name] = self.name_set()
            else:
                mod.procedures[name] = self.procedure(name)
        elif governor in ("INTEGER", "ProcedureCode", "ProtocolIE-ID"):
            mod.values[name] = int(self.next())
        elif governor == "E2AP-PROTOCOL-IES-PAIR":
            self.skip_balanced()
        else:
            self.fail(f"value assignment of unsupported governor {governor}")

    def skip_type_body(self):
        """Skip the body of a parameterised type assignment, up to the start
        of the next assignment; the generator does not read it."""
        depth = 0
        first = True
        while self.peek() is not None:
            t = self.peek()
            if depth == 0 and not first and self._starts_assignment():
                return
            first = False
            if t in ("{", "("):
                depth += 1
            elif t in ("}", ")"):
                depth -= 1
            self.next()

    def _starts_assignment(self):
        t = self.peek()
        if t == "END":
            return True
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", t or ""):
            return False
        if self.peek(1) == "::=":
            return True
        if self.peek(2) == "::=" and re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", self.peek(1) or ""):
            return True
        return self.peek(1) == "{" and self._is_param_assign()

    def _is_param_assign(self):
        # Name {params} ::=
        j = self.i + 1
        if self.toks[j][0] != "{":
            return False
        depth = 0
        while j < len(self.toks):
            t = self.toks[j][0]
            if t == "{":
                depth += 1
            elif t == "}":
                depth -= 1
                if depth == 0:
                    return j + 1 < len(self.toks) and self.toks[j + 1][0] == "::="
            j += 1
        return False

    # types
    def type(self):
        t = self.next()
        if t == "SEQUENCE":
            if self.peek() == "{":
                return self.components("seq")
            size = None
            if self.accept("("):
                size = self.size_constraint_body()
                self.expect(")")
            elif self.peek() == "SIZE":
                self.next()
                self.expect("(")
                size = self.range_body()
                self.expect(")")
            self.expect("OF")
            return Type("seqof", range=size, elem=self.type())
        if t == "CHOICE":
            return self.components("choice")
        if t == "ENUMERATED":
            return self.enumerated()
        if t == "INTEGER":
            r = None
            if self.accept("("):
                r = self.range_body()
                self.expect(")")
            return Type("int", range=r)
        if t in ("BIT", "OCTET"):
            self.expect("STRING")
            kind = "bits" if t == "BIT" else "octets"
            return Type(kind, range=self.opt_size())
        if t in BUILTIN_STRINGS:
            return Type(BUILTIN_STRINGS[t], range=self.opt_size())
        if t == "BOOLEAN":
            return Type("bool")
        if t == "REAL":
            return Type("real")
        if t == "NULL":
            return Type("null")
        if t[0].isupper():
            if t in ("ProtocolIE-Container", "ProtocolIE-SingleContainer"):
                kind = "container" if t == "ProtocolIE-Container" else "single"
                self.expect("{")
                self.expect("{")
                set_name = self.next()
                self.expect("}")
                self.expect("}")
                return Type(kind, name=set_name)
            if t == "ProtocolIE-ContainerList":
                self.expect("{")
                lb = self.value()
                self.expect(",")
                ub = self.value()
                self.expect(",")
                self.expect("{")
                set_name = self.next()
                self.expect("}")
                self.expect("}")
                return Type("seqof", range=Range(lb, ub), elem=Type("single", name=set_name))
            if self.peek() == ".":
                # CLASS.&field (table constraint): the PDU layer is built in.
                self.next()
                fld = self.next()
                if self.peek() == "(":
                    self.skip_parens()
                return Type("classfield", name=f"{t}.{fld}")
            if self.peek() == "{":
                self.fail(f"parameterised reference to {t}")
            r = Type("ref", name=t)
            if self.peek() == "(":
                self.fail(f"constraint on reference {t}")
            return r
        self.fail(f"type {t}")

    def opt_size(self):
        if not self.accept("("):
            return None
        r = self.size_constraint_body()
        self.expect(")")
        return r

    def size_constraint_body(self):
        self.expect("SIZE")
        self.expect("(")
        r = self.range_body()
        self.expect(")")
        if self.accept(","):
            # `(SIZE(lb..ub), ...)`: an extensible constraint; for PER the
            # same as `SIZE(lb..ub, ...)`.
            self.expect("...")
            r = Range(r.lb, r.ub, True)
        return r

    def value(self):
        t = self.next()
        if re.fullmatch(r"-?\d+", t):
            return int(t)
        if t == "MAX":
            return None
        return t  # a value reference, resolved later

    def range_body(self):
        lb = self.value()
        ub = lb
        if self.accept(".."):
            ub = self.value()
        ext = False
        if self.accept(","):
            self.expect("...")
            ext = True
        return Range(lb, ub, ext)

    def components(self, kind):
        self.expect("{")
        root, ext_comps = [], []
        extensible = False
        cur = root
        while not self.accept("}"):
            if self.accept("..."):
                extensible = True
                cur = ext_comps
            elif self.peek() == "[[":
                self.fail("extension addition groups")
            else:
                name = self.next()
                ty = self.type()
                opt = False
                if self.accept("OPTIONAL"):
                    opt = True
                elif self.peek() == "DEFAULT":
                    self.fail("DEFAULT components")
                cur.append(Component(name, ty, opt))
            if not self.accept(","):
                self.expect("}")
                break
        return Type(kind, root=root, ext_comps=ext_comps, extensible=extensible)

    def enumerated(self):
        self.expect("{")
        items, ext_items = [], []
        extensible = False
        cur = items
        while True:
            if self.accept("..."):
                extensible = True
                cur = ext_items
            else:
                name = self.next()
                if self.accept("("):
                    self.fail("enumeration items with explicit numbers")
                cur.append(name)
            if not self.accept(","):
                self.expect("}")
                break
        return Type("enum", items=items, ext_items=ext_items, extensible=extensible)

    # information objects
    def ie_set(self):
        self.expect("{")
        ies = []
        in_ext = False
        while not self.accept("}"):
            if self.accept("..."):
                in_ext = True
            elif self.peek() == "{":
                self.next()
                self.expect("ID")
                idn = self.next()
                self.expect("CRITICALITY")
                crit = self.next()
                self.expect("TYPE")
                ty = self.type()
                self.expect("PRESENCE")
                pres = self.next()
                self.expect("}")
                ies.append(IeSpec(idn, crit, ty, pres, in_ext))
            else:
                self.fail("object set element")
            if not (self.accept("|") or self.accept(",")):
                self.expect("}")
                break
        return ies

    def name_set(self):
        self.expect("{")
        names = []
        while not self.accept("}"):
            if not self.accept("..."):
                names.append(self.next())
            if not (self.accept("|") or self.accept(",")):
                self.expect("}")
                break
        return names

    def procedure(self, name):
        self.expect("{")
        fields = {}
        while not self.accept("}"):
            words = []
            while self.peek() in ("INITIATING", "SUCCESSFUL", "UNSUCCESSFUL", "MESSAGE", "OUTCOME", "PROCEDURE", "CODE", "CRITICALITY"):
                words.append(self.next())
            if not words:
                self.fail("elementary procedure field")
            fields[" ".join(words)] = self.next()
        return Procedure(
            name,
            fields["INITIATING MESSAGE"],
            fields.get("SUCCESSFUL OUTCOME"),
            fields.get("UNSUCCESSFUL OUTCOME"),
            fields["PROCEDURE CODE"],
            fields.get("CRITICALITY", "ignore"),
        )


def parse_files(paths):
    """Parse every module in `paths` into one merged namespace (E2AP type
    names are unique across its modules)."""
    merged = Module("*")
    for p in paths:
        with open(p, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for m in Parser(tokenize(text), p).modules():
            for attr in ("types", "values", "ie_sets", "procedures", "procedure_sets"):
                src, dst = getattr(m, attr), getattr(merged, attr)
                for k, v in src.items():
                    if k in dst:
                        raise Asn1Error(f"{p}: {k} defined twice")
                    dst[k] = v
                    if attr in ("types", "ie_sets"):
                        merged.type_module[k] = m.name
    return merged

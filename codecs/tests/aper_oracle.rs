//! Agreement with independent ALIGNED PER implementations (asn1tools' 'per'
//! codec and pycrate) on cases generated outside the repository.
//!
//! Each case line is tab-separated: type name, kind, constraint parameters,
//! value (`p value q`: the value wrapped between two BOOLEANs so alignment
//! shows), then the asn1tools and pycrate encodings in hex (`ERR` where the
//! oracle could not encode). This test encodes every value and compares, and
//! decodes every oracle encoding and compares the value. Run with
//! `APER_ORACLE_CASES=/path/cases.tsv cargo test --test aper_oracle -- --ignored --nocapture`;
//! with `APER_ORACLE_OUT=/path/ours.tsv` it also writes our encodings (type
//! name, hex), for the oracles to decode in turn.

use std::collections::BTreeMap;

use codecs::Result;
use codecs::e2ap::aper::{Alphabet, Index, PerDecoder, PerEncoder, Size};

fn unhex(s: &str) -> Vec<u8> {
    if s == "-" {
        return Vec::new();
    }
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn tohex(b: &[u8]) -> String {
    if b.is_empty() {
        return "-".into();
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn size(p: &[&str]) -> Size {
    let lb: usize = p[0].parse().unwrap();
    let s = match p[1] {
        "-" => Size::at_least(lb),
        ub => Size::range(lb, ub.parse().unwrap()),
    };
    if p[2] == "1" { s.ext() } else { s }
}

fn alphabet(name: &str) -> Alphabet {
    match name {
        "printable" => Alphabet::PRINTABLE,
        "visible" => Alphabet::VISIBLE,
        "ia5" => Alphabet::IA5,
        "numeric" => Alphabet::NUMERIC,
        other => Alphabet::from_ascii(&unhex(other.strip_prefix("from:").expect("alphabet"))),
    }
}

fn int(s: &str) -> i64 {
    s.parse().unwrap()
}

fn index_tok(i: Index) -> String {
    match i {
        Index::Root(k) => format!("r:{k}"),
        Index::Extension(k) => format!("e:{k}"),
    }
}

const SEQX_E: Size = Size::range(1, 8);

/// Encode `v` (the value token) of `kind` with constraint parameters `p`.
fn put(e: &mut PerEncoder, kind: &str, p: &[&str], v: &str) -> Result<()> {
    match kind {
        "int" => e.constrained_int(int(v), int(p[0]), int(p[1])),
        "intext" => e.int_ext(int(v), int(p[0]), int(p[1])),
        "semi" => e.semi_constrained_int(int(v), int(p[0])),
        "unc" => e.unconstrained_int(int(v)),
        "bool" => {
            e.bool(v == "1");
            Ok(())
        }
        "null" => {
            e.null();
            Ok(())
        }
        "enum" => {
            let (k, n) = v.split_once(':').unwrap();
            let i = if k == "r" {
                Index::Root(n.parse().unwrap())
            } else {
                Index::Extension(n.parse().unwrap())
            };
            e.enumerated(i, p[0].parse().unwrap(), p[1] == "1")
        }
        "oct" => e.octet_string(&unhex(v), size(p)),
        "bits" => {
            let (n, h) = v.split_once(':').unwrap();
            e.bit_string(&unhex(h), n.parse().unwrap(), size(p))
        }
        "str" => {
            let s = String::from_utf8(unhex(v)).unwrap();
            e.known_multiplier_string(&s, &alphabet(p[0]), size(&p[1..]))
        }
        "utf8" => e.utf8_string(std::str::from_utf8(&unhex(v)).unwrap()),
        "seqof" => {
            let items: Vec<i64> = if v == "-" {
                vec![]
            } else {
                v.split(',').map(int).collect()
            };
            e.sequence_of(&items, size(p), |e, &i| e.constrained_int(i, 0, 15))
        }
        "seqx" => {
            let t: Vec<&str> = v.split(' ').collect();
            let (b, c, d, x) = (t[1] != "-", t[2] != "-", t[3] != "-", t[4] != "-");
            e.sequence_preamble(true, d || x, &[b, c])?;
            e.constrained_int(int(t[0]), 0, 7)?;
            if b {
                e.bool(t[1] == "1");
            }
            if c {
                e.octet_string(&unhex(t[2]), Size::range(1, 4))?;
            }
            if d || x {
                e.extension_bitmap(&[d, x])?;
                if d {
                    e.open_type_with(|e| e.constrained_int(int(t[3]), 0, 65535))?;
                }
                if x {
                    let s = String::from_utf8(unhex(t[4])).unwrap();
                    e.open_type_with(|e| e.printable_string(&s, SEQX_E))?;
                }
            }
            Ok(())
        }
        "choicex" => {
            let (k, x) = v.split_once(':').unwrap();
            match k {
                "a" => {
                    e.choice_index(Index::Root(0), 2, true)?;
                    e.constrained_int(int(x), 0, 7)
                }
                "b" => {
                    e.choice_index(Index::Root(1), 2, true)?;
                    e.bool(x == "1");
                    Ok(())
                }
                "c" => {
                    e.choice_index(Index::Extension(0), 2, true)?;
                    e.open_type_with(|e| e.octet_string(&unhex(x), Size::UNCONSTRAINED))
                }
                "d" => {
                    e.choice_index(Index::Extension(1), 2, true)?;
                    e.open_type_with(|e| {
                        e.null();
                        Ok(())
                    })
                }
                _ => {
                    e.choice_index(Index::Extension(2), 2, true)?;
                    e.open_type_with(|e| e.constrained_int(int(x), 0, 255))
                }
            }
        }
        _ => panic!("unknown kind {kind}"),
    }
}

/// Decode a value of `kind` back into its token.
fn get(d: &mut PerDecoder, kind: &str, p: &[&str]) -> Result<String> {
    Ok(match kind {
        "int" => d.constrained_int(int(p[0]), int(p[1]))?.to_string(),
        "intext" => d.int_ext(int(p[0]), int(p[1]))?.to_string(),
        "semi" => d.semi_constrained_int(int(p[0]))?.to_string(),
        "unc" => d.unconstrained_int()?.to_string(),
        "bool" => (d.bool()? as u8).to_string(),
        "null" => {
            d.null()?;
            "-".into()
        }
        "enum" => index_tok(d.enumerated(p[0].parse().unwrap(), p[1] == "1")?),
        "oct" => tohex(&d.octet_string(size(p))?),
        "bits" => {
            let b = d.bit_string(size(p))?;
            format!("{}:{}", b.bits, tohex(&b.bytes))
        }
        "str" => tohex(d.known_multiplier_string(&alphabet(p[0]), size(&p[1..]))?.as_bytes()),
        "utf8" => tohex(d.utf8_string()?.as_bytes()),
        "seqof" => {
            let v = d.sequence_of(size(p), |d| d.constrained_int(0, 15))?;
            if v.is_empty() {
                "-".into()
            } else {
                v.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
            }
        }
        "seqx" => {
            let pre = d.sequence_preamble(true, 2)?;
            let a = d.constrained_int(0, 7)?.to_string();
            let b = if pre.is_present(0) {
                (d.bool()? as u8).to_string()
            } else {
                "-".into()
            };
            let c = if pre.is_present(1) {
                tohex(&d.octet_string(Size::range(1, 4))?)
            } else {
                "-".into()
            };
            let (mut dd, mut x) = ("-".to_string(), "-".to_string());
            if pre.extended {
                let bm = d.extension_bitmap()?;
                for i in bm.present() {
                    match i {
                        0 => dd = d.open_type_with(|d| d.constrained_int(0, 65535))?.to_string(),
                        1 => x = tohex(d.open_type_with(|d| d.printable_string(SEQX_E))?.as_bytes()),
                        _ => d.skip_open_type()?,
                    }
                }
            }
            [a, b, c, dd, x].join(" ")
        }
        "choicex" => match d.choice_index(2, true)? {
            Index::Root(0) => format!("a:{}", d.constrained_int(0, 7)?),
            Index::Root(_) => format!("b:{}", d.bool()? as u8),
            Index::Extension(0) => {
                let v = d.open_type_with(|d| d.octet_string(Size::UNCONSTRAINED))?;
                format!("c:{}", if v.is_empty() { String::new() } else { tohex(&v) })
            }
            Index::Extension(1) => {
                d.open_type_with(|d| d.null())?;
                "d:".into()
            }
            Index::Extension(_) => format!("e:{}", d.open_type_with(|d| d.constrained_int(0, 255))?),
        },
        _ => panic!("unknown kind {kind}"),
    })
}

#[derive(Default, Debug)]
struct Tally {
    /// Our encoding equals the oracle's.
    enc_agree: usize,
    enc_differ: usize,
    /// We decode the oracle's encoding to the value it was given.
    dec_agree: usize,
    dec_differ: usize,
    /// The oracle could not encode the value.
    oracle_err: usize,
}

#[test]
#[ignore = "needs APER_ORACLE_CASES, generated by an external asn1tools/pycrate script"]
fn oracle_agreement() {
    let path = std::env::var("APER_ORACLE_CASES").expect("APER_ORACLE_CASES=path to the cases file");
    let text = std::fs::read_to_string(&path).expect("cases file");
    let mut tally = [Tally::default(), Tally::default()];
    let mut differ: [BTreeMap<String, usize>; 2] = Default::default();
    let mut neither = Vec::new();
    let mut cases = 0;
    let mut out = String::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let (name, kind, params) = (f[0], f[1], f[2]);
        let p: Vec<&str> = params.split(' ').collect();
        let toks: Vec<&str> = f[3].split(' ').collect();
        let (pre, post, value) = (
            toks[0] == "1",
            toks[toks.len() - 1] == "1",
            toks[1..toks.len() - 1].join(" "),
        );
        cases += 1;

        let mut e = PerEncoder::new();
        e.bool(pre);
        put(&mut e, kind, &p, &value).unwrap_or_else(|err| panic!("{name} {params}: {err}"));
        e.bool(post);
        let ours = tohex(&e.finish());
        out.push_str(&format!("{name}\t{ours}\n"));

        let mut agreed_with_one = false;
        for (i, oracle) in [f[4], f[5]].into_iter().enumerate() {
            let t = &mut tally[i];
            if oracle == "ERR" {
                t.oracle_err += 1;
                continue;
            }
            if oracle == ours {
                t.enc_agree += 1;
                agreed_with_one = true;
            } else {
                t.enc_differ += 1;
                *differ[i].entry(name.to_string()).or_default() += 1;
            }
            let bytes = unhex(oracle);
            let mut d = PerDecoder::new(&bytes);
            let back = (|| Ok::<_, codecs::Error>((d.bool()?, get(&mut d, kind, &p)?, d.bool()?)))();
            match back {
                Ok((a, v, b)) if a == pre && b == post && v == value => t.dec_agree += 1,
                _ => t.dec_differ += 1,
            }
        }
        if !agreed_with_one && (f[4] != "ERR" || f[5] != "ERR") {
            neither.push(format!(
                "{name} {kind} {params} | {} | ours {ours} | asn1tools {} | pycrate {}",
                f[3], f[4], f[5]
            ));
        }
    }
    if let Ok(p) = std::env::var("APER_ORACLE_OUT") {
        std::fs::write(p, out).expect("write our encodings");
    }
    println!("{cases} cases from {path}");
    for (i, oracle) in ["asn1tools", "pycrate"].iter().enumerate() {
        let t = &tally[i];
        println!(
            "{oracle:>9}: encodings equal {}, differ {}; their encodings decoded to the value {}, not {}; could not encode {}",
            t.enc_agree, t.enc_differ, t.dec_agree, t.dec_differ, t.oracle_err
        );
        println!("{oracle:>9}: differing by type {:?}", differ[i]);
    }
    for n in &neither {
        println!("agrees with neither oracle: {n}");
    }
    assert!(neither.is_empty(), "{} cases agree with neither oracle", neither.len());
}

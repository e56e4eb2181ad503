//! ALIGNED PER runtime throughput, in messages per second, on a synthetic
//! message shaped like an E2AP RIC Indication: the E2AP-PDU CHOICE, an
//! InitiatingMessage (procedure code, criticality, open type), and a
//! ProtocolIE-Container of seven IEs, each an open type holding constrained
//! integers, an enumeration or an OCTET STRING (the indication header, and the
//! indication message of about 1.5 KB). A second shape with a 40-octet message
//! shows the per-message overhead.

use std::borrow::Cow;
use std::hint::black_box;

use codecs::Result;
use codecs::e2ap::aper::{Index, PerDecoder, PerEncoder, Size};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[derive(Debug, PartialEq)]
struct RicIndication<'a> {
    requestor_id: u16,
    instance_id: u16,
    ran_function_id: u16,
    action_id: u8,
    sn: Option<u16>,
    /// RICindicationType {report, insert, ...}.
    insert: bool,
    header: Cow<'a, [u8]>,
    message: Cow<'a, [u8]>,
}

const ID_RAN_FUNCTION: i64 = 5;
const ID_ACTION: i64 = 15;
const ID_HEADER: i64 = 25;
const ID_MESSAGE: i64 = 26;
const ID_SN: i64 = 27;
const ID_TYPE: i64 = 28;
const ID_REQUEST: i64 = 29;
const PROC_RIC_INDICATION: i64 = 5;
const REJECT: Index = Index::Root(0);
const IGNORE: Index = Index::Root(1);

fn ie(e: &mut PerEncoder, id: i64, crit: Index, value: impl FnOnce(&mut PerEncoder) -> Result<()>) -> Result<()> {
    e.sequence_preamble(false, false, &[])?;
    e.constrained_int(id, 0, 65535)?;
    e.enumerated(crit, 3, false)?;
    e.open_type_with(value)
}

fn encode(m: &RicIndication, e: &mut PerEncoder) -> Result<()> {
    // E2AP-PDU: initiatingMessage.
    e.choice_index(Index::Root(0), 3, true)?;
    e.sequence_preamble(true, false, &[])?;
    e.constrained_int(PROC_RIC_INDICATION, 0, 255)?;
    e.enumerated(IGNORE, 3, false)?;
    e.open_type_with(|e| {
        // RICindication ::= SEQUENCE { protocolIEs, ... }
        e.sequence_preamble(true, false, &[])?;
        let n = 7 - m.sn.is_none() as usize;
        e.sequence_of_len(n, Size::range(0, 65535))?;
        ie(e, ID_REQUEST, REJECT, |e| {
            e.sequence_preamble(true, false, &[])?;
            e.constrained_int(m.requestor_id as i64, 0, 65535)?;
            e.constrained_int(m.instance_id as i64, 0, 65535)
        })?;
        ie(e, ID_RAN_FUNCTION, REJECT, |e| {
            e.constrained_int(m.ran_function_id as i64, 0, 4095)
        })?;
        ie(e, ID_ACTION, REJECT, |e| e.constrained_int(m.action_id as i64, 0, 255))?;
        if let Some(sn) = m.sn {
            ie(e, ID_SN, REJECT, |e| e.constrained_int(sn as i64, 0, 65535))?;
        }
        ie(e, ID_TYPE, REJECT, |e| {
            e.enumerated(Index::Root(m.insert as u32), 2, true)
        })?;
        ie(e, ID_HEADER, REJECT, |e| e.octet_string(&m.header, Size::UNCONSTRAINED))?;
        ie(e, ID_MESSAGE, REJECT, |e| {
            e.octet_string(&m.message, Size::UNCONSTRAINED)
        })
    })
}

fn decode<'a>(d: &mut PerDecoder<'a>) -> Result<RicIndication<'a>> {
    let bad = |d: &PerDecoder| codecs::Error::invalid(d.byte_position(), "message", "RICindication");
    if d.choice_index(3, true)? != Index::Root(0) {
        return Err(bad(d));
    }
    d.sequence_preamble(true, 0)?;
    if d.constrained_int(0, 255)? != PROC_RIC_INDICATION {
        return Err(bad(d));
    }
    d.enumerated(3, false)?;
    d.open_type_with(|d| {
        d.sequence_preamble(true, 0)?;
        let n = d.sequence_of_len(Size::range(0, 65535))?;
        let mut m = RicIndication {
            requestor_id: 0,
            instance_id: 0,
            ran_function_id: 0,
            action_id: 0,
            sn: None,
            insert: false,
            header: Cow::Borrowed(&[]),
            message: Cow::Borrowed(&[]),
        };
        for _ in 0..n {
            d.sequence_preamble(false, 0)?;
            let id = d.constrained_int(0, 65535)?;
            d.enumerated(3, false)?;
            match id {
                ID_REQUEST => d.open_type_with(|d| {
                    d.sequence_preamble(true, 0)?;
                    m.requestor_id = d.constrained_int(0, 65535)? as u16;
                    m.instance_id = d.constrained_int(0, 65535)? as u16;
                    Ok(())
                })?,
                ID_RAN_FUNCTION => m.ran_function_id = d.open_type_with(|d| d.constrained_int(0, 4095))? as u16,
                ID_ACTION => m.action_id = d.open_type_with(|d| d.constrained_int(0, 255))? as u8,
                ID_SN => m.sn = Some(d.open_type_with(|d| d.constrained_int(0, 65535))? as u16),
                ID_TYPE => m.insert = d.open_type_with(|d| d.enumerated(2, true))? == Index::Root(1),
                ID_HEADER => m.header = d.open_type_with(|d| d.octet_string(Size::UNCONSTRAINED))?,
                ID_MESSAGE => m.message = d.open_type_with(|d| d.octet_string(Size::UNCONSTRAINED))?,
                _ => d.skip_open_type()?,
            }
        }
        Ok(m)
    })
}

fn message(payload: usize) -> RicIndication<'static> {
    RicIndication {
        requestor_id: 1021,
        instance_id: 7,
        ran_function_id: 2,
        action_id: 1,
        sn: Some(4711),
        insert: false,
        header: Cow::Owned((0..20u8).collect()),
        message: Cow::Owned((0..payload).map(|i| (i * 37 + 11) as u8).collect()),
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("aper_ric_indication");
    g.throughput(Throughput::Elements(1));
    for (label, payload) in [("1500B", 1500), ("40B", 40)] {
        let m = message(payload);
        let mut e = PerEncoder::new();
        encode(&m, &mut e).expect("encodes");
        let bytes = e.finish();
        assert_eq!(decode(&mut PerDecoder::new(&bytes)).expect("decodes"), m);

        g.bench_function(format!("decode/{label}"), |b| {
            b.iter(|| decode(&mut PerDecoder::new(black_box(&bytes))).expect("decodes"))
        });
        let mut buf = Vec::with_capacity(bytes.len());
        g.bench_function(format!("encode/{label}"), |b| {
            b.iter(|| {
                let mut e = PerEncoder::with_buffer(std::mem::take(&mut buf));
                encode(black_box(&m), &mut e).expect("encodes");
                buf = e.finish();
                black_box(&buf);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

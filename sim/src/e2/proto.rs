//! What the simulated E2 node and near-RT RIC share: building PDUs for a
//! version, the receive pipeline (decode, locate an erroneous IE, judge IE
//! criticality), and Error Indications.

use codecs::e2ap::aper::{Index, PerDecoder, PerEncoder, Reassembly, Size};
use codecs::e2ap::{
    self, Cause, CauseProtocol, CauseRicRequest, Criticality, CriticalityDiagnostics, CriticalityDiagnosticsIeItem,
    E2apPdu, E2apVersion, ErrorIndication, ErrorIndicationIes, IeValue, InitiatingMessage, InitiatingMessageValue,
    ProtocolIeField, RicRequestId, SuccessfulOutcome, SuccessfulOutcomeValue, TimeToWait, TriggeringMessage,
    TypeOfError, UnsuccessfulOutcome, UnsuccessfulOutcomeValue,
};
use serde::{Deserialize, Serialize};

use crate::timing::Nanos;

/// SCTP payload protocol identifier of E2-CP (IANA), the one sent.
pub const PPID_E2_CP: u32 = 70;
/// Stream of the global procedures (setup, reset, error indication, service
/// update, configuration update, removal).
pub const STREAM_GLOBAL: u16 = 0;
/// Stream of the RIC functional procedures (subscription, indication,
/// control).
pub const STREAM_FUNCTIONAL: u16 = 1;

pub const MS: Nanos = 1_000_000;
pub const SECOND: Nanos = 1_000_000_000;

/// An E2AP message a simulator wants sent, with its SCTP stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct E2Transmit {
    /// When it should leave (never later than the `now` it was polled at).
    pub at: Nanos,
    pub stream: u16,
    pub ppid: u32,
    /// The APER-encoded E2AP-PDU.
    pub bytes: Vec<u8>,
}

/// A RIC request ID as a plain pair (requestor, instance).
pub type ReqId = (u16, u16);

pub fn req_id(r: &RicRequestId) -> ReqId {
    (r.ric_requestor_id, r.ric_instance_id)
}

pub fn ric_request_id(r: ReqId) -> RicRequestId {
    RicRequestId {
        ric_requestor_id: r.0,
        ric_instance_id: r.1,
    }
}

/// `TimeToWait` as a duration.
pub fn time_to_wait(t: TimeToWait) -> Nanos {
    match t {
        TimeToWait::V1s => SECOND,
        TimeToWait::V2s => 2 * SECOND,
        TimeToWait::V5s => 5 * SECOND,
        TimeToWait::V10s => 10 * SECOND,
        TimeToWait::V20s => 20 * SECOND,
        TimeToWait::V60s | TimeToWait::Extension(_) => 60 * SECOND,
    }
}

// ---- building ----------------------------------------------------------------------

fn procedure_criticality(code: u8) -> Criticality {
    e2ap::procedure(code).map_or(Criticality::Ignore, |p| p.criticality)
}

pub fn initiating(value: InitiatingMessageValue<'static>) -> E2apPdu<'static> {
    E2apPdu::InitiatingMessage(InitiatingMessage {
        criticality: procedure_criticality(value.procedure_code()),
        value,
    })
}

pub fn successful(value: SuccessfulOutcomeValue<'static>) -> E2apPdu<'static> {
    E2apPdu::SuccessfulOutcome(SuccessfulOutcome {
        criticality: procedure_criticality(value.procedure_code()),
        value,
    })
}

pub fn unsuccessful(value: UnsuccessfulOutcomeValue<'static>) -> E2apPdu<'static> {
    E2apPdu::UnsuccessfulOutcome(UnsuccessfulOutcome {
        criticality: procedure_criticality(value.procedure_code()),
        value,
    })
}

/// The IEs of `values` that `version` defines in their container, each with
/// the criticality that version gives it: one list serves every version.
pub fn ies<V: IeValue>(version: E2apVersion, values: Vec<V>) -> Vec<ProtocolIeField<V>> {
    values
        .into_iter()
        .filter_map(|value| {
            let id = value.id();
            let crit = V::info()
                .iter()
                .find(|i| i.id == id)?
                .versions
                .iter()
                .find(|x| x.0 == version)?
                .1;
            Some(ProtocolIeField {
                criticality: crit,
                value,
            })
        })
        .collect()
}

/// CauseRICrequest for a duplicate RIC request ID: its own item from
/// v03.01 on; earlier versions have none, so `unspecified`.
pub fn cause_duplicate_request_id(v: E2apVersion) -> Cause<'static> {
    if v >= E2apVersion::V3_01 {
        Cause::RicRequest(CauseRicRequest::DuplicateRicRequestId)
    } else {
        Cause::RicRequest(CauseRicRequest::Unspecified)
    }
}

/// The items a version defines: v01.00 misses those added later and has two
/// of its own.
pub fn cause_fits(v: E2apVersion, c: &Cause<'_>) -> bool {
    use CauseRicRequest as R;
    match c {
        Cause::RicRequest(r) => match r {
            R::DuplicateEvent | R::CallProcessIdInvalid => v == E2apVersion::V1_00,
            R::DuplicateEventTrigger
            | R::RicCallProcessIdInvalid
            | R::ControlTimerExpired
            | R::ControlFailedToExecute
            | R::SystemNotReady => v >= E2apVersion::V2_03,
            R::RicSubscriptionEndTimeExpired
            | R::RicSubscriptionEndTimeInvalid
            | R::DuplicateRicRequestId
            | R::EventTriggerNotSupported
            | R::RequestedInformationUnavailable
            | R::InvalidInformationRequest => v >= E2apVersion::V3_01,
            _ => true,
        },
        Cause::E2Node(_) => v >= E2apVersion::V2_03,
        Cause::RicService(codecs::e2ap::CauseRicService::RanFunctionNotSupported) => v >= E2apVersion::V2_03,
        Cause::RicService(codecs::e2ap::CauseRicService::FunctionNotRequired) => v == E2apVersion::V1_00,
        _ => true,
    }
}

/// An Error Indication.
pub fn error_indication(
    version: E2apVersion,
    transaction_id: Option<i64>,
    request: Option<(ReqId, u16)>,
    cause: Cause<'static>,
    diagnostics: Option<CriticalityDiagnostics>,
) -> E2apPdu<'static> {
    let mut v = Vec::new();
    if let Some(t) = transaction_id {
        v.push(ErrorIndicationIes::TransactionId(t));
    }
    if let Some((r, f)) = request {
        v.push(ErrorIndicationIes::RicRequestId(ric_request_id(r)));
        v.push(ErrorIndicationIes::RanFunctionId(f));
    }
    v.push(ErrorIndicationIes::Cause(cause));
    if let Some(d) = diagnostics {
        v.push(ErrorIndicationIes::CriticalityDiagnostics(d));
    }
    initiating(InitiatingMessageValue::ErrorIndication(ErrorIndication {
        protocol_ies: ies(version, v),
    }))
}

// ---- receiving ---------------------------------------------------------------------

/// Where a received message sits: procedure code, kind (0 initiating, 1
/// successful, 2 unsuccessful) and criticality as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Triggering {
    pub procedure_code: u8,
    pub kind: u8,
    pub criticality: Criticality,
}

impl Triggering {
    pub fn of(pdu: &E2apPdu<'_>) -> Option<Triggering> {
        let (kind, pc, crit) = match pdu {
            E2apPdu::InitiatingMessage(m) => (0, m.procedure_code(), m.criticality),
            E2apPdu::SuccessfulOutcome(m) => (1, m.value.procedure_code(), m.criticality),
            E2apPdu::UnsuccessfulOutcome(m) => (2, m.value.procedure_code(), m.criticality),
            E2apPdu::Extension(_) => return None,
        };
        Some(Triggering {
            procedure_code: pc,
            kind,
            criticality: crit,
        })
    }

    pub fn diagnostics(&self, items: Vec<CriticalityDiagnosticsIeItem>) -> CriticalityDiagnostics {
        CriticalityDiagnostics {
            procedure_code: Some(self.procedure_code),
            triggering_message: Some(match self.kind {
                0 => TriggeringMessage::InitiatingMessage,
                1 => TriggeringMessage::SuccessfulOutcome,
                _ => TriggeringMessage::UnsuccessfullOutcome,
            }),
            procedure_criticality: Some(self.criticality),
            ric_requestor_id: None,
            ies_criticality_diagnostics: (!items.is_empty()).then_some(items),
        }
    }
}

/// What the criticality rules make of a received message's IEs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IeVerdict {
    /// Not understood or missing with criticality reject: the procedure fails.
    pub reject: Vec<CriticalityDiagnosticsIeItem>,
    /// Not understood or missing with notify: go on, then say so.
    pub notify: Vec<CriticalityDiagnosticsIeItem>,
    /// An IE present more than once.
    pub falsely_constructed: bool,
}

impl IeVerdict {
    /// The cause of rejecting the procedure.
    pub fn reject_cause(&self) -> Cause<'static> {
        if self.falsely_constructed {
            Cause::Protocol(CauseProtocol::AbstractSyntaxErrorFalselyConstructedMessage)
        } else {
            Cause::Protocol(CauseProtocol::AbstractSyntaxErrorReject)
        }
    }

    pub fn rejects(&self) -> bool {
        self.falsely_constructed || !self.reject.is_empty()
    }
}

fn item(crit: Criticality, id: u16, t: TypeOfError) -> CriticalityDiagnosticsIeItem {
    CriticalityDiagnosticsIeItem {
        ie_criticality: crit,
        ie_id: id,
        type_of_error: t,
    }
}

/// Judge one container: IEs the version does not define there (by the
/// criticality sent with them), mandatory IEs missing (by the criticality the
/// version gives them) and repeated IEs.
pub fn check_ies<V: IeValue>(version: E2apVersion, fields: &[ProtocolIeField<V>], out: &mut IeVerdict) {
    let info = V::info();
    let mut seen: Vec<u16> = Vec::with_capacity(fields.len());
    for f in fields {
        let id = f.id();
        let defined = info
            .iter()
            .any(|i| i.id == id && i.versions.iter().any(|x| x.0 == version));
        if !defined {
            let it = item(f.criticality, id, TypeOfError::NotUnderstood);
            match f.criticality {
                Criticality::Reject => out.reject.push(it),
                Criticality::Notify => out.notify.push(it),
                Criticality::Ignore => {}
            }
        } else if seen.contains(&id) {
            out.falsely_constructed = true;
        }
        seen.push(id);
    }
    for i in info {
        let Some(&(_, crit, presence)) = i.versions.iter().find(|x| x.0 == version) else {
            continue;
        };
        if presence == e2ap::Presence::Mandatory && !seen.contains(&i.id) {
            let it = item(crit, i.id, TypeOfError::Missing);
            match crit {
                Criticality::Reject => out.reject.push(it),
                Criticality::Notify => out.notify.push(it),
                Criticality::Ignore => {}
            }
        }
    }
}

macro_rules! judge {
    ($version:expr, $val:expr, $out:expr, $enum:ident, [$($var:ident),* $(,)?]) => {
        match $val {
            $( $enum::$var(m) => check_ies($version, &m.protocol_ies, $out), )*
            _ => {}
        }
    };
}

/// [`check_ies`] on the top-level container of any message.
pub fn check_pdu(version: E2apVersion, pdu: &E2apPdu<'_>) -> IeVerdict {
    let mut out = IeVerdict::default();
    match pdu {
        E2apPdu::InitiatingMessage(m) => judge!(
            version,
            &m.value,
            &mut out,
            InitiatingMessageValue,
            [
                E2setupRequest,
                ErrorIndication,
                ResetRequest,
                RicControlRequest,
                RicIndication,
                RicServiceQuery,
                RicServiceUpdate,
                RicSubscriptionRequest,
                RicSubscriptionDeleteRequest,
                E2nodeConfigurationUpdate,
                E2connectionUpdate,
                RicSubscriptionDeleteRequired,
                E2RemovalRequest,
                RicSubscriptionModificationRequest,
                RicSubscriptionModificationRequired,
                RicQueryRequest,
                RicSubscriptionAuditRequest,
            ]
        ),
        E2apPdu::SuccessfulOutcome(m) => judge!(
            version,
            &m.value,
            &mut out,
            SuccessfulOutcomeValue,
            [
                E2setupResponse,
                ResetResponse,
                RicControlAcknowledge,
                RicServiceUpdateAcknowledge,
                RicSubscriptionResponse,
                RicSubscriptionDeleteResponse,
                E2nodeConfigurationUpdateAcknowledge,
                E2connectionUpdateAcknowledge,
                E2RemovalResponse,
                RicSubscriptionModificationResponse,
                RicSubscriptionModificationConfirm,
                RicQueryResponse,
                RicSubscriptionAuditResponse,
            ]
        ),
        E2apPdu::UnsuccessfulOutcome(m) => judge!(
            version,
            &m.value,
            &mut out,
            UnsuccessfulOutcomeValue,
            [
                E2setupFailure,
                RicControlFailure,
                RicServiceUpdateFailure,
                RicSubscriptionFailure,
                RicSubscriptionDeleteFailure,
                E2nodeConfigurationUpdateFailure,
                E2connectionUpdateFailure,
                E2RemovalFailure,
                RicSubscriptionModificationFailure,
                RicSubscriptionModificationRefuse,
                RicQueryFailure,
                RicSubscriptionAuditFailure,
            ]
        ),
        E2apPdu::Extension(_) => {}
    }
    out
}

/// A message whose outer structure (PDU, procedure, IE ids, criticalities
/// and open-type lengths) reads, located to the octet.
#[derive(Debug, Clone)]
pub struct Skeleton<'a> {
    pub trig: Triggering,
    pub ies: Vec<RawIe<'a>>,
}

#[derive(Debug, Clone)]
pub struct RawIe<'a> {
    pub id: u16,
    pub criticality: Criticality,
    pub value: &'a [u8],
    /// Octet range of the value in the whole PDU.
    pub start: usize,
    pub end: usize,
}

fn criticality(i: Index) -> Option<Criticality> {
    match i {
        Index::Root(0) => Some(Criticality::Reject),
        Index::Root(1) => Some(Criticality::Ignore),
        Index::Root(2) => Some(Criticality::Notify),
        _ => None,
    }
}

fn offset_in(outer: &[u8], inner: &[u8]) -> usize {
    (inner.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize)
}

/// Read the outer structure of `bytes`, or `None` when even that fails.
pub fn skeleton(bytes: &[u8]) -> Option<Skeleton<'_>> {
    let mut d = PerDecoder::new(bytes);
    let kind = match d.choice_index(3, true).ok()? {
        Index::Root(k) => k as u8,
        Index::Extension(_) => return None,
    };
    let pc = d.constrained_int(0, 255).ok()? as u8;
    let crit = criticality(d.enumerated(3, false).ok()?)?;
    let value = match d.open_type().ok()? {
        std::borrow::Cow::Borrowed(b) => b,
        std::borrow::Cow::Owned(_) => return None,
    };
    let mut m = PerDecoder::new(value);
    m.bit().ok()?; // the message SEQUENCE's extension bit
    let n = m.sequence_of_len(Size::range(0, 65535)).ok()?;
    let mut ies = Vec::with_capacity(n);
    for _ in 0..n {
        let id = m.constrained_int(0, 65535).ok()? as u16;
        let criticality = criticality(m.enumerated(3, false).ok()?)?;
        let v = match m.open_type().ok()? {
            std::borrow::Cow::Borrowed(b) => b,
            std::borrow::Cow::Owned(_) => return None,
        };
        let start = offset_in(bytes, v);
        ies.push(RawIe {
            id,
            criticality,
            value: v,
            start,
            end: start + v.len(),
        });
    }
    Some(Skeleton {
        trig: Triggering {
            procedure_code: pc,
            kind,
            criticality: crit,
        },
        ies,
    })
}

/// The same message without IE number `drop`.
pub fn rebuild_without(s: &Skeleton<'_>, drop: usize) -> Option<Vec<u8>> {
    let mut e = PerEncoder::new();
    e.choice_index(Index::Root(u32::from(s.trig.kind)), 3, true).ok()?;
    e.constrained_int(i64::from(s.trig.procedure_code), 0, 255).ok()?;
    let ci = |c: Criticality| match c {
        Criticality::Reject => Index::Root(0),
        Criticality::Ignore => Index::Root(1),
        Criticality::Notify => Index::Root(2),
    };
    e.enumerated(ci(s.trig.criticality), 3, false).ok()?;
    e.open_type_with(|e| {
        e.bit(false);
        e.sequence_of_len(s.ies.len() - 1, Size::range(0, 65535))?;
        for (i, ie) in s.ies.iter().enumerate() {
            if i == drop {
                continue;
            }
            e.constrained_int(i64::from(ie.id), 0, 65535)?;
            e.enumerated(ci(ie.criticality), 3, false)?;
            e.open_type(ie.value)?;
        }
        Ok(())
    })
    .ok()?;
    Some(e.finish())
}

/// The outcome of reading one received message.
#[derive(Debug)]
pub enum Received {
    /// Decoded, possibly after dropping erroneous IEs whose criticality
    /// allowed it (listed for an ignore-and-notify report).
    Pdu {
        pdu: E2apPdu<'static>,
        verdict: IeVerdict,
        trig: Triggering,
    },
    /// An IE value that does not decode, with criticality reject; `rest` is
    /// the message without it when that decodes, so that the procedure's
    /// own failure message can carry the rejection.
    ErroneousIe {
        trig: Triggering,
        item: CriticalityDiagnosticsIeItem,
        rest: Option<Box<E2apPdu<'static>>>,
    },
    /// Not even the outer structure reads: a transfer syntax error.
    Malformed { error: String },
}

/// Decode `bytes` under `version` and judge its IEs.
pub fn receive(version: E2apVersion, bytes: &[u8]) -> Received {
    let mut notify = Vec::new();
    let mut owned: Option<Vec<u8>> = None;
    // Each round drops one erroneous IE, so this ends.
    loop {
        let cur: &[u8] = owned.as_deref().unwrap_or(bytes);
        let reassembly = Reassembly::new();
        let err = match e2ap::decode_with(version, cur, &reassembly) {
            Ok(pdu) => {
                let Some(trig) = Triggering::of(&pdu) else {
                    return Received::Malformed {
                        error: "unknown kind of E2AP-PDU".into(),
                    };
                };
                let mut verdict = check_pdu(version, &pdu);
                verdict.notify.extend(notify);
                return Received::Pdu {
                    pdu: pdu.into_owned(),
                    verdict,
                    trig,
                };
            }
            Err(e) => e,
        };
        let Some(s) = skeleton(cur) else {
            return Received::Malformed { error: err.to_string() };
        };
        let Some(at) = s
            .ies
            .iter()
            .position(|ie| ie.start <= err.offset && err.offset < ie.end.max(ie.start + 1))
        else {
            return Received::Malformed { error: err.to_string() };
        };
        let ie = &s.ies[at];
        let it = item(ie.criticality, ie.id, TypeOfError::NotUnderstood);
        match ie.criticality {
            Criticality::Reject => {
                let rest = rebuild_without(&s, at).and_then(|b| {
                    let r = Reassembly::new();
                    e2ap::decode_with(version, &b, &r)
                        .ok()
                        .map(|p| Box::new(p.into_owned()))
                });
                return Received::ErroneousIe {
                    trig: s.trig,
                    item: it,
                    rest,
                };
            }
            Criticality::Notify => notify.push(it),
            Criticality::Ignore => {}
        }
        match rebuild_without(&s, at) {
            Some(b) => owned = Some(b),
            None => return Received::Malformed { error: err.to_string() },
        }
    }
}

/// Encode for `version`. A failure means the simulator built something the
/// version cannot carry (e.g. from odd input); the caller counts it rather
/// than panicking.
pub fn encode(version: E2apVersion, pdu: &E2apPdu<'_>) -> Result<Vec<u8>, String> {
    e2ap::encode(version, pdu).map_err(|e| {
        format!(
            "{} does not encode under {version}: {e}",
            pdu.message_name().unwrap_or("PDU")
        )
    })
}

/// Counters common to both simulators.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorCounters {
    /// Messages that did not decode at all.
    pub malformed_received: u64,
    /// Error Indications received, with their causes (as JSON-able text).
    pub error_indications_received: Vec<String>,
    pub error_indications_sent: u64,
    /// Answers that could not be encoded (and were not sent), with why.
    pub encode_failures: Vec<String>,
}

pub fn cause_text(c: Option<&Cause<'_>>) -> String {
    match c {
        Some(c) => format!("{c:?}"),
        None => "no cause".into(),
    }
}

macro_rules! find_tid {
    ($val:expr, $enum:ident, [$($var:ident),* $(,)?]) => {
        match $val {
            $( $enum::$var(m) => m.transaction_id().copied(), )*
            _ => None,
        }
    };
}

/// The TransactionID of a message of a global procedure, if it has one.
pub fn transaction_id_of(pdu: &E2apPdu<'_>) -> Option<i64> {
    match pdu {
        E2apPdu::InitiatingMessage(m) => find_tid!(
            &m.value,
            InitiatingMessageValue,
            [
                E2setupRequest,
                ErrorIndication,
                ResetRequest,
                RicServiceQuery,
                RicServiceUpdate,
                E2nodeConfigurationUpdate,
                E2connectionUpdate,
                E2RemovalRequest,
            ]
        ),
        E2apPdu::SuccessfulOutcome(m) => find_tid!(
            &m.value,
            SuccessfulOutcomeValue,
            [
                E2setupResponse,
                ResetResponse,
                RicServiceUpdateAcknowledge,
                E2nodeConfigurationUpdateAcknowledge,
                E2connectionUpdateAcknowledge,
                E2RemovalResponse,
            ]
        ),
        E2apPdu::UnsuccessfulOutcome(m) => find_tid!(
            &m.value,
            UnsuccessfulOutcomeValue,
            [
                E2setupFailure,
                RicServiceUpdateFailure,
                E2nodeConfigurationUpdateFailure,
                E2connectionUpdateFailure,
                E2RemovalFailure,
            ]
        ),
        E2apPdu::Extension(_) => None,
    }
}

macro_rules! find_req {
    ($val:expr, $enum:ident, [$($var:ident),* $(,)?]) => {
        match $val {
            $( $enum::$var(m) => m.ric_request_id().map(|r| (req_id(r), m.ran_function_id().copied().unwrap_or(0))), )*
            _ => None,
        }
    };
}

/// The RIC request ID and RAN function ID of a functional procedure's
/// message, if it has them.
pub fn request_of(pdu: &E2apPdu<'_>) -> Option<(ReqId, u16)> {
    match pdu {
        E2apPdu::InitiatingMessage(m) => find_req!(
            &m.value,
            InitiatingMessageValue,
            [
                RicSubscriptionRequest,
                RicSubscriptionDeleteRequest,
                RicControlRequest,
                RicIndication,
                RicSubscriptionModificationRequest,
                RicQueryRequest,
            ]
        ),
        E2apPdu::SuccessfulOutcome(m) => find_req!(
            &m.value,
            SuccessfulOutcomeValue,
            [
                RicSubscriptionResponse,
                RicSubscriptionDeleteResponse,
                RicControlAcknowledge
            ]
        ),
        E2apPdu::UnsuccessfulOutcome(m) => find_req!(
            &m.value,
            UnsuccessfulOutcomeValue,
            [RicSubscriptionFailure, RicSubscriptionDeleteFailure, RicControlFailure]
        ),
        E2apPdu::Extension(_) => None,
    }
}

/// The stream a procedure's messages go on.
pub fn stream_for(procedure_code: u8) -> u16 {
    match procedure_code {
        4 | 5 | 8 | 9 | 12 | 14 | 15 | 16 | 17 => STREAM_FUNCTIONAL,
        _ => STREAM_GLOBAL,
    }
}

/// The stream of an outgoing PDU (an Error Indication about a RIC request
/// goes with the functional procedures).
pub fn stream_of(pdu: &E2apPdu<'_>) -> u16 {
    match pdu.procedure_code() {
        Some(2) if request_of_error_indication(pdu) => STREAM_FUNCTIONAL,
        Some(pc) => stream_for(pc),
        None => STREAM_GLOBAL,
    }
}

fn request_of_error_indication(pdu: &E2apPdu<'_>) -> bool {
    matches!(pdu, E2apPdu::InitiatingMessage(m)
        if matches!(&m.value, InitiatingMessageValue::ErrorIndication(e) if e.ric_request_id().is_some()))
}

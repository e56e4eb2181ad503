//! Cases for an E2 node under test; the harness plays the near-RT RIC.
//! Each judges against the E2AP clause named where the check is made.

use super::peer::{self, ActionReq, MS, Peer, Rx, SECOND, cause_name};
use super::{Case, E2Case, E2Port, E2Setup, E2Side, SimNeeds, always, clause, e2ap, needs_transaction_id};
use crate::case::Outcome;
use crate::model::{Applicability, CaseMeta, SpecRef, Status, Verdict};
use codecs::e2ap::{
    Cause, CauseProtocol, CauseRicRequest, Criticality, E2apPdu, E2apVersion, E2setupRequest, InitiatingMessageValue,
    RicActionType, SuccessfulOutcomeValue, TimeToWait,
};
use codecs::e2sm::kpm::{self, KpmPayloadKind, KpmVersion};
use codecs::e2sm::rc::{self, RcVersion};
use sim::e2::proto::ReqId;
use sim::e2::sm::{self, RcControl, ServiceModel};
use std::sync::Arc;

const IANA_PPID: SpecRef = SpecRef {
    spec: "IANA SCTP Payload Protocol Identifiers",
    version: "-",
    clause: "70 E2-CP, 71 E2-UP, 72 E2-DU",
};

pub(super) fn all() -> Vec<Arc<dyn E2Case>> {
    let c = |id, number, title, purpose, cl, status, tags, applies, run| -> Arc<dyn E2Case> {
        Arc::new(Case {
            meta: CaseMeta {
                id,
                number,
                title,
                purpose,
                clause: e2ap(cl),
                class: "E2N",
                status,
                tags,
            },
            side: E2Side::Node,
            applies,
            needs: SimNeeds::default(),
            run,
        })
    };
    use Status::*;
    vec![
        c(
            "E2.NODE.SETUP.01",
            "2.1.1",
            "E2 Setup Request well-formed",
            "The E2 node opens with an E2 SETUP REQUEST valid under the E2AP version it claims (every mandatory IE present), offering each RAN function it claims with a definition that decodes as the claimed service model.",
            clause::SETUP,
            Mandatory,
            &["setup", "asn1", "e2sm"],
            always,
            setup_request_well_formed,
        ),
        c(
            "E2.NODE.SETUP.02",
            "2.1.2",
            "Time To Wait honoured after E2 Setup Failure",
            "After an E2 SETUP FAILURE with Time To Wait, the E2 node does not retry E2 Setup before that time has passed.",
            clause::SETUP_FAIL,
            Mandatory,
            &["setup", "negative", "timer"],
            always,
            time_to_wait_honoured,
        ),
        c(
            "E2.NODE.SETUP.03",
            "2.1.3",
            "Unusable E2 Setup Response survived",
            "An E2 SETUP RESPONSE missing its mandatory Global RIC ID does not bring the association down, and the E2 node keeps answering.",
            clause::ERROR_HANDLING,
            Mandatory,
            &["setup", "negative", "robustness"],
            always,
            bad_setup_response,
        ),
        c(
            "E2.NODE.SUB.01",
            "2.2.1",
            "RIC Subscription and periodic KPM indications",
            "A KPM report subscription is answered by a RIC SUBSCRIPTION RESPONSE admitting the action; RIC INDICATIONs then arrive once per reporting period, numbered in order, with header and message that decode as E2SM-KPM v03.00.",
            clause::SUBSCRIPTION_OK,
            Mandatory,
            &["subscription", "indication", "e2sm-kpm"],
            needs_kpm,
            subscription_and_indications,
        ),
        c(
            "E2.NODE.SUB.02",
            "2.2.2",
            "Subscription to an unknown RAN function refused",
            "A RIC SUBSCRIPTION REQUEST naming a RAN function the node does not have is answered by a RIC SUBSCRIPTION FAILURE with cause ricRequest/ran-function-id-invalid.",
            clause::SUBSCRIPTION_FAIL,
            Mandatory,
            &["subscription", "negative", "cause"],
            needs_kpm,
            unknown_ran_function,
        ),
        c(
            "E2.NODE.SUB.03",
            "2.2.3",
            "Unsupported action refused",
            "A subscription whose only action is of a type the RAN function does not support (INSERT on E2SM-KPM, a report-only model) is answered by a RIC SUBSCRIPTION FAILURE with cause ricRequest/action-not-supported.",
            clause::SUBSCRIPTION_FAIL,
            Mandatory,
            &["subscription", "negative", "cause"],
            needs_kpm,
            unsupported_action,
        ),
        c(
            "E2.NODE.SUB.04",
            "2.2.4",
            "Duplicate RIC request ID refused",
            "A second subscription with the RIC request ID of an active one is refused (cause ricRequest/duplicate-ric-request-id from v03.01; a ricRequest cause before, which have no such item).",
            clause::SUBSCRIPTION_ABNORMAL,
            Mandatory,
            &["subscription", "negative", "cause"],
            needs_kpm,
            duplicate_request_id,
        ),
        c(
            "E2.NODE.DEL.01",
            "2.3.1",
            "RIC Subscription Delete stops the indications",
            "A RIC SUBSCRIPTION DELETE REQUEST for an active subscription is answered by a RIC SUBSCRIPTION DELETE RESPONSE, after which no indication of it arrives.",
            clause::DELETE,
            Mandatory,
            &["subscription", "delete"],
            needs_kpm,
            delete_stops_indications,
        ),
        c(
            "E2.NODE.DEL.02",
            "2.3.2",
            "Delete of an unknown subscription refused",
            "A RIC SUBSCRIPTION DELETE REQUEST for a RIC request ID the node does not know is answered by a RIC SUBSCRIPTION DELETE FAILURE with cause ricRequest/request-id-unknown.",
            clause::DELETE_FAIL,
            Mandatory,
            &["subscription", "delete", "negative", "cause"],
            needs_kpm,
            delete_unknown,
        ),
        c(
            "E2.NODE.CTRL.01",
            "2.4.1",
            "RIC Control acknowledged",
            "A well-formed E2SM-RC control request (slice PRB quota) with an acknowledgement requested is answered by a RIC CONTROL ACKNOWLEDGE.",
            clause::CONTROL,
            Conditional,
            &["control", "e2sm-rc"],
            needs_rc,
            control_acknowledged,
        ),
        c(
            "E2.NODE.RESET.01",
            "2.5.1",
            "Reset during active subscriptions stops the indications",
            "A RESET REQUEST while a subscription reports is answered by a RESET RESPONSE (echoing the transaction ID from v02.03 on), after which no indication of the erased subscription arrives.",
            clause::RESET,
            Mandatory,
            &["reset", "subscription", "negative"],
            needs_kpm,
            reset_stops_indications,
        ),
        c(
            "E2.NODE.CRIT.01",
            "2.6.1",
            "Unknown IE with criticality reject",
            "A RIC SUBSCRIPTION REQUEST carrying an IE the node does not comprehend, with criticality reject, is not processed: it is answered by a failure (or Error Indication) with cause protocol/abstract-syntax-error-reject.",
            clause::UNKNOWN_IE,
            Mandatory,
            &["criticality", "negative"],
            needs_kpm,
            unknown_ie_reject,
        ),
        c(
            "E2.NODE.CRIT.02",
            "2.6.2",
            "Unknown IE with criticality ignore",
            "A RIC SUBSCRIPTION REQUEST carrying a not comprehended IE with criticality ignore is processed as if the IE were absent, without an Error Indication.",
            clause::UNKNOWN_IE,
            Mandatory,
            &["criticality", "negative"],
            needs_kpm,
            unknown_ie_ignore,
        ),
        c(
            "E2.NODE.CRIT.03",
            "2.6.3",
            "Unknown IE with criticality notify",
            "A RIC SUBSCRIPTION REQUEST carrying a not comprehended IE with criticality notify is processed, and the node reports the IE in an Error Indication with cause protocol/abstract-syntax-error-ignore-and-notify.",
            clause::UNKNOWN_IE,
            Mandatory,
            &["criticality", "negative", "error-indication"],
            needs_kpm,
            unknown_ie_notify,
        ),
        c(
            "E2.NODE.ERR.01",
            "2.7.1",
            "Malformed PDU answered by Error Indication",
            "An E2AP PDU that cannot be decoded is answered by an ERROR INDICATION with cause protocol/transfer-syntax-error, and the association stays up.",
            clause::TRANSFER_SYNTAX,
            Mandatory,
            &["error-indication", "negative", "robustness"],
            always,
            malformed_pdu,
        ),
        c(
            "E2.NODE.ERR.02",
            "2.7.2",
            "Unknown procedure code",
            "An initiating message of a procedure code the node does not know, with criticality reject, is answered by an ERROR INDICATION with cause protocol/abstract-syntax-error-reject; the association stays up and the node keeps answering.",
            clause::UNKNOWN_PROCEDURE,
            Mandatory,
            &["error-indication", "negative", "robustness"],
            always,
            unknown_procedure,
        ),
        c(
            "E2.NODE.ERR.03",
            "2.7.3",
            "Transaction ID reused while in use",
            "A second RESET REQUEST with the transaction ID of one the node is still processing is not run as a new procedure: one RESET RESPONSE, and an Error Indication for the second.",
            clause::LOGICAL_ERROR,
            Mandatory,
            &["transaction-id", "negative"],
            needs_transaction_id,
            transaction_id_reused,
        ),
        c(
            "E2.NODE.IND.02",
            "2.8.1",
            "Indication over 64 KB arrives whole",
            "A subscription with a 20 s reporting period and 1 ms granularity makes the node's RIC INDICATION exceed 64 KB; it arrives whole: the E2AP PDU and its E2SM-KPM message decode, with every granularity period reported.",
            clause::INDICATION,
            Mandatory,
            &["indication", "oversized", "e2sm-kpm"],
            needs_kpm,
            oversized_indication,
        ),
        c(
            "E2.NODE.VER.01",
            "2.9.1",
            "Messages follow the claimed E2AP version",
            "Every message the node sends during setup and subscription is valid under the E2AP version under test; otherwise the report names the versions each side used and the first IE where they part.",
            clause::ASN1,
            Mandatory,
            &["version", "asn1"],
            always,
            version_skew,
        ),
    ]
}

fn needs_kpm(s: &E2Setup) -> Applicability {
    if s.pics.function("E2SM-KPM").is_some() {
        Applicability::Required
    } else {
        Applicability::NotApplicable("the E2 node claims no E2SM-KPM RAN function".into())
    }
}

fn needs_rc(s: &E2Setup) -> Applicability {
    if s.pics.function("E2SM-RC").is_some() {
        Applicability::Required
    } else {
        Applicability::NotApplicable("the E2 node claims no E2SM-RC RAN function".into())
    }
}

// ---- the harness as RIC: common steps --------------------------------------------------

/// The association after E2 Setup, with what the node offered.
struct Link<'p> {
    peer: Peer<'p>,
    /// Index of the E2 Setup Request in `peer.rx`.
    request: usize,
    kpm: Option<u16>,
    rc: Option<u16>,
    measurements: Vec<String>,
}

fn setup_request_of(r: &Rx) -> Option<E2setupRequest<'static>> {
    match r.pdu.as_ref()? {
        E2apPdu::InitiatingMessage(m) => match &m.value {
            InitiatingMessageValue::E2setupRequest(x) => Some(x.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Wait for the node's E2 Setup Request; inconclusive when none comes.
fn await_request(peer: &mut Peer<'_>, s: &E2Setup, out: &mut Outcome) -> Option<usize> {
    let mark = peer.mark();
    let i = peer.wait_name(peer.now() + 3 * SECOND, &["E2setupRequest"]);
    if i.is_none() {
        let mut why = format!(
            "the E2 node sent no E2 Setup Request within 3 s (it sent {})",
            peer.seen_since(mark)
        );
        if let Some(d) = peer.down_text() {
            why.push_str(&format!("; association down: {d}"));
        }
        out.finding(Verdict::Inconclusive, s.clause(clause::SETUP), why);
    }
    i
}

/// E2 Setup accepted, then the node's functions read from its request.
fn connect<'p>(s: &E2Setup, port: &'p mut dyn E2Port, out: &mut Outcome) -> Option<Link<'p>> {
    let mut peer = Peer::new(port, s.version, s.ppid);
    let request = await_request(&mut peer, s, out)?;
    let Some(r) = setup_request_of(&peer.rx[request]) else {
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::SETUP),
            "the E2 Setup Request could not be read, so the node could not be set up",
        );
        return None;
    };
    let resp = peer::setup_response(s.version, &r);
    let mark = peer.mark();
    peer.send(&resp);
    peer.idle(peer.now() + 100 * MS);
    if let Some(e) = peer.since(mark).iter().find(|r| r.is("ErrorIndication")) {
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::SETUP),
            format!(
                "the node did not take the E2 Setup Response ({}), so it could not be set up",
                e.describe()
            ),
        );
        return None;
    }
    if let Some(d) = peer.down_text() {
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::SETUP),
            format!("the association went down right after E2 Setup: {d}"),
        );
        return None;
    }
    let offered = peer::offered_functions(&r);
    let by_model = |m: ServiceModel| offered.iter().find(|f| f.2 == Some(m)).map(|f| f.0);
    let kpm = by_model(ServiceModel::Kpm).or_else(|| s.pics.function("E2SM-KPM").map(|f| f.id));
    let rc = by_model(ServiceModel::Rc).or_else(|| s.pics.function("E2SM-RC").map(|f| f.id));
    let measurements = kpm
        .and_then(|id| kpm_measurements(&r, id))
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| vec!["RRU.PrbTotDl".to_string()]);
    Some(Link {
        peer,
        request,
        kpm,
        rc,
        measurements,
    })
}

/// The measurements report style 1 of KPM function `id` offers.
fn kpm_measurements(r: &E2setupRequest<'_>, id: u16) -> Option<Vec<String>> {
    let l = r.ran_functions_added()?;
    let def = l.iter().find_map(|i| match &i.value {
        codecs::e2ap::RanFunctionItemIes::RanFunctionItem(f) if f.ran_function_id == id => {
            Some(f.ran_function_definition.clone())
        }
        _ => None,
    })?;
    let d = kpm::decode_ran_function_definition(KpmVersion::V3_00, &def).ok()?;
    let styles = d.ric_report_style_list?;
    let st = styles
        .iter()
        .find(|s| s.ric_report_style_type == sm::KPM_STYLE_NODE_MEASUREMENT)?;
    Some(
        st.meas_info_action_list
            .iter()
            .map(|m| m.meas_name.to_string())
            .collect(),
    )
}

fn kpm_or_inconclusive(link: &Link<'_>, s: &E2Setup, out: &mut Outcome) -> Option<u16> {
    if link.kpm.is_none() {
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::SUBSCRIPTION),
            "the node offered no E2SM-KPM RAN function to subscribe to",
        );
    }
    link.kpm
}

/// Subscribe and wait for the answer (its index).
/// A subscription the harness asks for.
struct SubReq<'a> {
    rid: ReqId,
    function: u16,
    period_ms: u32,
    actions: &'a [ActionReq],
    /// An IE no version defines, with this criticality.
    extra: Option<Criticality>,
}

/// A subscription with one KPM REPORT action (1 s period) to `function`:
/// the RIC request ID it used and the index of the answer.
fn subscribe_kpm(
    link: &mut Link<'_>,
    s: &E2Setup,
    out: &mut Outcome,
    function: u16,
    extra: Option<Criticality>,
) -> Option<(ReqId, usize)> {
    let rid = link.peer.rid();
    let action = peer::kpm_report(1, &link.measurements, 1000);
    let req = SubReq {
        rid,
        function,
        period_ms: 1000,
        actions: &[action],
        extra,
    };
    subscribe(link, s, out, &req).map(|a| (rid, a))
}

fn subscribe(link: &mut Link<'_>, s: &E2Setup, out: &mut Outcome, r: &SubReq<'_>) -> Option<usize> {
    let rid = r.rid;
    let Some(req) = peer::subscription_request(s.version, rid, r.function, r.period_ms, r.actions, r.extra) else {
        out.finding(
            Verdict::Error,
            s.clause(clause::SUBSCRIPTION),
            "the harness could not build its subscription request",
        );
        return None;
    };
    link.peer.send(&req);
    let i = link.peer.wait_for(link.peer.now() + 2 * SECOND, |r| {
        (r.is("RICsubscriptionResponse") || r.is("RICsubscriptionFailure") || r.is("ErrorIndication"))
            && r.request().is_none_or(|x| x.0 == rid)
    });
    if i.is_none() && link.peer.port_error.is_none() {
        let mut why = format!(
            "no answer to RIC Subscription Request {rid:?} within 2 s (8.2.1.2: the E2 node shall answer with RIC SUBSCRIPTION RESPONSE or FAILURE)"
        );
        if let Some(d) = link.peer.down_text() {
            why.push_str(&format!("; association down: {d}"));
        }
        out.finding(Verdict::Fail, s.clause(clause::SUBSCRIPTION), why);
    }
    i
}

fn indications_of(rx: &[Rx], rid: ReqId) -> Vec<&Rx> {
    rx.iter()
        .filter(|r| r.is("RICindication") && r.request().is_some_and(|x| x.0 == rid))
        .collect()
}

/// Test-bed health: a port or encoding problem is the harness's, an error.
fn health(peer: &Peer<'_>, s: &E2Setup, out: &mut Outcome) {
    if let Some(e) = &peer.port_error {
        out.finding(
            Verdict::Error,
            s.clause(clause::ERROR_HANDLING),
            format!("test bed: {e}"),
        );
    }
}

/// The node still answers: a RIC Service Query must draw a RIC Service
/// Update (or at least some answer) within 2 s.
fn still_answers(peer: &mut Peer<'_>, s: &E2Setup, out: &mut Outcome, after: &str) {
    if let Some(d) = peer.down_text() {
        out.finding(
            Verdict::Fail,
            s.clause(clause::ERROR_HANDLING),
            format!("the association went down {after}: {d} (10: erroneous data shall be handled without loss of the association)"),
        );
        return;
    }
    let tid = peer.tid();
    let q = peer::service_query(s.version, tid);
    let mark = peer.mark();
    peer.send(&q);
    match peer.wait_name(peer.now() + 2 * SECOND, &["RICserviceUpdate", "ErrorIndication"]) {
        Some(i) => {
            if peer.rx[i].is("RICserviceUpdate") {
                let t = peer.rx[i].transaction_id().unwrap_or(0);
                let ack = peer::service_update_ack(s.version, t);
                peer.send(&ack);
            }
            out.finding(
                Verdict::Pass,
                s.clause(clause::SERVICE_QUERY),
                format!(
                    "{after}, the node still answered a RIC Service Query ({})",
                    peer.rx[i].name()
                ),
            );
        }
        None => {
            let mut why = format!(
                "{after}, the node no longer answered: nothing within 2 s of a RIC Service Query (8.3.7), it sent {}",
                peer.seen_since(mark)
            );
            if let Some(d) = peer.down_text() {
                why.push_str(&format!("; association down: {d}"));
            }
            out.finding(Verdict::Fail, s.clause(clause::ERROR_HANDLING), why);
        }
    }
}

fn expect_cause(
    out: &mut Outcome,
    clause: SpecRef,
    rx: &Rx,
    want: &[Cause<'static>],
    want_text: &str,
    what: &str,
) -> bool {
    match rx.cause() {
        Some(c) if want.contains(&c) => {
            out.finding(
                Verdict::Pass,
                clause,
                format!("{what}: {} with cause {}", rx.name(), cause_name(&c)),
            );
            true
        }
        Some(c) => {
            out.finding(
                Verdict::Fail,
                clause,
                format!("{what}: {} with cause {}, want {want_text}", rx.name(), cause_name(&c)),
            );
            false
        }
        None => {
            out.finding(
                Verdict::Fail,
                clause,
                format!("{what}: {} carries no cause, want {want_text}", rx.name()),
            );
            false
        }
    }
}

// ---- cases ----------------------------------------------------------------------------

fn setup_request_well_formed(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let mut peer = Peer::new(port, s.version, s.ppid);
    let Some(i) = await_request(&mut peer, s, &mut out) else {
        return out;
    };
    let rx = peer.rx[i].clone();
    if ![70, 71, 72].contains(&rx.ppid) {
        out.finding(
            Verdict::Fail,
            IANA_PPID,
            format!(
                "E2 Setup Request carried SCTP PPID {}, not an E2 one (70, 71, 72)",
                rx.ppid
            ),
        );
    }
    let (valid, why) = peer::version_report(s.version, &rx.bytes);
    match why {
        None => out.finding(
            Verdict::Pass,
            s.clause(clause::SETUP),
            format!(
                "E2 Setup Request ({} octets, stream {}) is valid under E2AP {} with every mandatory IE (valid under: {})",
                rx.bytes.len(),
                rx.stream,
                s.version,
                peer::labels(&valid)
            ),
        ),
        Some(w) => out.finding(
            Verdict::Fail,
            s.clause(clause::ASN1),
            format!(
                "E2 Setup Request is not valid under E2AP {} (the version under test): {w}; it is valid under {}",
                s.version,
                peer::labels(&valid)
            ),
        ),
    }
    let Some(r) = setup_request_of(&rx) else {
        out.finding(
            Verdict::Fail,
            s.clause(clause::SETUP),
            format!("the E2 Setup Request does not decode: {}", rx.error.unwrap_or_default()),
        );
        return out;
    };
    // Each claimed RAN function offered, its definition of the claimed model.
    let defs: Vec<_> = r
        .ran_functions_added()
        .map(|l| {
            l.iter()
                .filter_map(|i| match &i.value {
                    codecs::e2ap::RanFunctionItemIes::RanFunctionItem(f) => Some((
                        f.ran_function_id,
                        f.ran_function_definition.to_vec(),
                        f.ran_function_oid.as_ref().map(|o| o.to_string()),
                    )),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    for f in &s.pics.ran_functions {
        let Some((_, def, oid)) = defs.iter().find(|d| d.0 == f.id) else {
            out.finding(
                Verdict::Fail,
                s.clause(clause::SETUP_OK),
                format!(
                    "RAN function {} ({} {}) is claimed but not in RANfunctionsAdded (it lists {:?})",
                    f.id,
                    f.service_model,
                    f.version,
                    defs.iter().map(|d| d.0).collect::<Vec<_>>()
                ),
            );
            continue;
        };
        let model = match f.service_model.as_str() {
            "E2SM-KPM" => {
                let d = kpm::detect_version(KpmPayloadKind::RanFunctionDefinition, def);
                let want = if f.version.starts_with('2') {
                    KpmVersion::V2_03
                } else {
                    KpmVersion::V3_00
                };
                if d.valid().contains(&want) {
                    Ok(format!("decodes as E2SM-KPM {want}"))
                } else {
                    Err(format!("does not decode as E2SM-KPM {want}: {}", d.summary()))
                }
            }
            "E2SM-RC" => match rc::decode_ran_function_definition(RcVersion::V1_03, def) {
                Ok(_) => Ok("decodes as E2SM-RC v01.03".to_string()),
                Err(e) => Err(format!("does not decode as E2SM-RC v01.03: {e}")),
            },
            other => Ok(format!("{other} not checked (no codec)")),
        };
        match model {
            Ok(t) => out.finding(
                Verdict::Pass,
                s.clause(clause::SETUP_OK),
                format!("RAN function {} definition {t}", f.id),
            ),
            Err(t) => out.finding(
                Verdict::Fail,
                s.clause(clause::SETUP_OK),
                format!("RAN function {} ({} claimed) definition {t}", f.id, f.service_model),
            ),
        }
        if s.version >= E2apVersion::V2_03
            && let Some(o) = oid
            && *o != f.oid
        {
            out.finding(
                Verdict::Fail,
                s.clause(clause::SETUP_OK),
                format!("RAN function {} has OID {o}, the claimed model's is {}", f.id, f.oid),
            );
        }
    }
    // The node takes a well-formed answer.
    let resp = peer::setup_response(s.version, &r);
    let mark = peer.mark();
    peer.send(&resp);
    peer.idle(peer.now() + 200 * MS);
    if let Some(e) = peer.since(mark).iter().find(|r| r.is("ErrorIndication")) {
        out.finding(
            Verdict::Fail,
            s.clause(clause::SETUP_OK),
            format!(
                "the node answered a well-formed E2 Setup Response with {}",
                e.describe()
            ),
        );
    }
    health(&peer, s, &mut out);
    out
}

fn time_to_wait_honoured(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let mut peer = Peer::new(port, s.version, s.ppid);
    let Some(i) = await_request(&mut peer, s, &mut out) else {
        return out;
    };
    let tid = peer.rx[i].transaction_id().unwrap_or(0);
    let ttw = 2 * SECOND;
    peer.send(&peer::setup_failure(s.version, tid, Some(TimeToWait::V2s)));
    let failed_at = peer.now();
    match peer.wait_name(failed_at + ttw + 5 * SECOND, &["E2setupRequest"]) {
        None => out.finding(
            Verdict::Inconclusive,
            s.clause(clause::SETUP_FAIL),
            format!(
                "the node did not retry E2 Setup within 7 s of a failure with Time To Wait 2 s, so honouring it could not be judged{}",
                peer.down_text().map(|d| format!(" (association down: {d})")).unwrap_or_default()
            ),
        ),
        Some(j) => {
            let after = peer.rx[j].at - failed_at;
            out.measure(
                "setup_retry_after",
                "time from E2 Setup Failure (Time To Wait 2 s) to the retry",
                "millisecond",
                vec![after as f64 / 1e6],
            );
            if after < ttw {
                out.finding(
                    Verdict::Fail,
                    s.clause(clause::SETUP_FAIL),
                    format!(
                        "the node retried E2 Setup {:.0} ms after an E2 SETUP FAILURE with Time To Wait 2 s (8.3.1.3: it shall wait at least the Time To Wait before reinitiating E2 Setup)",
                        after as f64 / 1e6
                    ),
                );
            } else {
                out.finding(
                    Verdict::Pass,
                    s.clause(clause::SETUP_FAIL),
                    format!(
                        "the node retried E2 Setup {:.0} ms after a failure with Time To Wait 2 s",
                        after as f64 / 1e6
                    ),
                );
            }
        }
    }
    health(&peer, s, &mut out);
    out
}

fn bad_setup_response(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let mut peer = Peer::new(port, s.version, s.ppid);
    let Some(i) = await_request(&mut peer, s, &mut out) else {
        return out;
    };
    let Some(r) = setup_request_of(&peer.rx[i]) else {
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::SETUP),
            "the E2 Setup Request could not be read",
        );
        return out;
    };
    let mark = peer.mark();
    peer.send(&peer::setup_response_without_ric_id(s.version, &r));
    peer.idle(peer.now() + 500 * MS);
    if let Some(d) = peer.down_text() {
        out.finding(
            Verdict::Fail,
            s.clause(clause::ERROR_HANDLING),
            format!(
                "an E2 Setup Response missing its mandatory Global RIC ID brought the association down: {d} (10.3.5: a missing mandatory IE is handled by the protocol's error handling, not by dropping the association)"
            ),
        );
        return out;
    }
    let answered = peer.seen_since(mark);
    // Answer properly (to the retry, if the node made one) and check that the node still works.
    let retry = peer
        .since(mark)
        .iter()
        .rposition(|r| r.is("E2setupRequest"))
        .map(|k| mark + k);
    let req = retry.and_then(|k| setup_request_of(&peer.rx[k])).unwrap_or(r);
    peer.send(&peer::setup_response(s.version, &req));
    peer.idle(peer.now() + 100 * MS);
    out.finding(
        Verdict::Pass,
        s.clause(clause::ERROR_HANDLING),
        format!(
            "the association stayed up after an E2 Setup Response without Global RIC ID (the node sent {answered})"
        ),
    );
    still_answers(&mut peer, s, &mut out, "after an unusable E2 Setup Response");
    health(&peer, s, &mut out);
    out
}

fn subscription_and_indications(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut link) = connect(s, port, &mut out) else {
        return out;
    };
    let Some(kpm_fid) = kpm_or_inconclusive(&link, s, &mut out) else {
        return out;
    };
    let rid = link.peer.rid();
    let period_ms = 1000u32;
    let action = peer::kpm_report(1, &link.measurements, period_ms);
    let Some(a) = subscribe(
        &mut link,
        s,
        &mut out,
        &SubReq {
            rid,
            function: kpm_fid,
            period_ms,
            actions: &[action],
            extra: None,
        },
    ) else {
        health(&link.peer, s, &mut out);
        return out;
    };
    let ans = link.peer.rx[a].clone();
    if !ans.is("RICsubscriptionResponse") {
        out.finding(
            Verdict::Fail,
            s.clause(clause::SUBSCRIPTION_OK),
            format!("a valid KPM report subscription was answered by {}", ans.describe()),
        );
        return out;
    }
    let admitted = match ans.pdu.as_ref() {
        Some(E2apPdu::SuccessfulOutcome(m)) => match &m.value {
            SuccessfulOutcomeValue::RicSubscriptionResponse(r) => r
                .ric_actions_admitted()
                .map(|l| {
                    l.iter()
                        .filter_map(|i| match &i.value {
                            codecs::e2ap::RicActionAdmittedItemIes::RicActionAdmittedItem(x) => Some(x.ric_action_id),
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    if ans.request() != Some((rid, kpm_fid)) || !admitted.contains(&1) {
        out.finding(
            Verdict::Fail,
            s.clause(clause::SUBSCRIPTION_OK),
            format!(
                "RIC Subscription Response names {:?} and admits actions {admitted:?}; want request {rid:?} of function {kpm_fid} admitting action 1",
                ans.request()
            ),
        );
    } else {
        out.finding(
            Verdict::Pass,
            s.clause(clause::SUBSCRIPTION_OK),
            format!("subscription {rid:?} to KPM function {kpm_fid} accepted, action 1 admitted"),
        );
    }
    let from = link.peer.mark();
    link.peer.idle(ans.at + 3_500 * MS);
    let inds = indications_of(link.peer.since(from), rid);
    let arrivals: Vec<u64> = inds.iter().map(|r| r.at).collect();
    if inds.len() < 3 {
        out.finding(
            Verdict::Fail,
            s.clause(clause::INDICATION),
            format!(
                "{} RIC Indication(s) in 3.5 s of a subscription with a 1 s reporting period, want 3",
                inds.len()
            ),
        );
    }
    let gaps: Vec<f64> = arrivals.windows(2).map(|w| (w[1] - w[0]) as f64 / 1e6).collect();
    out.measure(
        "indication_interval",
        "time between successive RIC Indications (reporting period 1000 ms)",
        "millisecond",
        gaps.clone(),
    );
    if let Some(g) = gaps.iter().find(|g| (**g - f64::from(period_ms)).abs() > 100.0) {
        out.finding(
            Verdict::Fail,
            s.clause(clause::INDICATION),
            format!("RIC Indications {g:.0} ms apart, the reporting period is {period_ms} ms (tolerance 100 ms)"),
        );
    }
    let mut bad = 0;
    let mut last_sn: Option<u16> = None;
    for r in &inds {
        let Some(E2apPdu::InitiatingMessage(m)) = &r.pdu else {
            continue;
        };
        let InitiatingMessageValue::RicIndication(ind) = &m.value else {
            continue;
        };
        let sn = ind.ric_indication_sn().copied();
        if let (Some(a), Some(b)) = (last_sn, sn)
            && b != a.wrapping_add(1)
        {
            out.finding(
                Verdict::Fail,
                s.clause(clause::INDICATION),
                format!("RIC Indication SN went from {a} to {b}"),
            );
        }
        last_sn = sn.or(last_sn);
        let header = ind.ric_indication_header().map(|h| h.to_vec()).unwrap_or_default();
        let message = ind.ric_indication_message().map(|h| h.to_vec()).unwrap_or_default();
        if let Err(e) = sm::decode_kpm_indication_header(&header) {
            bad += 1;
            if bad == 1 {
                let d = kpm::detect_version(KpmPayloadKind::IndicationHeader, &header);
                out.finding(
                    Verdict::Fail,
                    s.clause(clause::INDICATION),
                    format!(
                        "RIC Indication header is not an E2SM-KPM v03.00 indication header ({e}); {}",
                        d.summary()
                    ),
                );
            }
            continue;
        }
        match sm::decode_kpm_indication_message(&message) {
            Ok(rep) if rep.records.is_empty() || rep.measurements.len() != link.measurements.len() => {
                bad += 1;
                out.finding(
                    Verdict::Fail,
                    s.clause(clause::INDICATION),
                    format!(
                        "E2SM-KPM indication message reports {} measurement(s) over {} period(s), {} were requested",
                        rep.measurements.len(),
                        rep.records.len(),
                        link.measurements.len()
                    ),
                );
            }
            Ok(_) => {}
            Err(e) => {
                bad += 1;
                out.finding(
                    Verdict::Fail,
                    s.clause(clause::INDICATION),
                    format!("RIC Indication message does not decode as E2SM-KPM v03.00: {e}"),
                );
            }
        }
    }
    if !inds.is_empty() && bad == 0 {
        out.finding(
            Verdict::Pass,
            s.clause(clause::INDICATION),
            format!(
                "{} RIC Indications, E2SM-KPM v03.00 header and message decoded, {} measurement(s) each",
                inds.len(),
                link.measurements.len()
            ),
        );
    }
    let del = peer::delete_request(s.version, rid, kpm_fid);
    link.peer.send(&del);
    health(&link.peer, s, &mut out);
    out
}

fn unknown_ran_function(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut link) = connect(s, port, &mut out) else {
        return out;
    };
    let r = setup_request_of(&link.peer.rx[link.request]).expect("connect read it");
    let offered: Vec<u16> = peer::offered_functions(&r).iter().map(|f| f.0).collect();
    let unknown = (4000..=4095).find(|f| !offered.contains(f)).unwrap_or(4095);
    let Some((_, a)) = subscribe_kpm(&mut link, s, &mut out, unknown, None) else {
        health(&link.peer, s, &mut out);
        return out;
    };
    let ans = link.peer.rx[a].clone();
    if ans.is("RICsubscriptionResponse") {
        out.finding(
            Verdict::Fail,
            s.clause(clause::SUBSCRIPTION_FAIL),
            format!("the node accepted a subscription to RAN function {unknown}, which it never offered"),
        );
    } else {
        expect_cause(
            &mut out,
            s.clause(clause::SUBSCRIPTION_FAIL),
            &ans,
            &[Cause::RicRequest(CauseRicRequest::RanFunctionIdInvalid)],
            "ricRequest/ran-function-id-invalid",
            &format!("subscription to unknown RAN function {unknown} refused"),
        );
    }
    health(&link.peer, s, &mut out);
    out
}

fn unsupported_action(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut link) = connect(s, port, &mut out) else {
        return out;
    };
    let Some(kpm_fid) = kpm_or_inconclusive(&link, s, &mut out) else {
        return out;
    };
    let rid = link.peer.rid();
    let mut action = peer::kpm_report(1, &link.measurements, 1000);
    action.kind = RicActionType::Insert;
    let Some(a) = subscribe(
        &mut link,
        s,
        &mut out,
        &SubReq {
            rid,
            function: kpm_fid,
            period_ms: 1000,
            actions: &[action],
            extra: None,
        },
    ) else {
        health(&link.peer, s, &mut out);
        return out;
    };
    let ans = link.peer.rx[a].clone();
    if ans.is("RICsubscriptionResponse") {
        out.finding(
            Verdict::Fail,
            s.clause(clause::SUBSCRIPTION_FAIL),
            "the node admitted an INSERT action on its E2SM-KPM function, a report-only service model",
        );
    } else {
        expect_cause(
            &mut out,
            s.clause(clause::SUBSCRIPTION_FAIL),
            &ans,
            &[Cause::RicRequest(CauseRicRequest::ActionNotSupported)],
            "ricRequest/action-not-supported",
            "subscription with only an INSERT action on E2SM-KPM refused",
        );
    }
    health(&link.peer, s, &mut out);
    out
}

fn duplicate_request_id(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut link) = connect(s, port, &mut out) else {
        return out;
    };
    let Some(kpm_fid) = kpm_or_inconclusive(&link, s, &mut out) else {
        return out;
    };
    let rid = link.peer.rid();
    let action = peer::kpm_report(1, &link.measurements, 1000);
    let Some(a) = subscribe(
        &mut link,
        s,
        &mut out,
        &SubReq {
            rid,
            function: kpm_fid,
            period_ms: 1000,
            actions: std::slice::from_ref(&action),
            extra: None,
        },
    ) else {
        return out;
    };
    if !link.peer.rx[a].is("RICsubscriptionResponse") {
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::SUBSCRIPTION_ABNORMAL),
            format!(
                "the first subscription was answered by {}, so no RIC request ID was in use",
                link.peer.rx[a].describe()
            ),
        );
        return out;
    }
    let Some(b) = subscribe(
        &mut link,
        s,
        &mut out,
        &SubReq {
            rid,
            function: kpm_fid,
            period_ms: 1000,
            actions: &[action],
            extra: None,
        },
    ) else {
        return out;
    };
    let ans = link.peer.rx[b].clone();
    if ans.is("RICsubscriptionResponse") {
        out.finding(
            Verdict::Fail,
            s.clause(clause::SUBSCRIPTION_ABNORMAL),
            format!("the node accepted a second subscription with RIC request ID {rid:?}, already in use"),
        );
    } else if s.version >= E2apVersion::V3_01 {
        expect_cause(
            &mut out,
            s.clause(clause::SUBSCRIPTION_ABNORMAL),
            &ans,
            &[Cause::RicRequest(CauseRicRequest::DuplicateRicRequestId)],
            "ricRequest/duplicate-ric-request-id",
            &format!("second subscription with RIC request ID {rid:?} refused"),
        );
    } else {
        // Before v03.01 CauseRICrequest has no duplicate item: any ricRequest cause will do.
        match ans.cause() {
            Some(c @ Cause::RicRequest(_)) => out.finding(
                Verdict::Pass,
                s.clause(clause::SUBSCRIPTION_ABNORMAL),
                format!(
                    "second subscription with RIC request ID {rid:?} refused with {} ({} has no duplicate-ric-request-id)",
                    cause_name(&c),
                    s.version
                ),
            ),
            other => out.finding(
                Verdict::Fail,
                s.clause(clause::SUBSCRIPTION_ABNORMAL),
                format!(
                    "second subscription with a RIC request ID in use answered by {} with cause {}, want a ricRequest cause",
                    ans.name(),
                    other.map_or("none".into(), |c| cause_name(&c))
                ),
            ),
        }
    }
    health(&link.peer, s, &mut out);
    out
}

fn delete_stops_indications(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut link) = connect(s, port, &mut out) else {
        return out;
    };
    let Some(kpm_fid) = kpm_or_inconclusive(&link, s, &mut out) else {
        return out;
    };
    let Some((rid, a)) = subscribe_kpm(&mut link, s, &mut out, kpm_fid, None) else {
        return out;
    };
    if !link.peer.rx[a].is("RICsubscriptionResponse") {
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::DELETE),
            format!(
                "the subscription was answered by {}, nothing to delete",
                link.peer.rx[a].describe()
            ),
        );
        return out;
    }
    let got = link
        .peer
        .wait_for(link.peer.now() + 1_500 * MS, |r| r.is("RICindication"));
    if got.is_none() {
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::DELETE),
            "no RIC Indication within 1.5 s of the subscription, so stopping them could not be judged",
        );
        return out;
    }
    link.peer.send(&peer::delete_request(s.version, rid, kpm_fid));
    let Some(d) = link.peer.wait_name(
        link.peer.now() + 2 * SECOND,
        &["RICsubscriptionDeleteResponse", "RICsubscriptionDeleteFailure"],
    ) else {
        out.finding(
            Verdict::Fail,
            s.clause(clause::DELETE),
            "no answer to RIC Subscription Delete Request within 2 s",
        );
        return out;
    };
    let ans = link.peer.rx[d].clone();
    if !ans.is("RICsubscriptionDeleteResponse") || ans.request() != Some((rid, kpm_fid)) {
        out.finding(
            Verdict::Fail,
            s.clause(clause::DELETE),
            format!(
                "deleting active subscription {rid:?} drew {} for {:?}",
                ans.describe(),
                ans.request()
            ),
        );
    }
    let from = link.peer.mark();
    link.peer.idle(ans.at + 2_500 * MS);
    let late = indications_of(link.peer.since(from), rid).len();
    if late > 0 {
        out.finding(
            Verdict::Fail,
            s.clause(clause::DELETE),
            format!("{late} RIC Indication(s) of subscription {rid:?} after its RIC SUBSCRIPTION DELETE RESPONSE"),
        );
    } else {
        out.finding(
            Verdict::Pass,
            s.clause(clause::DELETE),
            format!("subscription {rid:?} deleted; no indication of it in the 2.5 s after"),
        );
    }
    health(&link.peer, s, &mut out);
    out
}

fn delete_unknown(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut link) = connect(s, port, &mut out) else {
        return out;
    };
    let Some(kpm_fid) = kpm_or_inconclusive(&link, s, &mut out) else {
        return out;
    };
    let rid = (4321, 77);
    link.peer.send(&peer::delete_request(s.version, rid, kpm_fid));
    let Some(d) = link.peer.wait_name(
        link.peer.now() + 2 * SECOND,
        &[
            "RICsubscriptionDeleteResponse",
            "RICsubscriptionDeleteFailure",
            "ErrorIndication",
        ],
    ) else {
        out.finding(
            Verdict::Fail,
            s.clause(clause::DELETE_FAIL),
            "no answer within 2 s to the deletion of an unknown subscription (8.2.2.3: RIC SUBSCRIPTION DELETE FAILURE)",
        );
        return out;
    };
    let ans = link.peer.rx[d].clone();
    if ans.is("RICsubscriptionDeleteResponse") {
        out.finding(
            Verdict::Fail,
            s.clause(clause::DELETE_FAIL),
            format!("the node reported deleting subscription {rid:?}, which never existed"),
        );
    } else {
        expect_cause(
            &mut out,
            s.clause(clause::DELETE_FAIL),
            &ans,
            &[Cause::RicRequest(CauseRicRequest::RequestIdUnknown)],
            "ricRequest/request-id-unknown",
            &format!("deletion of unknown subscription {rid:?} refused"),
        );
    }
    health(&link.peer, s, &mut out);
    out
}

fn control_acknowledged(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut link) = connect(s, port, &mut out) else {
        return out;
    };
    let Some(rc_fid) = link.rc else {
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::CONTROL),
            "the node offered no E2SM-RC RAN function",
        );
        return out;
    };
    let c = RcControl {
        ue_f1ap_id: 3,
        style: sm::RC_STYLE_RADIO_RESOURCE,
        action: sm::RC_ACTION_SLICE_PRB_QUOTA,
        params: vec![(sm::RC_PARAM_MAX_PRB_RATIO, 70)],
    };
    let rid = link.peer.rid();
    let Some(req) = peer::control_request(s.version, rid, rc_fid, &c) else {
        out.finding(
            Verdict::Error,
            s.clause(clause::CONTROL),
            "the harness could not build its control request",
        );
        return out;
    };
    link.peer.send(&req);
    match link.peer.wait_name(
        link.peer.now() + 2 * SECOND,
        &["RICcontrolAcknowledge", "RICcontrolFailure", "ErrorIndication"],
    ) {
        None => out.finding(
            Verdict::Fail,
            s.clause(clause::CONTROL),
            "no answer within 2 s to a RIC Control Request asking for an acknowledgement",
        ),
        Some(i) => {
            let ans = link.peer.rx[i].clone();
            if ans.is("RICcontrolAcknowledge") && ans.request() == Some((rid, rc_fid)) {
                out.finding(
                    Verdict::Pass,
                    s.clause(clause::CONTROL),
                    format!("RIC Control {rid:?} (slice max PRB ratio 70 %) acknowledged"),
                );
            } else {
                out.finding(
                    Verdict::Fail,
                    s.clause(clause::CONTROL),
                    format!(
                        "a valid RIC Control Request {rid:?} drew {} for {:?}",
                        ans.describe(),
                        ans.request()
                    ),
                );
            }
        }
    }
    health(&link.peer, s, &mut out);
    out
}

fn reset_stops_indications(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut link) = connect(s, port, &mut out) else {
        return out;
    };
    let Some(kpm_fid) = kpm_or_inconclusive(&link, s, &mut out) else {
        return out;
    };
    let Some((rid, a)) = subscribe_kpm(&mut link, s, &mut out, kpm_fid, None) else {
        return out;
    };
    let first = link.peer.rx[a].is("RICsubscriptionResponse")
        && link
            .peer
            .wait_for(link.peer.now() + 1_500 * MS, |r| r.is("RICindication"))
            .is_some();
    if !first {
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::RESET),
            "no active, reporting subscription to reset (subscription refused or no indication within 1.5 s)",
        );
        return out;
    }
    let tid = link.peer.tid();
    link.peer.send(&peer::reset_request(s.version, tid));
    let Some(r) = link.peer.wait_name(link.peer.now() + 2 * SECOND, &["ResetResponse"]) else {
        out.finding(
            Verdict::Fail,
            s.clause(clause::RESET),
            "no RESET RESPONSE within 2 s of a RESET REQUEST",
        );
        return out;
    };
    let resp = link.peer.rx[r].clone();
    if s.version >= E2apVersion::V2_03 && resp.transaction_id() != Some(tid) {
        out.finding(
            Verdict::Fail,
            s.clause(clause::RESET),
            format!(
                "RESET RESPONSE carries transaction ID {:?}, the request's was {tid}",
                resp.transaction_id()
            ),
        );
    }
    let from = link.peer.mark();
    link.peer.idle(resp.at + 3 * SECOND);
    let late = indications_of(link.peer.since(from), rid).len();
    if late > 0 {
        out.finding(
            Verdict::Fail,
            s.clause(clause::RESET),
            format!(
                "{late} RIC Indication(s) of subscription {rid:?} in the 3 s after the RESET RESPONSE (8.3.2: Reset erases the subscriptions)"
            ),
        );
    } else {
        out.finding(
            Verdict::Pass,
            s.clause(clause::RESET),
            format!("Reset answered; no indication of subscription {rid:?} in the 3 s after"),
        );
    }
    health(&link.peer, s, &mut out);
    out
}

/// A subscription with one not comprehended IE of criticality `crit`: the
/// answer, and what else came within 1 s.
fn subscribe_with_unknown_ie(
    s: &E2Setup,
    port: &mut dyn E2Port,
    crit: Criticality,
    out: &mut Outcome,
) -> Option<(Rx, Vec<Rx>, ReqId)> {
    let mut link = connect(s, port, out)?;
    let kpm_fid = kpm_or_inconclusive(&link, s, out)?;
    let mark = link.peer.mark();
    let (rid, a) = subscribe_kpm(&mut link, s, out, kpm_fid, Some(crit))?;
    link.peer.idle(link.peer.now() + SECOND);
    let ans = link.peer.rx[a].clone();
    let all = link.peer.since(mark).to_vec();
    health(&link.peer, s, out);
    Some((ans, all, rid))
}

fn unknown_ie_reject(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some((ans, all, rid)) = subscribe_with_unknown_ie(s, port, Criticality::Reject, &mut out) else {
        return out;
    };
    if ans.is("RICsubscriptionResponse") || !indications_of(&all, rid).is_empty() {
        out.finding(
            Verdict::Fail,
            s.clause(clause::UNKNOWN_IE),
            "the node processed a RIC Subscription Request carrying a not comprehended IE (id 999) with criticality reject (10.3.4.2: reject the procedure)",
        );
    } else {
        let want = [Cause::Protocol(CauseProtocol::AbstractSyntaxErrorReject)];
        expect_cause(
            &mut out,
            s.clause(clause::UNKNOWN_IE),
            &ans,
            &want,
            "protocol/abstract-syntax-error-reject",
            "request with a not comprehended IE of criticality reject refused",
        );
    }
    out
}

fn unknown_ie_ignore(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some((ans, all, _)) = subscribe_with_unknown_ie(s, port, Criticality::Ignore, &mut out) else {
        return out;
    };
    let ei = all.iter().find(|r| r.is("ErrorIndication"));
    if !ans.is("RICsubscriptionResponse") {
        out.finding(
            Verdict::Fail,
            s.clause(clause::UNKNOWN_IE),
            format!(
                "a subscription with a not comprehended IE of criticality ignore was answered by {} (10.3.4.2: ignore the IE, process the rest)",
                ans.describe()
            ),
        );
    } else if let Some(e) = ei {
        out.finding(
            Verdict::Fail,
            s.clause(clause::UNKNOWN_IE),
            format!("the node reported an IE of criticality ignore: {}", e.describe()),
        );
    } else {
        out.finding(
            Verdict::Pass,
            s.clause(clause::UNKNOWN_IE),
            "the IE of criticality ignore was ignored: subscription accepted, no Error Indication",
        );
    }
    out
}

fn unknown_ie_notify(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some((ans, all, _)) = subscribe_with_unknown_ie(s, port, Criticality::Notify, &mut out) else {
        return out;
    };
    if !ans.is("RICsubscriptionResponse") {
        out.finding(
            Verdict::Fail,
            s.clause(clause::UNKNOWN_IE),
            format!(
                "a subscription with a not comprehended IE of criticality notify was answered by {} (10.3.4.2: process it, then report)",
                ans.describe()
            ),
        );
    }
    match all.iter().find(|r| r.is("ErrorIndication")) {
        None => out.finding(
            Verdict::Fail,
            s.clause(clause::UNKNOWN_IE),
            "no Error Indication within 1 s for a not comprehended IE of criticality notify (10.3.4.2: ignore the IE and report it)",
        ),
        Some(e) => {
            expect_cause(
                &mut out,
                s.clause(clause::UNKNOWN_IE),
                e,
                &[Cause::Protocol(CauseProtocol::AbstractSyntaxErrorIgnoreAndNotify)],
                "protocol/abstract-syntax-error-ignore-and-notify",
                "IE of criticality notify reported",
            );
        }
    }
    out
}

fn malformed_pdu(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut link) = connect(s, port, &mut out) else {
        return out;
    };
    let mark = link.peer.mark();
    link.peer.send_raw(0, peer::MALFORMED.to_vec());
    match link.peer.wait_name(link.peer.now() + SECOND, &["ErrorIndication"]) {
        None => out.finding(
            Verdict::Fail,
            s.clause(clause::TRANSFER_SYNTAX),
            format!(
                "no Error Indication within 1 s of an undecodable PDU (10.2: a transfer syntax error is reported with an ERROR INDICATION); the node sent {}",
                link.peer.seen_since(mark)
            ),
        ),
        Some(i) => {
            let e = link.peer.rx[i].clone();
            expect_cause(
                &mut out,
                s.clause(clause::TRANSFER_SYNTAX),
                &e,
                &[Cause::Protocol(CauseProtocol::TransferSyntaxError)],
                "protocol/transfer-syntax-error",
                "undecodable PDU reported",
            );
        }
    }
    if let Some(d) = link.peer.down_text() {
        out.finding(
            Verdict::Fail,
            s.clause(clause::TRANSFER_SYNTAX),
            format!("the association went down after a malformed PDU: {d}"),
        );
    }
    health(&link.peer, s, &mut out);
    out
}

fn unknown_procedure(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut link) = connect(s, port, &mut out) else {
        return out;
    };
    let mark = link.peer.mark();
    link.peer.send(&peer::unknown_procedure(Criticality::Reject));
    match link.peer.wait_name(link.peer.now() + SECOND, &["ErrorIndication"]) {
        None => out.finding(
            Verdict::Fail,
            s.clause(clause::UNKNOWN_PROCEDURE),
            format!(
                "no Error Indication within 1 s of an initiating message of unknown procedure code 200 with criticality reject (10.3.4.1: reject it and report); the node sent {}{}",
                link.peer.seen_since(mark),
                link.peer.down_text().map(|d| format!("; association down: {d}")).unwrap_or_default()
            ),
        ),
        Some(i) => {
            let e = link.peer.rx[i].clone();
            expect_cause(
                &mut out,
                s.clause(clause::UNKNOWN_PROCEDURE),
                &e,
                &[Cause::Protocol(CauseProtocol::AbstractSyntaxErrorReject)],
                "protocol/abstract-syntax-error-reject",
                "unknown procedure code 200 reported",
            );
        }
    }
    still_answers(&mut link.peer, s, &mut out, "after an unknown procedure code");
    health(&link.peer, s, &mut out);
    out
}

fn transaction_id_reused(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut link) = connect(s, port, &mut out) else {
        return out;
    };
    let tid = link.peer.tid();
    let mark = link.peer.mark();
    let reset = peer::reset_request(s.version, tid);
    link.peer.send(&reset);
    link.peer.send(&reset);
    link.peer.idle(link.peer.now() + SECOND);
    let got = link.peer.since(mark);
    let responses = got
        .iter()
        .filter(|r| r.is("ResetResponse") && r.transaction_id() == Some(tid))
        .count();
    let ei = got.iter().find(|r| r.is("ErrorIndication"));
    match (responses, ei) {
        (0, _) => out.finding(
            Verdict::Fail,
            s.clause(clause::RESET),
            format!("no RESET RESPONSE with transaction ID {tid} within 1 s; the node sent {}", link.peer.seen_since(mark)),
        ),
        (1, Some(e)) => out.finding(
            Verdict::Pass,
            s.clause(clause::LOGICAL_ERROR),
            format!(
                "the second Reset with transaction ID {tid}, still in use, was refused ({}); one RESET RESPONSE",
                e.describe()
            ),
        ),
        (1, None) => out.finding(
            Verdict::Fail,
            s.clause(clause::LOGICAL_ERROR),
            format!("the second Reset with transaction ID {tid}, still in use, was dropped without an Error Indication"),
        ),
        (n, _) => out.finding(
            Verdict::Fail,
            s.clause(clause::LOGICAL_ERROR),
            format!(
                "the node ran a second Reset with transaction ID {tid} while the first was in use ({n} RESET RESPONSEs); it shall refuse it (10.4)"
            ),
        ),
    }
    health(&link.peer, s, &mut out);
    out
}

fn oversized_indication(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut link) = connect(s, port, &mut out) else {
        return out;
    };
    let Some(kpm_fid) = kpm_or_inconclusive(&link, s, &mut out) else {
        return out;
    };
    let rid = link.peer.rid();
    let period_ms = 20_000u32;
    let granularity_ms = 1u32;
    let action = peer::kpm_report(1, &link.measurements, granularity_ms);
    let Some(a) = subscribe(
        &mut link,
        s,
        &mut out,
        &SubReq {
            rid,
            function: kpm_fid,
            period_ms,
            actions: &[action],
            extra: None,
        },
    ) else {
        return out;
    };
    if !link.peer.rx[a].is("RICsubscriptionResponse") {
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::INDICATION),
            format!(
                "the 20 s / 1 ms subscription was answered by {}: no large indication to judge",
                link.peer.rx[a].describe()
            ),
        );
        return out;
    }
    let Some(i) = link
        .peer
        .wait_for(link.peer.now() + 21_500 * MS, |r| r.is("RICindication"))
    else {
        out.finding(
            Verdict::Fail,
            s.clause(clause::INDICATION),
            "no RIC Indication within 21.5 s of a subscription with a 20 s reporting period",
        );
        return out;
    };
    let ind = link.peer.rx[i].clone();
    out.measure(
        "indication_size",
        "size of the RIC Indication (20 s period, 1 ms granularity)",
        "count",
        vec![ind.bytes.len() as f64],
    );
    if ind.bytes.len() <= 65_536 {
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::INDICATION),
            format!("the indication was {} octets, not over 64 KB", ind.bytes.len()),
        );
        return out;
    }
    let Some(E2apPdu::InitiatingMessage(m)) = &ind.pdu else {
        out.finding(
            Verdict::Fail,
            s.clause(clause::INDICATION),
            format!(
                "the {}-octet RIC Indication does not decode as an E2AP PDU: {}",
                ind.bytes.len(),
                ind.error.clone().unwrap_or_default()
            ),
        );
        return out;
    };
    let InitiatingMessageValue::RicIndication(r) = &m.value else {
        return out;
    };
    let want = (period_ms / granularity_ms) as usize;
    let message = r.ric_indication_message().map(|x| x.to_vec()).unwrap_or_default();
    match sm::decode_kpm_indication_message(&message) {
        Ok(rep) if rep.records.len() == want => out.finding(
            Verdict::Pass,
            s.clause(clause::INDICATION),
            format!(
                "{}-octet RIC Indication arrived whole: E2SM-KPM message of {} octets decodes, {want} periods of {} measurement(s)",
                ind.bytes.len(),
                message.len(),
                rep.measurements.len()
            ),
        ),
        Ok(rep) => out.finding(
            Verdict::Fail,
            s.clause(clause::INDICATION),
            format!(
                "the {}-octet RIC Indication reports {} granularity periods, a 20 s period at 1 ms has {want}",
                ind.bytes.len(),
                rep.records.len()
            ),
        ),
        Err(e) => out.finding(
            Verdict::Fail,
            s.clause(clause::INDICATION),
            format!(
                "the {}-octet RIC Indication's E2SM-KPM message ({} octets) does not decode: {e} (cut short at 64 KB?)",
                ind.bytes.len(),
                message.len()
            ),
        ),
    }
    link.peer.send(&peer::delete_request(s.version, rid, kpm_fid));
    health(&link.peer, s, &mut out);
    out
}

fn version_skew(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    // Not through `connect`: judged whether or not the node takes the
    // harness's answers, as a skewed node may never get set up.
    let mut peer = Peer::new(port, s.version, s.ppid);
    let Some(i) = await_request(&mut peer, s, &mut out) else {
        return out;
    };
    if let Some(r) = setup_request_of(&peer.rx[i]) {
        let mark = peer.mark();
        peer.send(&peer::setup_response(s.version, &r));
        peer.idle(peer.now() + 100 * MS);
        let taken = !peer.since(mark).iter().any(|x| x.is("ErrorIndication"));
        let kpm = peer::offered_functions(&r)
            .iter()
            .find(|f| f.2 == Some(ServiceModel::Kpm))
            .map(|f| f.0);
        if taken && let Some(kpm_fid) = kpm {
            let rid = peer.rid();
            let m = kpm_measurements(&r, kpm_fid).unwrap_or_else(|| vec!["RRU.PrbTotDl".to_string()]);
            let action = peer::kpm_report(1, &m, 1000);
            if let Some(req) = peer::subscription_request(s.version, rid, kpm_fid, 1000, &[action], None) {
                peer.send(&req);
            }
            peer.idle(peer.now() + 1_500 * MS);
        }
    }
    let mut first_bad: Option<(String, String, Vec<E2apVersion>)> = None;
    let mut bad = 0;
    for r in &peer.rx {
        let (valid, why) = peer::version_report(s.version, &r.bytes);
        if let Some(w) = why {
            bad += 1;
            if first_bad.is_none() {
                first_bad = Some((r.name().to_string(), w, valid));
            }
        }
    }
    let n = peer.rx.len();
    match first_bad {
        Some((name, why, valid)) => out.finding(
            Verdict::Fail,
            s.clause(clause::ASN1),
            format!(
                "version skew: the harness (near-RT RIC) used E2AP {}, the node's {name} is valid under {} only; it parts from {} here: {why} ({bad} of {n} node messages not valid under {})",
                s.version,
                peer::labels(&valid),
                s.version,
                s.version
            ),
        ),
        None => out.finding(
            Verdict::Pass,
            s.clause(clause::ASN1),
            format!(
                "all {n} node messages are valid under E2AP {} (the version under test)",
                s.version
            ),
        ),
    }
    health(&peer, s, &mut out);
    out
}

//! Cases for a near-RT RIC under test; the harness plays one E2 node
//! offering E2SM-KPM (function 2) and E2SM-RC (function 3). Each judges
//! against the E2AP clause named where the check is made.

use super::peer::{self, MS, Peer, Rx, SECOND, cause_name};
use super::{Case, E2Case, E2Port, E2Setup, E2Side, SimNeeds, always, clause, e2ap, needs_transaction_id};
use crate::case::Outcome;
use crate::model::{Applicability, CaseMeta, SpecRef, Status, Verdict};
use codecs::e2ap::{
    Cause, CauseProtocol, CauseRicRequest, Criticality, E2apPdu, E2apVersion, InitiatingMessageValue,
    RicActionToBeSetupItemIes, UnsuccessfulOutcomeValue,
};
use sim::e2::proto::{ReqId, time_to_wait};
use sim::e2::sm;
use std::sync::Arc;

pub(super) fn all() -> Vec<Arc<dyn E2Case>> {
    let c = |id, number, title, purpose, cl, status, tags, applies, needs, run| -> Arc<dyn E2Case> {
        Arc::new(Case {
            meta: CaseMeta {
                id,
                number,
                title,
                purpose,
                clause: e2ap(cl),
                class: "E2R",
                status,
                tags,
            },
            side: E2Side::Ric,
            applies,
            needs,
            run,
        })
    };
    let none = SimNeeds::default();
    let refuse = SimNeeds {
        ric_refuses_first_setup: true,
    };
    use Status::*;
    vec![
        c(
            "E2.RIC.SETUP.01",
            "3.1.1",
            "E2 Setup accepted with a well-formed response",
            "A well-formed E2 SETUP REQUEST is answered by an E2 SETUP RESPONSE valid under the version under test, echoing the transaction ID (from v02.03 on) and answering for every RAN function offered.",
            clause::SETUP_OK,
            Mandatory,
            &["setup", "asn1"],
            always,
            none,
            setup_accepted,
        ),
        c(
            "E2.RIC.SETUP.02",
            "3.1.2",
            "Time To Wait given with a setup refusal",
            "A RIC that refuses E2 Setup (the lab configures it to refuse the first attempt) gives a Time To Wait, so that the node knows when to retry.",
            clause::SETUP_FAIL,
            Optional,
            &["setup", "negative", "timer"],
            always,
            refuse,
            time_to_wait_given,
        ),
        c(
            "E2.RIC.SETUP.03",
            "3.1.3",
            "Early setup retry refused",
            "An E2 SETUP REQUEST retried before the Time To Wait the RIC gave has passed is refused again; one after it is accepted.",
            clause::SETUP_FAIL,
            Mandatory,
            &["setup", "negative", "timer"],
            always,
            refuse,
            early_retry_refused,
        ),
        c(
            "E2.RIC.SUB.01",
            "3.2.1",
            "Subscription requests well-formed with unique RIC request IDs",
            "The RIC's RIC SUBSCRIPTION REQUESTs are valid under the version under test, name a RAN function the node offered with an E2SM-KPM event trigger and action definitions that decode, and never give two subscriptions of the node the same RIC request ID.",
            clause::SUBSCRIPTION,
            Mandatory,
            &["subscription", "e2sm-kpm"],
            needs_subscriptions,
            none,
            subscription_well_formed,
        ),
        c(
            "E2.RIC.ERR.01",
            "3.3.1",
            "Error Indication survived",
            "An ERROR INDICATION from the node neither brings the association down nor stops the RIC answering.",
            clause::ERROR_INDICATION,
            Mandatory,
            &["error-indication", "negative", "robustness"],
            always,
            none,
            error_indication_survived,
        ),
        c(
            "E2.RIC.ERR.02",
            "3.3.2",
            "Malformed PDU answered by Error Indication",
            "An E2AP PDU that cannot be decoded is answered by an ERROR INDICATION with cause protocol/transfer-syntax-error.",
            clause::TRANSFER_SYNTAX,
            Mandatory,
            &["error-indication", "negative"],
            always,
            none,
            malformed_pdu,
        ),
        c(
            "E2.RIC.CRIT.01",
            "3.4.1",
            "Unknown IE with criticality reject",
            "An E2 SETUP REQUEST carrying a not comprehended IE with criticality reject is refused (E2 SETUP FAILURE or Error Indication) with cause protocol/abstract-syntax-error-reject.",
            clause::UNKNOWN_IE,
            Mandatory,
            &["criticality", "negative"],
            always,
            none,
            unknown_ie_reject,
        ),
        c(
            "E2.RIC.CRIT.02",
            "3.4.2",
            "Unknown IE with criticality notify",
            "An E2 SETUP REQUEST carrying a not comprehended IE with criticality notify is accepted, and the IE is reported by an ERROR INDICATION with cause protocol/abstract-syntax-error-ignore-and-notify.",
            clause::UNKNOWN_IE,
            Mandatory,
            &["criticality", "negative", "error-indication"],
            always,
            none,
            unknown_ie_notify,
        ),
        c(
            "E2.RIC.CRIT.03",
            "3.4.3",
            "Unknown IE with criticality ignore",
            "An E2 SETUP REQUEST carrying a not comprehended IE with criticality ignore is accepted without an Error Indication.",
            clause::UNKNOWN_IE,
            Mandatory,
            &["criticality", "negative"],
            always,
            none,
            unknown_ie_ignore,
        ),
        c(
            "E2.RIC.ERR.03",
            "3.3.3",
            "Unknown procedure code",
            "An initiating message of a procedure code the RIC does not know, with criticality reject, is answered by an ERROR INDICATION with cause protocol/abstract-syntax-error-reject; the RIC keeps answering.",
            clause::UNKNOWN_PROCEDURE,
            Mandatory,
            &["error-indication", "negative", "robustness"],
            always,
            none,
            unknown_procedure,
        ),
        c(
            "E2.RIC.ERR.04",
            "3.3.4",
            "Transaction ID reused while in use",
            "A second RIC SERVICE UPDATE with the transaction ID of one the RIC is still processing is not run as a new procedure: one acknowledgement, and an Error Indication for the second.",
            clause::LOGICAL_ERROR,
            Mandatory,
            &["transaction-id", "negative"],
            needs_transaction_id,
            none,
            transaction_id_reused,
        ),
        c(
            "E2.RIC.IND.01",
            "3.5.1",
            "Indication over 64 KB accepted",
            "A RIC INDICATION of an active subscription larger than 64 KB (20 000 granularity periods of E2SM-KPM) is taken without an Error Indication, and the RIC keeps answering.",
            clause::INDICATION,
            Mandatory,
            &["indication", "oversized", "e2sm-kpm"],
            needs_subscriptions,
            none,
            oversized_indication,
        ),
        c(
            "E2.RIC.RESET.01",
            "3.6.1",
            "Reset from the node clears the subscriptions",
            "A RESET REQUEST from the node is answered by a RESET RESPONSE, after which the RIC no longer knows the node's subscriptions: an indication of one draws an Error Indication with cause ricRequest/request-id-unknown.",
            clause::RESET,
            Mandatory,
            &["reset", "subscription", "negative"],
            needs_subscriptions,
            none,
            reset_clears_subscriptions,
        ),
        c(
            "E2.RIC.VER.01",
            "3.7.1",
            "Messages follow the claimed E2AP version",
            "Every message the RIC sends during setup and subscription is valid under the E2AP version under test; otherwise the report names the versions each side used and the first IE where they part.",
            clause::ASN1,
            Mandatory,
            &["version", "asn1"],
            always,
            none,
            version_skew,
        ),
    ]
}

fn needs_subscriptions(s: &E2Setup) -> Applicability {
    if s.pics.ric_subscribes_after_setup {
        Applicability::Required
    } else {
        Applicability::NotApplicable("the RIC is not claimed to subscribe to a node once it is set up".into())
    }
}

// ---- the harness as E2 node: common steps ----------------------------------------------

fn health(peer: &Peer<'_>, s: &E2Setup, out: &mut Outcome) {
    if let Some(e) = &peer.port_error {
        out.finding(
            Verdict::Error,
            s.clause(clause::ERROR_HANDLING),
            format!("test bed: {e}"),
        );
    }
}

/// Send E2 Setup (with an extra IE of criticality `extra`) and wait for its answer.
fn send_setup(peer: &mut Peer<'_>, s: &E2Setup, out: &mut Outcome, extra: Option<Criticality>) -> Option<usize> {
    let tid = peer.tid();
    let Some(req) = peer::setup_request(s.version, tid, extra) else {
        out.finding(
            Verdict::Error,
            s.clause(clause::SETUP),
            "the harness could not build its E2 Setup Request",
        );
        return None;
    };
    let mark = peer.mark();
    peer.send(&req);
    let i = peer.wait_name(
        peer.now() + 2 * SECOND,
        &["E2setupResponse", "E2setupFailure", "ErrorIndication"],
    );
    if i.is_none() && peer.port_error.is_none() {
        let mut why = format!(
            "no answer to E2 Setup Request within 2 s (8.3.1.2); the RIC sent {}",
            peer.seen_since(mark)
        );
        if let Some(d) = peer.down_text() {
            why.push_str(&format!("; association down: {d}"));
        }
        out.finding(Verdict::Fail, s.clause(clause::SETUP), why);
    }
    i
}

/// E2 Setup accepted; inconclusive otherwise (the case could not start).
fn connect<'p>(s: &E2Setup, port: &'p mut dyn E2Port, out: &mut Outcome) -> Option<Peer<'p>> {
    let mut peer = Peer::new(port, s.version, s.ppid);
    let mut probe = Outcome::default();
    let i = send_setup(&mut peer, s, &mut probe, None);
    match i {
        Some(i) if peer.rx[i].is("E2setupResponse") => Some(peer),
        Some(i) => {
            out.finding(
                Verdict::Inconclusive,
                s.clause(clause::SETUP),
                format!(
                    "the RIC did not accept E2 Setup ({}), so the case could not run",
                    peer.rx[i].describe()
                ),
            );
            None
        }
        None => {
            let why = probe.findings.first().map(|f| f.message.clone()).unwrap_or_default();
            let v = if peer.port_error.is_some() {
                Verdict::Error
            } else {
                Verdict::Inconclusive
            };
            out.finding(
                v,
                s.clause(clause::SETUP),
                format!("the RIC could not be set up: {why}"),
            );
            None
        }
    }
}

/// A subscription the RIC asked for and the harness accepted.
struct Sub {
    rid: ReqId,
    function: u16,
    actions: Vec<u8>,
    idx: usize,
}

fn subscription_of(r: &Rx) -> Option<Sub> {
    let Some(E2apPdu::InitiatingMessage(m)) = &r.pdu else {
        return None;
    };
    let InitiatingMessageValue::RicSubscriptionRequest(x) = &m.value else {
        return None;
    };
    let (rid, function) = r.request()?;
    let actions = x
        .ric_subscription_details()
        .map(|d| {
            d.ric_action_to_be_setup_list
                .iter()
                .filter_map(|a| match &a.value {
                    RicActionToBeSetupItemIes::RicActionToBeSetupItem(a) => Some(a.ric_action_id),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Sub {
        rid,
        function,
        actions,
        idx: 0,
    })
}

/// Wait for the RIC's subscription and accept it; inconclusive when none comes.
fn await_subscription(peer: &mut Peer<'_>, s: &E2Setup, out: &mut Outcome) -> Option<Sub> {
    let Some(i) = peer.wait_name(peer.now() + 2 * SECOND, &["RICsubscriptionRequest"]) else {
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::SUBSCRIPTION),
            format!(
                "the RIC sent no RIC Subscription Request within 2 s of E2 Setup{}",
                peer.down_text()
                    .map(|d| format!(" (association down: {d})"))
                    .unwrap_or_default()
            ),
        );
        return None;
    };
    let Some(mut sub) = subscription_of(&peer.rx[i]) else {
        out.finding(
            Verdict::Fail,
            s.clause(clause::SUBSCRIPTION),
            format!(
                "the RIC's RIC Subscription Request cannot be read: {}",
                peer.rx[i].error.clone().unwrap_or_default()
            ),
        );
        return None;
    };
    sub.idx = i;
    let resp = peer::subscription_response(s.version, sub.rid, sub.function, &sub.actions);
    peer.send(&resp);
    peer.idle(peer.now() + 50 * MS);
    Some(sub)
}

/// The RIC still answers: a RIC Service Update must draw an acknowledgement
/// (or failure) within 2 s.
fn still_answers(peer: &mut Peer<'_>, s: &E2Setup, out: &mut Outcome, after: &str) {
    if let Some(d) = peer.down_text() {
        out.finding(
            Verdict::Fail,
            s.clause(clause::ERROR_HANDLING),
            format!("the association went down {after}: {d}"),
        );
        return;
    }
    let tid = peer.tid();
    let mark = peer.mark();
    peer.send(&peer::service_update(s.version, tid));
    match peer.wait_name(
        peer.now() + 2 * SECOND,
        &["RICserviceUpdateAcknowledge", "RICserviceUpdateFailure"],
    ) {
        Some(i) => out.finding(
            Verdict::Pass,
            s.clause(clause::SERVICE_UPDATE),
            format!(
                "{after}, the RIC still answered a RIC Service Update ({})",
                peer.rx[i].name()
            ),
        ),
        None => {
            let mut why = format!(
                "{after}, the RIC no longer answered: nothing within 2 s of a RIC Service Update (8.3.4), it sent {}",
                peer.seen_since(mark)
            );
            if let Some(d) = peer.down_text() {
                why.push_str(&format!("; association down: {d}"));
            }
            out.finding(Verdict::Fail, s.clause(clause::ERROR_HANDLING), why);
        }
    }
}

fn expect_cause(out: &mut Outcome, clause: SpecRef, rx: &Rx, want: Cause<'static>, what: &str) {
    match rx.cause() {
        Some(c) if c == want => out.finding(
            Verdict::Pass,
            clause,
            format!("{what}: {} with cause {}", rx.name(), cause_name(&c)),
        ),
        other => out.finding(
            Verdict::Fail,
            clause,
            format!(
                "{what}: {} with cause {}, want {}",
                rx.name(),
                other.map_or("none".into(), |c| cause_name(&c)),
                cause_name(&want)
            ),
        ),
    }
}

// ---- cases ----------------------------------------------------------------------------

fn setup_accepted(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let mut peer = Peer::new(port, s.version, s.ppid);
    let Some(i) = send_setup(&mut peer, s, &mut out, None) else {
        health(&peer, s, &mut out);
        return out;
    };
    let rx = peer.rx[i].clone();
    if !rx.is("E2setupResponse") {
        out.finding(
            Verdict::Fail,
            s.clause(clause::SETUP_OK),
            format!("a well-formed E2 Setup Request was answered by {}", rx.describe()),
        );
        return out;
    }
    let (valid, why) = peer::version_report(s.version, &rx.bytes);
    match why {
        None => out.finding(
            Verdict::Pass,
            s.clause(clause::SETUP_OK),
            format!(
                "E2 Setup Response valid under E2AP {} with every mandatory IE (valid under: {})",
                s.version,
                peer::labels(&valid)
            ),
        ),
        Some(w) => out.finding(
            Verdict::Fail,
            s.clause(clause::ASN1),
            format!(
                "E2 Setup Response is not valid under E2AP {}: {w}; it is valid under {}",
                s.version,
                peer::labels(&valid)
            ),
        ),
    }
    if s.version >= E2apVersion::V2_03 {
        let want = peer.last_tid();
        if rx.transaction_id() != Some(want) {
            out.finding(
                Verdict::Fail,
                s.clause(clause::SETUP_OK),
                format!(
                    "E2 Setup Response carries transaction ID {:?}, the request's was {want}",
                    rx.transaction_id()
                ),
            );
        }
    }
    if let Some(E2apPdu::SuccessfulOutcome(m)) = &rx.pdu
        && let codecs::e2ap::SuccessfulOutcomeValue::E2setupResponse(r) = &m.value
    {
        let ids = |l: Option<Vec<u16>>| l.unwrap_or_default();
        let accepted = ids(r.ran_functions_accepted().map(|l| {
            l.iter()
                .filter_map(|i| match &i.value {
                    codecs::e2ap::RanFunctionIdItemIes::RanFunctionIdItem(x) => Some(x.ran_function_id),
                    _ => None,
                })
                .collect()
        }));
        let rejected = ids(r.ran_functions_rejected().map(|l| {
            l.iter()
                .filter_map(|i| match &i.value {
                    codecs::e2ap::RanFunctionIdCauseItemIes::RanFunctionIeCauseItem(x) => Some(x.ran_function_id),
                    _ => None,
                })
                .collect()
        }));
        let unanswered: Vec<u16> = [peer::HARNESS_KPM_FUNCTION, peer::HARNESS_RC_FUNCTION]
            .into_iter()
            .filter(|f| !accepted.contains(f) && !rejected.contains(f))
            .collect();
        if unanswered.is_empty() {
            out.finding(
                Verdict::Pass,
                s.clause(clause::SETUP_OK),
                format!("RAN functions accepted {accepted:?}, rejected {rejected:?}"),
            );
        } else {
            out.finding(
                Verdict::Fail,
                s.clause(clause::SETUP_OK),
                format!(
                    "E2 Setup Response neither accepts nor rejects offered RAN function(s) {unanswered:?} (accepted {accepted:?}, rejected {rejected:?})"
                ),
            );
        }
    }
    peer.idle(peer.now() + 200 * MS);
    if let Some(e) = peer.rx.iter().find(|r| r.is("ErrorIndication")) {
        out.finding(
            Verdict::Fail,
            s.clause(clause::SETUP_OK),
            format!("the RIC answered a well-formed E2 Setup Request with {}", e.describe()),
        );
    }
    health(&peer, s, &mut out);
    out
}

fn failure_ttw(r: &Rx) -> Option<codecs::e2ap::TimeToWait> {
    match r.pdu.as_ref()? {
        E2apPdu::UnsuccessfulOutcome(m) => match &m.value {
            UnsuccessfulOutcomeValue::E2setupFailure(f) => f.time_to_wait().copied(),
            _ => None,
        },
        _ => None,
    }
}

fn time_to_wait_given(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let mut peer = Peer::new(port, s.version, s.ppid);
    let Some(i) = send_setup(&mut peer, s, &mut out, None) else {
        health(&peer, s, &mut out);
        return out;
    };
    let rx = peer.rx[i].clone();
    if !rx.is("E2setupFailure") {
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::SETUP_FAIL),
            format!(
                "the RIC answered the first E2 Setup with {}; it must be configured to refuse one to judge this",
                rx.describe()
            ),
        );
        return out;
    }
    match failure_ttw(&rx) {
        Some(t) => out.finding(
            Verdict::Pass,
            s.clause(clause::SETUP_FAIL),
            format!(
                "E2 Setup refused ({}) with Time To Wait {} s",
                rx.cause().map_or("no cause".into(), |c| cause_name(&c)),
                time_to_wait(t) / SECOND
            ),
        ),
        None => out.finding(
            Verdict::Fail,
            s.clause(clause::SETUP_FAIL),
            format!(
                "E2 Setup refused ({}) without a Time To Wait: the node is left to retry at will",
                rx.cause().map_or("no cause".into(), |c| cause_name(&c))
            ),
        ),
    }
    health(&peer, s, &mut out);
    out
}

fn early_retry_refused(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let mut peer = Peer::new(port, s.version, s.ppid);
    let Some(i) = send_setup(&mut peer, s, &mut out, None) else {
        health(&peer, s, &mut out);
        return out;
    };
    let rx = peer.rx[i].clone();
    let Some(ttw) = failure_ttw(&rx).map(time_to_wait) else {
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::SETUP_FAIL),
            format!(
                "the first E2 Setup was answered by {} without a Time To Wait, so an early retry cannot be made",
                rx.describe()
            ),
        );
        return out;
    };
    // Retry at a quarter of the Time To Wait.
    peer.idle(rx.at + ttw / 4);
    let Some(j) = send_setup(&mut peer, s, &mut out, None) else {
        return out;
    };
    let early = peer.rx[j].clone();
    if early.is("E2setupResponse") {
        out.finding(
            Verdict::Fail,
            s.clause(clause::SETUP_FAIL),
            format!(
                "the RIC accepted an E2 Setup retried {} ms after it gave Time To Wait {} s",
                (early.at - rx.at) / MS,
                ttw / SECOND
            ),
        );
    } else {
        out.finding(
            Verdict::Pass,
            s.clause(clause::SETUP_FAIL),
            format!(
                "an E2 Setup retried {} ms into a Time To Wait of {} s was refused again ({})",
                (early.at - rx.at) / MS,
                ttw / SECOND,
                early.describe()
            ),
        );
        // After the (possibly restarted) wait, setup goes through.
        let wait = failure_ttw(&early).map_or(ttw, time_to_wait);
        peer.idle(early.at + wait + 10 * MS);
        let mut probe = Outcome::default();
        if let Some(k) = send_setup(&mut peer, s, &mut probe, None) {
            let v = if peer.rx[k].is("E2setupResponse") {
                Verdict::Pass
            } else {
                Verdict::Inconclusive
            };
            out.finding(
                v,
                s.clause(clause::SETUP_FAIL),
                format!(
                    "a retry after the Time To Wait was answered by {}",
                    peer.rx[k].describe()
                ),
            );
        }
    }
    health(&peer, s, &mut out);
    out
}

fn subscription_well_formed(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut peer) = connect(s, port, &mut out) else {
        return out;
    };
    let Some(first) = await_subscription(&mut peer, s, &mut out) else {
        return out;
    };
    let rx = peer.rx[first.idx].clone();
    let (valid, why) = peer::version_report(s.version, &rx.bytes);
    if let Some(w) = why {
        out.finding(
            Verdict::Fail,
            s.clause(clause::ASN1),
            format!(
                "RIC Subscription Request not valid under E2AP {}: {w}; valid under {}",
                s.version,
                peer::labels(&valid)
            ),
        );
    }
    if first.function != peer::HARNESS_KPM_FUNCTION && first.function != peer::HARNESS_RC_FUNCTION {
        out.finding(
            Verdict::Fail,
            s.clause(clause::SUBSCRIPTION),
            format!(
                "the RIC subscribed to RAN function {}, which the node never offered",
                first.function
            ),
        );
    }
    if first.function == peer::HARNESS_KPM_FUNCTION
        && let Some(E2apPdu::InitiatingMessage(m)) = &rx.pdu
        && let InitiatingMessageValue::RicSubscriptionRequest(r) = &m.value
        && let Some(d) = r.ric_subscription_details()
    {
        match sm::decode_kpm_event_trigger(&d.ric_event_trigger_definition) {
            Ok(p) => out.finding(
                Verdict::Pass,
                s.clause(clause::SUBSCRIPTION),
                format!(
                    "subscription {:?} to KPM function {}: reporting period {p} ms, {} action(s)",
                    first.rid,
                    first.function,
                    first.actions.len()
                ),
            ),
            Err(e) => out.finding(
                Verdict::Fail,
                s.clause(clause::SUBSCRIPTION),
                format!("the event trigger does not decode as E2SM-KPM v03.00: {e}"),
            ),
        }
        for a in &d.ric_action_to_be_setup_list {
            if let RicActionToBeSetupItemIes::RicActionToBeSetupItem(a) = &a.value
                && let Some(def) = &a.ric_action_definition
                && let Err(e) = sm::decode_kpm_action_definition(def)
            {
                out.finding(
                    Verdict::Fail,
                    s.clause(clause::SUBSCRIPTION),
                    format!(
                        "action {} definition does not decode as E2SM-KPM v03.00: {e}",
                        a.ric_action_id
                    ),
                );
            }
        }
    }
    // A second E2 Setup on the association draws a second subscription.
    let mut probe = Outcome::default();
    let again = send_setup(&mut peer, s, &mut probe, None).is_some_and(|i| peer.rx[i].is("E2setupResponse"));
    let second = if again {
        await_subscription(&mut peer, s, &mut probe)
    } else {
        None
    };
    match second {
        None => out.finding(
            Verdict::Inconclusive,
            s.clause(clause::SUBSCRIPTION),
            "the RIC made no second subscription after a second E2 Setup, so RIC request ID uniqueness could not be judged",
        ),
        Some(b) if b.rid == first.rid => out.finding(
            Verdict::Fail,
            s.clause(clause::SUBSCRIPTION),
            format!(
                "the RIC gave RIC request ID {:?} to two subscriptions of the same E2 node (the RIC request ID identifies one RIC request)",
                b.rid
            ),
        ),
        Some(b) => out.finding(
            Verdict::Pass,
            s.clause(clause::SUBSCRIPTION),
            format!("two subscriptions, RIC request IDs {:?} and {:?}", first.rid, b.rid),
        ),
    }
    health(&peer, s, &mut out);
    out
}

fn error_indication_survived(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut peer) = connect(s, port, &mut out) else {
        return out;
    };
    peer.idle(peer.now() + 100 * MS);
    peer.send(&peer::error_indication(s.version));
    peer.idle(peer.now() + 300 * MS);
    still_answers(&mut peer, s, &mut out, "after an Error Indication (misc/unspecified)");
    health(&peer, s, &mut out);
    out
}

fn malformed_pdu(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut peer) = connect(s, port, &mut out) else {
        return out;
    };
    peer.idle(peer.now() + 100 * MS);
    let mark = peer.mark();
    peer.send_raw(0, peer::MALFORMED.to_vec());
    match peer.wait_name(peer.now() + SECOND, &["ErrorIndication"]) {
        None => out.finding(
            Verdict::Fail,
            s.clause(clause::TRANSFER_SYNTAX),
            format!(
                "no Error Indication within 1 s of an undecodable PDU (10.2); the RIC sent {}",
                peer.seen_since(mark)
            ),
        ),
        Some(i) => {
            let e = peer.rx[i].clone();
            expect_cause(
                &mut out,
                s.clause(clause::TRANSFER_SYNTAX),
                &e,
                Cause::Protocol(CauseProtocol::TransferSyntaxError),
                "undecodable PDU reported",
            );
        }
    }
    health(&peer, s, &mut out);
    out
}

/// First E2 Setup carrying an IE no version defines, with criticality `crit`:
/// the answer and everything within 1 s.
fn setup_with_unknown_ie(
    s: &E2Setup,
    port: &mut dyn E2Port,
    crit: Criticality,
    out: &mut Outcome,
) -> Option<(Rx, Vec<Rx>)> {
    let mut peer = Peer::new(port, s.version, s.ppid);
    let i = send_setup(&mut peer, s, out, Some(crit))?;
    peer.idle(peer.now() + SECOND);
    let ans = peer.rx[i].clone();
    let all = peer.rx.clone();
    health(&peer, s, out);
    Some((ans, all))
}

fn unknown_ie_reject(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some((ans, _)) = setup_with_unknown_ie(s, port, Criticality::Reject, &mut out) else {
        return out;
    };
    if ans.is("E2setupResponse") {
        out.finding(
            Verdict::Fail,
            s.clause(clause::UNKNOWN_IE),
            "the RIC accepted an E2 Setup Request carrying a not comprehended IE (id 999) with criticality reject (10.3.4.2: reject the procedure)",
        );
    } else {
        expect_cause(
            &mut out,
            s.clause(clause::UNKNOWN_IE),
            &ans,
            Cause::Protocol(CauseProtocol::AbstractSyntaxErrorReject),
            "E2 Setup with a not comprehended IE of criticality reject refused",
        );
    }
    out
}

fn unknown_ie_notify(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some((ans, all)) = setup_with_unknown_ie(s, port, Criticality::Notify, &mut out) else {
        return out;
    };
    if !ans.is("E2setupResponse") {
        out.finding(
            Verdict::Fail,
            s.clause(clause::UNKNOWN_IE),
            format!(
                "an E2 Setup Request with a not comprehended IE of criticality notify was answered by {} (10.3.4.2: process it, then report)",
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
        Some(e) => expect_cause(
            &mut out,
            s.clause(clause::UNKNOWN_IE),
            e,
            Cause::Protocol(CauseProtocol::AbstractSyntaxErrorIgnoreAndNotify),
            "IE of criticality notify reported",
        ),
    }
    out
}

fn unknown_ie_ignore(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some((ans, all)) = setup_with_unknown_ie(s, port, Criticality::Ignore, &mut out) else {
        return out;
    };
    if !ans.is("E2setupResponse") {
        out.finding(
            Verdict::Fail,
            s.clause(clause::UNKNOWN_IE),
            format!(
                "an E2 Setup Request with a not comprehended IE of criticality ignore was answered by {}",
                ans.describe()
            ),
        );
    } else if let Some(e) = all.iter().find(|r| r.is("ErrorIndication")) {
        out.finding(
            Verdict::Fail,
            s.clause(clause::UNKNOWN_IE),
            format!("the RIC reported an IE of criticality ignore: {}", e.describe()),
        );
    } else {
        out.finding(
            Verdict::Pass,
            s.clause(clause::UNKNOWN_IE),
            "the IE of criticality ignore was ignored: setup accepted, no Error Indication",
        );
    }
    out
}

fn unknown_procedure(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut peer) = connect(s, port, &mut out) else {
        return out;
    };
    peer.idle(peer.now() + 100 * MS);
    let mark = peer.mark();
    peer.send(&peer::unknown_procedure(Criticality::Reject));
    match peer.wait_name(peer.now() + SECOND, &["ErrorIndication"]) {
        None => out.finding(
            Verdict::Fail,
            s.clause(clause::UNKNOWN_PROCEDURE),
            format!(
                "no Error Indication within 1 s of an unknown procedure code 200 with criticality reject (10.3.4.1); the RIC sent {}{}",
                peer.seen_since(mark),
                peer.down_text().map(|d| format!("; association down: {d}")).unwrap_or_default()
            ),
        ),
        Some(i) => {
            let e = peer.rx[i].clone();
            expect_cause(
                &mut out,
                s.clause(clause::UNKNOWN_PROCEDURE),
                &e,
                Cause::Protocol(CauseProtocol::AbstractSyntaxErrorReject),
                "unknown procedure code 200 reported",
            );
        }
    }
    still_answers(&mut peer, s, &mut out, "after an unknown procedure code");
    health(&peer, s, &mut out);
    out
}

fn transaction_id_reused(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut peer) = connect(s, port, &mut out) else {
        return out;
    };
    peer.idle(peer.now() + 100 * MS);
    let tid = peer.tid();
    let mark = peer.mark();
    let su = peer::service_update(s.version, tid);
    peer.send(&su);
    peer.send(&su);
    peer.idle(peer.now() + SECOND);
    let got = peer.since(mark);
    let acks = got
        .iter()
        .filter(|r| r.is("RICserviceUpdateAcknowledge") && r.transaction_id() == Some(tid))
        .count();
    let ei = got.iter().find(|r| r.is("ErrorIndication"));
    match (acks, ei) {
        (0, _) => out.finding(
            Verdict::Fail,
            s.clause(clause::SERVICE_UPDATE),
            format!(
                "no RIC Service Update Acknowledge with transaction ID {tid} within 1 s; the RIC sent {}",
                peer.seen_since(mark)
            ),
        ),
        (1, Some(e)) => out.finding(
            Verdict::Pass,
            s.clause(clause::LOGICAL_ERROR),
            format!(
                "the second RIC Service Update with transaction ID {tid}, still in use, was refused ({}); one acknowledgement",
                e.describe()
            ),
        ),
        (1, None) => out.finding(
            Verdict::Fail,
            s.clause(clause::LOGICAL_ERROR),
            format!("the second RIC Service Update with transaction ID {tid}, still in use, was dropped without an Error Indication"),
        ),
        (n, _) => out.finding(
            Verdict::Fail,
            s.clause(clause::LOGICAL_ERROR),
            format!(
                "the RIC ran a second RIC Service Update with transaction ID {tid} while the first was in use ({n} acknowledgements); it shall refuse it (10.4)"
            ),
        ),
    }
    health(&peer, s, &mut out);
    out
}

fn oversized_indication(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut peer) = connect(s, port, &mut out) else {
        return out;
    };
    let Some(sub) = await_subscription(&mut peer, s, &mut out) else {
        return out;
    };
    let measurements: Vec<String> = sim::e2::model::MEASUREMENTS.iter().map(|m| m.to_string()).collect();
    let action = sub.actions.first().copied().unwrap_or(1);
    let Some(ind) = peer::kpm_indication(
        s.version,
        (sub.rid, sub.function, action),
        0,
        1_767_225_600_000,
        &measurements,
        1,
        20_000,
    ) else {
        out.finding(
            Verdict::Error,
            s.clause(clause::INDICATION),
            "the harness could not build its indication",
        );
        return out;
    };
    let bytes = match codecs::e2ap::encode(s.version, &ind) {
        Ok(b) => b,
        Err(e) => {
            out.finding(
                Verdict::Error,
                s.clause(clause::INDICATION),
                format!("the harness could not encode its indication: {e}"),
            );
            return out;
        }
    };
    let len = bytes.len();
    if len <= 65_536 {
        out.finding(
            Verdict::Error,
            s.clause(clause::INDICATION),
            format!("the harness's indication is only {len} octets"),
        );
        return out;
    }
    let mark = peer.mark();
    peer.send_raw(1, bytes);
    peer.idle(peer.now() + SECOND);
    match peer.since(mark).iter().find(|r| r.is("ErrorIndication")) {
        Some(e) => out.finding(
            Verdict::Fail,
            s.clause(clause::INDICATION),
            format!(
                "a {len}-octet RIC Indication of active subscription {:?} drew {}",
                sub.rid,
                e.describe()
            ),
        ),
        None => out.finding(
            Verdict::Pass,
            s.clause(clause::INDICATION),
            format!(
                "a {len}-octet RIC Indication of subscription {:?} was taken without an Error Indication",
                sub.rid
            ),
        ),
    }
    still_answers(&mut peer, s, &mut out, "after an indication over 64 KB");
    health(&peer, s, &mut out);
    out
}

fn reset_clears_subscriptions(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let Some(mut peer) = connect(s, port, &mut out) else {
        return out;
    };
    let Some(sub) = await_subscription(&mut peer, s, &mut out) else {
        return out;
    };
    let measurements = vec![sim::e2::model::MEASUREMENTS[0].to_string()];
    let action = sub.actions.first().copied().unwrap_or(1);
    let indication = |sn: u16| {
        peer::kpm_indication(
            s.version,
            (sub.rid, sub.function, action),
            sn,
            1_767_225_600_000,
            &measurements,
            1000,
            1,
        )
    };
    let (Some(before), Some(after)) = (indication(0), indication(1)) else {
        out.finding(
            Verdict::Error,
            s.clause(clause::RESET),
            "the harness could not build its indications",
        );
        return out;
    };
    // Sanity: the subscription is live before the Reset.
    let mark = peer.mark();
    peer.send(&before);
    peer.idle(peer.now() + 300 * MS);
    if let Some(e) = peer.since(mark).iter().find(|r| r.is("ErrorIndication")) {
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::RESET),
            format!(
                "an indication of the live subscription {:?} already drew {}",
                sub.rid,
                e.describe()
            ),
        );
        return out;
    }
    let tid = peer.tid();
    peer.send(&peer::reset_request(s.version, tid));
    let Some(r) = peer.wait_name(peer.now() + 2 * SECOND, &["ResetResponse"]) else {
        out.finding(
            Verdict::Fail,
            s.clause(clause::RESET),
            "no RESET RESPONSE within 2 s of the node's RESET REQUEST",
        );
        return out;
    };
    if s.version >= E2apVersion::V2_03 && peer.rx[r].transaction_id() != Some(tid) {
        out.finding(
            Verdict::Fail,
            s.clause(clause::RESET),
            format!(
                "RESET RESPONSE carries transaction ID {:?}, the request's was {tid}",
                peer.rx[r].transaction_id()
            ),
        );
    }
    let mark = peer.mark();
    peer.send(&after);
    peer.idle(peer.now() + SECOND);
    match peer.since(mark).iter().find(|r| r.is("ErrorIndication")) {
        Some(e) if e.cause() == Some(Cause::RicRequest(CauseRicRequest::RequestIdUnknown)) => out.finding(
            Verdict::Pass,
            s.clause(clause::RESET),
            format!(
                "after the Reset, an indication of subscription {:?} drew {}: the subscription is gone",
                sub.rid,
                e.describe()
            ),
        ),
        Some(e) => out.finding(
            Verdict::Pass,
            s.clause(clause::RESET),
            format!(
                "after the Reset, an indication of subscription {:?} was objected to ({}), though not with ricRequest/request-id-unknown",
                sub.rid,
                e.describe()
            ),
        ),
        None => out.finding(
            Verdict::Fail,
            s.clause(clause::RESET),
            format!(
                "after the Reset, the RIC took an indication of subscription {:?} without objection: it kept the subscription the Reset erased (8.3.2)",
                sub.rid
            ),
        ),
    }
    health(&peer, s, &mut out);
    out
}

fn version_skew(s: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    let mut out = Outcome::default();
    let mut peer = Peer::new(port, s.version, s.ppid);
    let mut probe = Outcome::default();
    if send_setup(&mut peer, s, &mut probe, None).is_none() {
        let why = probe.findings.first().map(|f| f.message.clone()).unwrap_or_default();
        out.finding(
            Verdict::Inconclusive,
            s.clause(clause::SETUP),
            format!("nothing to judge: {why}"),
        );
        return out;
    }
    if s.pics.ric_subscribes_after_setup {
        let _ = await_subscription(&mut peer, s, &mut probe);
    }
    peer.idle(peer.now() + 500 * MS);
    let mut first_bad = None;
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
                "version skew: the harness (E2 node) used E2AP {}, the RIC's {name} is valid under {} only; it parts from {} here: {why} ({bad} of {n} RIC messages not valid under {})",
                s.version,
                peer::labels(&valid),
                s.version,
                s.version
            ),
        ),
        None => out.finding(
            Verdict::Pass,
            s.clause(clause::ASN1),
            format!("all {n} RIC messages are valid under E2AP {} (the version under test)", s.version),
        ),
    }
    health(&peer, s, &mut out);
    out
}

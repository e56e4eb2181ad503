//! The harness's own E2AP messages must be valid under the version it
//! speaks, or every verdict built on them is worthless.

use codecs::e2ap::{self, Criticality, E2apPdu, E2apVersion, InitiatingMessageValue, TimeToWait};
use suites::e2::peer::{self, ActionReq};

const VERSIONS: [E2apVersion; 3] = [E2apVersion::V1_00, E2apVersion::V2_03, E2apVersion::V3_01];

fn valid(v: E2apVersion, what: &str, pdu: &E2apPdu<'_>) {
    let b = e2ap::encode(v, pdu).unwrap_or_else(|e| panic!("{what} {v}: {e}"));
    let (ok, why) = peer::version_report(v, &b);
    assert!(
        why.is_none(),
        "{what} not valid under {v}: {why:?} (valid under {ok:?})"
    );
}

#[test]
fn harness_messages_are_valid_under_each_version() {
    for v in VERSIONS {
        let req = peer::setup_request(v, 7, None).unwrap();
        valid(v, "E2setupRequest", &req);
        let E2apPdu::InitiatingMessage(m) = &req else { panic!() };
        let InitiatingMessageValue::E2setupRequest(r) = &m.value else {
            panic!()
        };
        valid(v, "E2setupResponse", &peer::setup_response(v, r));
        valid(v, "E2setupFailure", &peer::setup_failure(v, 7, Some(TimeToWait::V2s)));
        let actions = [peer::kpm_report(1, &["RRU.PrbTotDl".to_string()], 1000)];
        valid(
            v,
            "RICsubscriptionRequest",
            &peer::subscription_request(v, (1, 1), 2, 1000, &actions, None).unwrap(),
        );
        valid(
            v,
            "RICsubscriptionResponse",
            &peer::subscription_response(v, (1, 1), 2, &[1]),
        );
        valid(v, "RICsubscriptionDeleteRequest", &peer::delete_request(v, (1, 1), 2));
        valid(v, "ResetRequest", &peer::reset_request(v, 3));
        valid(v, "RICserviceQuery", &peer::service_query(v, 3));
        valid(v, "RICserviceUpdate", &peer::service_update(v, 3));
        valid(v, "RICserviceUpdateAcknowledge", &peer::service_update_ack(v, 3));
        valid(v, "ErrorIndication", &peer::error_indication(v));
        let ind = peer::kpm_indication(v, ((1, 1), 2, 1), 0, 0, &["RRU.PrbTotDl".to_string()], 1000, 3).unwrap();
        valid(v, "RICindication", &ind);
        let c = sim::e2::sm::RcControl {
            ue_f1ap_id: 1,
            style: sim::e2::sm::RC_STYLE_RADIO_RESOURCE,
            action: sim::e2::sm::RC_ACTION_SLICE_PRB_QUOTA,
            params: vec![(sim::e2::sm::RC_PARAM_MAX_PRB_RATIO, 50)],
        };
        valid(
            v,
            "RICcontrolRequest",
            &peer::control_request(v, (1, 2), 3, &c).unwrap(),
        );
    }
}

#[test]
fn deliberate_defects_are_what_they_claim() {
    for v in VERSIONS {
        // The unknown IE is not valid under any version, and names id 999.
        let actions: Vec<ActionReq> = vec![peer::kpm_report(1, &["RRU.PrbTotDl".to_string()], 1000)];
        let pdu = peer::subscription_request(v, (1, 1), 2, 1000, &actions, Some(Criticality::Reject)).unwrap();
        let b = e2ap::encode(v, &pdu).unwrap();
        let (ok, why) = peer::version_report(v, &b);
        assert!(ok.is_empty(), "{v}: {ok:?}");
        assert!(why.unwrap().contains("999"));
        // The setup response without Global RIC ID misses a mandatory IE.
        let req = peer::setup_request(v, 7, None).unwrap();
        let E2apPdu::InitiatingMessage(m) = &req else { panic!() };
        let InitiatingMessageValue::E2setupRequest(r) = &m.value else {
            panic!()
        };
        let b = e2ap::encode(v, &peer::setup_response_without_ric_id(v, r)).unwrap();
        let why = peer::version_report(v, &b).1.unwrap();
        assert!(why.contains("GlobalRIC-ID"), "{v}: {why}");
        // The malformed PDU decodes under no version.
        assert!(e2ap::valid_versions(peer::MALFORMED).is_empty());
        assert!(e2ap::decode(v, peer::MALFORMED).is_err());
    }
    // Causes are named as the ASN.1 names them.
    let c = e2ap::Cause::RicRequest(e2ap::CauseRicRequest::RanFunctionIdInvalid);
    assert_eq!(peer::cause_name(&c), "ricRequest/ran-function-id-invalid");
    let c = e2ap::Cause::Protocol(e2ap::CauseProtocol::AbstractSyntaxErrorIgnoreAndNotify);
    assert_eq!(peer::cause_name(&c), "protocol/abstract-syntax-error-ignore-and-notify");
}

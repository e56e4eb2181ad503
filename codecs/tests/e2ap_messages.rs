//! The typed E2AP layer on messages built with pycrate (its own E2AP module
//! for v03.01 and the newest set; modules it compiled from the v01.00 and
//! v02.03 ASN.1 for those), so these run without the shared reference tree:
//! byte-identical round trips, typed access, version detection, unknown IEs
//! and procedures, truncation, and errors.

use codecs::ErrorKind;
use codecs::e2ap::{
    self, Cause, CauseRicRequest, Criticality, E2apPdu, E2apVersion, ErrorIndicationIes, GlobalE2nodeId,
    InitiatingMessageValue, Octets, ProtocolIeField, RicIndication, RicIndicationIes, RicIndicationType, RicRequestId,
    SuccessfulOutcomeValue, UnknownIe, ie_id, procedure_code,
};

use E2apVersion::{Latest, V1_00, V2_03, V3_01};

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// v01.00 E2setupRequest: GlobalE2node-ID (gNB, PLMN 00F110, gNB-ID 0x19b/22
/// bits) and one RAN function (id 1, definition 0102, revision 0); no
/// TransactionID.
const V1_SETUP: &str = "00010021000002000300080000f1100000066c000a000e0001000840080000010201020000";
/// The same for v02.03 and later (pycrate encodes it identically from the
/// v02.03 and the newest ASN.1): TransactionID 7, the RAN function with OID
/// 1.3.6.1.4.1.53148.1.2.2.2, one NG component (AMF "amf1").
const V3_SETUP: &str = "0001005a000004003100020007000300080000f1100000066c000a002900000840240000010201020000000018312e\
                        332e362e312e342e312e35333134382e312e322e322e320032001400000033000e000060616d663100020001020002";
/// RICsubscriptionRequest whose action has ricActionExecutionOrder 2 (an
/// extension addition from v03.00).
const V3_SUB_EXEC_ORDER: &str =
    "00080029000003001d00050003fd0003000500020002001e001300021020000013400ac0010002aabb01020002";
/// RICsubscriptionRequest with RICsubscriptionStartTime (IE 62, from v03.00).
const V3_SUB_START_TIME: &str =
    "0008002e000004001d00050003fd0003000500020002001e000c000210200000134003000100003e00080000018bcfe56800";
/// RICsubscriptionModificationRequest (procedure 14) removing action 4.
const V3_SUB_MOD: &str = "000e001d000003001d000500000700010005000200020041400708004240020004";
/// RICsubscriptionAuditRequest (procedure 17, newest set only).
const LATEST_AUDIT: &str = "0011000c000001001d00050000070001";
/// v01.00 RICcontrolAcknowledge with RICcontrolStatus (IE 24) success.
const V1_CONTROL_ACK: &str = "20040017000003001d000500000700010005000200020018000100";
/// RICindication, the same in every version: request 1021/3, function 2,
/// action 1, SN 42, report, header 01020304, message 00..27.
const INDICATION: &str = "00054058000007001d00050003fd0003000500020002000f000101001b0002002a001c000100001900050401020304\
                          001a002928000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627";
/// ErrorIndication: TransactionID 300 (beyond the root 0..255), Cause
/// ricRequest eventTriggerNotSupported (an extension item from v03.00),
/// CriticalityDiagnostics naming IE 62 not understood.
const V3_ERROR_IND: &str = "0002401d000003003100048002012c000140020830000240087408000000003e00";

const ALL: [(&str, &str, &[E2apVersion]); 9] = [
    ("V1_SETUP", V1_SETUP, &[V1_00]),
    ("V3_SETUP", V3_SETUP, &[V2_03, V3_01, Latest]),
    ("V3_SUB_EXEC_ORDER", V3_SUB_EXEC_ORDER, &[V3_01, Latest]),
    ("V3_SUB_START_TIME", V3_SUB_START_TIME, &[V3_01, Latest]),
    ("V3_SUB_MOD", V3_SUB_MOD, &[V3_01, Latest]),
    ("LATEST_AUDIT", LATEST_AUDIT, &[Latest]),
    ("V1_CONTROL_ACK", V1_CONTROL_ACK, &[V1_00]),
    ("INDICATION", INDICATION, &[V1_00, V2_03, V3_01, Latest]),
    ("V3_ERROR_IND", V3_ERROR_IND, &[V3_01, Latest]),
];

#[test]
fn pycrate_built_messages_round_trip_under_their_versions() {
    for (name, hex, versions) in ALL {
        let bytes = unhex(hex);
        for &v in versions {
            let pdu = e2ap::decode(v, &bytes).unwrap_or_else(|e| panic!("{name} under {v}: {e}"));
            assert_eq!(e2ap::encode(v, &pdu).unwrap(), bytes, "{name} under {v}");
        }
    }
}

#[test]
fn detect_version_names_the_versions_each_message_is_valid_under() {
    for (name, hex, versions) in ALL {
        let found = e2ap::valid_versions(&unhex(hex));
        assert_eq!(found, versions, "{name}: {:#?}", e2ap::detect_version(&unhex(hex)));
    }
}

fn divergence(hex: &str, v: E2apVersion) -> String {
    e2ap::detect_version(&unhex(hex))
        .into_iter()
        .find(|(x, _)| *x == v)
        .unwrap()
        .1
        .unwrap_err()
}

#[test]
fn detect_version_says_where_a_message_leaves_a_version() {
    // A v01.00 message under v02.03: the mandatory TransactionID is missing.
    assert_eq!(
        divergence(V1_SETUP, V2_03),
        "TransactionID (IE 49) absent from E2setupRequestIEs: mandatory in v02.03, v03.01, latest; \
         v01.00 has no such IE"
    );
    // A v02+ message under v01.00: TransactionID is the first IE v01.00 does
    // not know.
    assert_eq!(
        divergence(V3_SETUP, V1_00),
        "TransactionID (IE 49) in E2setupRequestIEs: defined in v02.03, v03.01, latest, not in v01.00"
    );
    assert_eq!(
        divergence(V3_SUB_START_TIME, V2_03),
        "RICsubscriptionStartTime (IE 62) in RICsubscriptionRequest-IEs: defined in v03.01, latest, not in v02.03"
    );
    // Inside IE values, the path of IEs leads to the place.
    assert_eq!(
        divergence(V3_SUB_EXEC_ORDER, V2_03),
        "in RICsubscriptionDetails (IE 30) > RICaction-ToBeSetup-Item (IE 19): RICaction-ToBeSetup-Item: extension \
         addition 1 (ricActionExecutionOrder, from v03.01) is not in v02.03"
    );
    assert_eq!(
        divergence(V3_SUB_MOD, V2_03),
        "procedure 14 (ricSubscriptionModification, RICsubscriptionModificationRequest) is defined in v03.01, latest, \
         not in v02.03"
    );
    assert_eq!(
        divergence(LATEST_AUDIT, V3_01),
        "procedure 17 (ricSubscriptionAudit, RICsubscriptionAuditRequest) is defined in latest, not in v03.01"
    );
    assert_eq!(
        divergence(V1_CONTROL_ACK, V3_01),
        "RICcontrolStatus (IE 24) in RICcontrolAcknowledge-IEs: defined in v01.00, not in v03.01"
    );
    assert_eq!(
        divergence(V3_ERROR_IND, V2_03),
        "in Cause (IE 1): CauseRICrequest: extension item 4 (eventTriggerNotSupported, from v03.01) is not in v02.03"
    );
    // Bytes that are no E2AP-PDU at all say so under every version.
    for (v, r) in e2ap::detect_version(&[0x00, 0x01]) {
        assert!(r.unwrap_err().contains("truncated"), "{v}");
    }
}

#[test]
fn lenient_decoding_keeps_what_a_version_does_not_define() {
    // v03.01 IEs under v02.03: the unknown IE is kept raw with its criticality,
    // and the whole message re-encodes identically.
    let bytes = unhex(V3_SUB_START_TIME);
    let pdu = e2ap::decode(V2_03, &bytes).unwrap();
    let E2apPdu::InitiatingMessage(m) = &pdu else { panic!() };
    let InitiatingMessageValue::RicSubscriptionRequest(req) = &m.value else {
        panic!()
    };
    let unknown = req.protocol_ies.last().unwrap();
    assert_eq!(unknown.criticality, Criticality::Reject);
    assert_eq!(
        unknown.value,
        e2ap::RicSubscriptionRequestIes::Unknown(UnknownIe {
            id: 62,
            value: Octets::from(&unhex("0000018bcfe56800")[..]),
        })
    );
    assert_eq!(e2ap::encode(V2_03, &pdu).unwrap(), bytes);
    // Under v03.01 the same IE is typed.
    let pdu = e2ap::decode(V3_01, &bytes).unwrap();
    let E2apPdu::InitiatingMessage(m) = &pdu else { panic!() };
    let InitiatingMessageValue::RicSubscriptionRequest(req) = &m.value else {
        panic!()
    };
    assert_eq!(
        &req.ric_subscription_start_time().unwrap()[..],
        unhex("0000018bcfe56800")
    );

    // A procedure v02.03 does not define is kept raw.
    let bytes = unhex(V3_SUB_MOD);
    let pdu = e2ap::decode(V2_03, &bytes).unwrap();
    let E2apPdu::InitiatingMessage(m) = &pdu else { panic!() };
    let InitiatingMessageValue::Unknown(u) = &m.value else {
        panic!("{pdu:?}")
    };
    assert_eq!(u.procedure_code, procedure_code::RIC_SUBSCRIPTION_MODIFICATION);
    assert_eq!(e2ap::encode(V2_03, &pdu).unwrap(), bytes);

    // An ENUMERATED extension item unknown to v02.03 keeps its index.
    let pdu_bytes = unhex(V3_ERROR_IND);
    let pdu = e2ap::decode(V2_03, &pdu_bytes).unwrap();
    let E2apPdu::InitiatingMessage(m) = &pdu else { panic!() };
    let InitiatingMessageValue::ErrorIndication(ind) = &m.value else {
        panic!()
    };
    assert_eq!(ind.cause(), Some(&Cause::RicRequest(CauseRicRequest::Extension(3))));
    assert_eq!(ind.transaction_id(), Some(&300));
    let pdu3_bytes = unhex(V3_ERROR_IND);
    let pdu3 = e2ap::decode(V3_01, &pdu3_bytes).unwrap();
    let E2apPdu::InitiatingMessage(m) = &pdu3 else { panic!() };
    let InitiatingMessageValue::ErrorIndication(ind) = &m.value else {
        panic!()
    };
    assert_eq!(
        ind.cause(),
        Some(&Cause::RicRequest(CauseRicRequest::EventTriggerNotSupported))
    );
    assert!(matches!(
        ind.protocol_ies[0].value,
        ErrorIndicationIes::TransactionId(300)
    ));
}

#[test]
fn typed_access_to_a_setup_request() {
    let pdu_bytes = unhex(V3_SETUP);
    let pdu = e2ap::decode(V3_01, &pdu_bytes).unwrap();
    assert_eq!(pdu.procedure_code(), Some(procedure_code::E2SETUP));
    assert_eq!(pdu.message_name(), Some("E2setupRequest"));
    let E2apPdu::InitiatingMessage(m) = &pdu else { panic!() };
    assert_eq!(m.procedure_criticality(), Some(Criticality::Reject));
    let InitiatingMessageValue::E2setupRequest(req) = &m.value else {
        panic!()
    };
    assert_eq!(req.transaction_id(), Some(&7));
    let Some(GlobalE2nodeId::Gnb(gnb)) = req.global_e2node_id() else {
        panic!()
    };
    assert_eq!(&gnb.global_gnb_id.plmn_id[..], [0x00, 0xf1, 0x10]);
    let functions = req.ran_functions_added().unwrap();
    assert_eq!(functions.len(), 1);
    assert_eq!(req.protocol_ies[0].id(), ie_id::TRANSACTION_ID);
}

#[test]
fn a_control_acknowledge_of_each_version() {
    let pdu_bytes = unhex(V1_CONTROL_ACK);
    let pdu = e2ap::decode(V1_00, &pdu_bytes).unwrap();
    let E2apPdu::SuccessfulOutcome(m) = &pdu else { panic!() };
    let SuccessfulOutcomeValue::RicControlAcknowledge(ack) = &m.value else {
        panic!()
    };
    assert_eq!(ack.ric_control_status(), Some(&e2ap::RicControlStatus::Success));
    // RICcontrolStatus is a v01.00 IE: encoding it under v03.01 is an error.
    let err = e2ap::encode(V3_01, &pdu).unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Unsupported(_)), "{err}");
}

fn indication(header: &[u8], message: Vec<u8>) -> E2apPdu<'static> {
    let ies: Vec<ProtocolIeField<RicIndicationIes>> = vec![
        RicIndicationIes::RicRequestId(RicRequestId {
            ric_requestor_id: 1021,
            ric_instance_id: 3,
        })
        .into(),
        RicIndicationIes::RanFunctionId(2).into(),
        RicIndicationIes::RicActionId(1).into(),
        RicIndicationIes::RicIndicationSn(42).into(),
        RicIndicationIes::RicIndicationType(RicIndicationType::Report).into(),
        RicIndicationIes::RicIndicationHeader(Octets::from(header.to_vec())).into(),
        RicIndicationIes::RicIndicationMessage(Octets::from(message)).into(),
    ];
    E2apPdu::InitiatingMessage(e2ap::InitiatingMessage {
        criticality: Criticality::Ignore,
        value: InitiatingMessageValue::RicIndication(RicIndication { protocol_ies: ies }),
    })
}

#[test]
fn a_built_indication_encodes_as_pycrate_does_under_every_version() {
    let pdu = indication(&[1, 2, 3, 4], (0..40).collect());
    for v in E2apVersion::ALL {
        assert_eq!(e2ap::encode(v, &pdu).unwrap(), unhex(INDICATION), "{v}");
    }
}

#[test]
fn octet_strings_are_borrowed_from_the_input() {
    let bytes = unhex(INDICATION);
    let pdu = e2ap::decode(V3_01, &bytes).unwrap();
    let E2apPdu::InitiatingMessage(m) = &pdu else { panic!() };
    let InitiatingMessageValue::RicIndication(ind) = &m.value else {
        panic!()
    };
    let msg = ind.ric_indication_message().unwrap();
    assert!(matches!(msg.0, std::borrow::Cow::Borrowed(_)));
    let range = bytes.as_ptr_range();
    assert!(range.contains(&msg.as_ptr()));
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    for (name, hex, versions) in ALL {
        let bytes = unhex(hex);
        for &v in versions {
            for n in 0..bytes.len() {
                let r = e2ap::decode(v, &bytes[..n]);
                assert!(r.is_err(), "{name} under {v} cut to {n} octets decoded: {r:?}");
                let err = r.unwrap_err();
                assert!(err.offset <= n, "{name}: offset {} beyond {n}: {err}", err.offset);
            }
            // detect_version copes as well.
            for n in 0..bytes.len() {
                assert!(e2ap::detect_version(&bytes[..n]).iter().all(|(_, r)| r.is_err()));
            }
        }
    }
}

#[test]
fn errors_name_the_ie_and_the_offset() {
    // INDICATION with the criticality of the RICindicationType IE (octet 35)
    // set to 0xC0: index 3 of an ENUMERATED of three items.
    let mut bytes = unhex(INDICATION);
    assert_eq!(&bytes[33..38], [0x00, 0x1c, 0x00, 0x01, 0x00]);
    bytes[35] = 0xc0;
    let err = e2ap::decode(V3_01, &bytes).unwrap_err();
    assert_eq!(err.offset, 35, "{err}");
    assert_eq!(err.context, "Criticality");
    // An IE length running past the message.
    let mut bytes = unhex(INDICATION);
    bytes[36] = 0x50;
    let err = e2ap::decode(V3_01, &bytes).unwrap_err();
    assert_eq!(err.context, "RICindicationType (IE 28)", "{err}");
    assert!(matches!(err.kind, ErrorKind::BadLength { claimed: 0x50, .. }), "{err}");
}

#[test]
fn json_round_trip_of_each_message() {
    for (name, hex, versions) in ALL {
        let pdu_bytes = unhex(hex);
        let pdu = e2ap::decode(versions[0], &pdu_bytes).unwrap();
        let json = serde_json::to_string(&pdu).unwrap();
        let back: E2apPdu<'static> = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}\n{json}"));
        assert_eq!(back, pdu, "{name}");
        assert_eq!(e2ap::encode(versions[0], &back).unwrap(), unhex(hex), "{name}");
    }
}

#[test]
fn versions_parse_and_print() {
    for v in E2apVersion::ALL {
        assert_eq!(v.to_string().parse::<E2apVersion>(), Ok(v));
    }
    assert_eq!("3".parse::<E2apVersion>(), Ok(V3_01));
    assert_eq!("v2.03".parse::<E2apVersion>(), Ok(V2_03));
    assert!("v4".parse::<E2apVersion>().is_err());
}

//! Properties of the typed E2AP layer: typed PDUs built by proptest round-trip
//! under every version that defines them, unknown IEs survive, truncated or
//! arbitrary input is an error and never a panic.

use std::borrow::Cow;

use codecs::e2ap::aper::BitString;
use codecs::e2ap::random::{self, Rng};
use codecs::e2ap::{
    self, Cause, CauseMisc, CauseProtocol, CauseRicRequest, CauseRicService, CauseTransport, Criticality,
    CriticalityDiagnostics, CriticalityDiagnosticsIeItem, E2apPdu, E2apVersion, E2setupFailure, E2setupFailureIes,
    ErrorIndication, ErrorIndicationIes, InitiatingMessage, InitiatingMessageValue, Octets, ProtocolIeField,
    RicActionToBeSetupItem, RicActionToBeSetupItemIes, RicActionType, RicIndication, RicIndicationIes,
    RicIndicationType, RicRequestId, RicSubscriptionDetails, RicSubscriptionRequest, RicSubscriptionRequestIes,
    RicSubsequentAction, RicSubsequentActionType, RicTimeToWait, TimeToWait, TnlInformation, TypeOfError, UnknownIe,
    UnsuccessfulOutcome, UnsuccessfulOutcomeValue,
};
use proptest::prelude::*;

fn octets() -> impl Strategy<Value = Octets<'static>> {
    prop::collection::vec(any::<u8>(), 0..40).prop_map(Octets::from)
}

fn request_id() -> impl Strategy<Value = RicRequestId> {
    (any::<u16>(), any::<u16>()).prop_map(|(a, b)| RicRequestId {
        ric_requestor_id: a,
        ric_instance_id: b,
    })
}

fn cause() -> impl Strategy<Value = Cause<'static>> {
    prop_oneof![
        (0..14usize).prop_map(|i| Cause::RicRequest(
            [
                CauseRicRequest::RanFunctionIdInvalid,
                CauseRicRequest::ActionNotSupported,
                CauseRicRequest::ExcessiveActions,
                CauseRicRequest::DuplicateAction,
                CauseRicRequest::DuplicateEventTrigger,
                CauseRicRequest::FunctionResourceLimit,
                CauseRicRequest::RequestIdUnknown,
                CauseRicRequest::InconsistentActionSubsequentActionSequence,
                CauseRicRequest::ControlMessageInvalid,
                CauseRicRequest::RicCallProcessIdInvalid,
                CauseRicRequest::ControlTimerExpired,
                CauseRicRequest::ControlFailedToExecute,
                CauseRicRequest::SystemNotReady,
                CauseRicRequest::Unspecified,
            ][i]
        )),
        prop_oneof![
            Just(CauseRicService::ExcessiveFunctions),
            Just(CauseRicService::RicResourceLimit)
        ]
        .prop_map(Cause::RicService),
        prop_oneof![
            Just(CauseTransport::Unspecified),
            Just(CauseTransport::TransportResourceUnavailable)
        ]
        .prop_map(Cause::Transport),
        prop_oneof![
            Just(CauseProtocol::TransferSyntaxError),
            Just(CauseProtocol::SemanticError),
            Just(CauseProtocol::Unspecified)
        ]
        .prop_map(Cause::Protocol),
        prop_oneof![Just(CauseMisc::HardwareFailure), Just(CauseMisc::OmIntervention)].prop_map(Cause::Misc),
    ]
}

fn indication() -> impl Strategy<Value = E2apPdu<'static>> {
    (
        request_id(),
        0..4096u16,
        any::<u8>(),
        proptest::option::of(any::<u16>()),
        any::<bool>(),
        octets(),
        octets(),
        proptest::option::of(octets()),
    )
        .prop_map(|(rid, f, a, sn, insert, header, message, cpid)| {
            let mut ies: Vec<ProtocolIeField<RicIndicationIes>> = vec![
                RicIndicationIes::RicRequestId(rid).into(),
                RicIndicationIes::RanFunctionId(f).into(),
                RicIndicationIes::RicActionId(a).into(),
            ];
            if let Some(sn) = sn {
                ies.push(RicIndicationIes::RicIndicationSn(sn).into());
            }
            let t = if insert {
                RicIndicationType::Insert
            } else {
                RicIndicationType::Report
            };
            ies.push(RicIndicationIes::RicIndicationType(t).into());
            ies.push(RicIndicationIes::RicIndicationHeader(header).into());
            ies.push(RicIndicationIes::RicIndicationMessage(message).into());
            if let Some(c) = cpid {
                ies.push(RicIndicationIes::RicCallProcessId(c).into());
            }
            E2apPdu::InitiatingMessage(InitiatingMessage {
                criticality: Criticality::Ignore,
                value: InitiatingMessageValue::RicIndication(RicIndication { protocol_ies: ies }),
            })
        })
}

/// A RIC subscription request; with `v3`, actions may carry an execution order.
fn subscription(v3: bool) -> impl Strategy<Value = E2apPdu<'static>> {
    let action = (
        any::<u8>(),
        0..3usize,
        proptest::option::of(octets()),
        proptest::option::of((any::<bool>(), 0..17usize)),
        proptest::option::of(0..300i64),
    )
        .prop_map(move |(id, t, def, sub, order)| RicActionToBeSetupItem {
            ric_action_id: id,
            ric_action_type: [RicActionType::Report, RicActionType::Insert, RicActionType::Policy][t],
            ric_action_definition: def,
            ric_subsequent_action: sub.map(|(wait, ttw)| RicSubsequentAction {
                ric_subsequent_action_type: if wait {
                    RicSubsequentActionType::Wait
                } else {
                    RicSubsequentActionType::Continue
                },
                ric_time_to_wait: [
                    RicTimeToWait::W1ms,
                    RicTimeToWait::W2ms,
                    RicTimeToWait::W5ms,
                    RicTimeToWait::W10ms,
                    RicTimeToWait::W20ms,
                    RicTimeToWait::W30ms,
                    RicTimeToWait::W40ms,
                    RicTimeToWait::W50ms,
                    RicTimeToWait::W100ms,
                    RicTimeToWait::W200ms,
                    RicTimeToWait::W500ms,
                    RicTimeToWait::W1s,
                    RicTimeToWait::W2s,
                    RicTimeToWait::W5s,
                    RicTimeToWait::W10s,
                    RicTimeToWait::W20s,
                    RicTimeToWait::W60s,
                ][ttw],
            }),
            ric_action_execution_order: order.filter(|_| v3),
        });
    (request_id(), 0..4096u16, octets(), prop::collection::vec(action, 1..17)).prop_map(|(rid, f, trigger, actions)| {
        let ies: Vec<ProtocolIeField<RicSubscriptionRequestIes>> = vec![
            RicSubscriptionRequestIes::RicRequestId(rid).into(),
            RicSubscriptionRequestIes::RanFunctionId(f).into(),
            RicSubscriptionRequestIes::RicSubscriptionDetails(RicSubscriptionDetails {
                ric_event_trigger_definition: trigger,
                ric_action_to_be_setup_list: actions
                    .into_iter()
                    .map(|a| RicActionToBeSetupItemIes::RicActionToBeSetupItem(a).into())
                    .collect(),
            })
            .into(),
        ];
        E2apPdu::InitiatingMessage(InitiatingMessage {
            criticality: Criticality::Reject,
            value: InitiatingMessageValue::RicSubscriptionRequest(RicSubscriptionRequest { protocol_ies: ies }),
        })
    })
}

fn diagnostics() -> impl Strategy<Value = CriticalityDiagnostics> {
    (
        proptest::option::of(any::<u8>()),
        proptest::option::of(request_id()),
        proptest::option::of(prop::collection::vec((any::<u16>(), any::<bool>()), 1..5)),
    )
        .prop_map(|(pc, rid, items)| CriticalityDiagnostics {
            procedure_code: pc,
            triggering_message: None,
            procedure_criticality: pc.map(|_| Criticality::Reject),
            ric_requestor_id: rid,
            ies_criticality_diagnostics: items.map(|v| {
                v.into_iter()
                    .map(|(id, missing)| CriticalityDiagnosticsIeItem {
                        ie_criticality: Criticality::Notify,
                        ie_id: id,
                        type_of_error: if missing {
                            TypeOfError::Missing
                        } else {
                            TypeOfError::NotUnderstood
                        },
                    })
                    .collect()
            }),
        })
}

/// An ErrorIndication of v02.03 and later: every IE optional.
fn error_indication() -> impl Strategy<Value = E2apPdu<'static>> {
    (
        proptest::option::of(0..100_000i64),
        proptest::option::of(request_id()),
        proptest::option::of(cause()),
        proptest::option::of(diagnostics()),
    )
        .prop_map(|(tid, rid, cause, diag)| {
            let mut ies: Vec<ProtocolIeField<ErrorIndicationIes>> = Vec::new();
            if let Some(t) = tid {
                ies.push(ErrorIndicationIes::TransactionId(t).into());
            }
            if let Some(r) = rid {
                ies.push(ErrorIndicationIes::RicRequestId(r).into());
            }
            if let Some(c) = cause {
                ies.push(ErrorIndicationIes::Cause(c).into());
            }
            if let Some(d) = diag {
                ies.push(ErrorIndicationIes::CriticalityDiagnostics(d).into());
            }
            E2apPdu::InitiatingMessage(InitiatingMessage {
                criticality: Criticality::Ignore,
                value: InitiatingMessageValue::ErrorIndication(ErrorIndication { protocol_ies: ies }),
            })
        })
}

/// E2setupFailure (v02.03 and later), with a TNL address of any size.
fn setup_failure() -> impl Strategy<Value = E2apPdu<'static>> {
    (
        0..256i64,
        cause(),
        proptest::option::of(0..6usize),
        proptest::option::of((1..161usize, any::<[u8; 20]>(), proptest::option::of(any::<u16>()))),
    )
        .prop_map(|(tid, cause, ttw, tnl)| {
            let mut ies: Vec<ProtocolIeField<E2setupFailureIes>> = vec![
                E2setupFailureIes::TransactionId(tid).into(),
                E2setupFailureIes::Cause(cause).into(),
            ];
            if let Some(i) = ttw {
                let t = [
                    TimeToWait::V1s,
                    TimeToWait::V2s,
                    TimeToWait::V5s,
                    TimeToWait::V10s,
                    TimeToWait::V20s,
                ];
                ies.push(E2setupFailureIes::TimeToWait(t[i.min(4)]).into());
            }
            if let Some((bits, raw, port)) = tnl {
                let mut bytes = raw[..bits.div_ceil(8)].to_vec();
                if bits % 8 != 0 {
                    *bytes.last_mut().unwrap() &= 0xff << (8 - bits % 8);
                }
                ies.push(
                    E2setupFailureIes::TnlInformation(TnlInformation {
                        tnl_address: BitString {
                            bytes: Cow::Owned(bytes),
                            bits,
                        },
                        tnl_port: port.map(|p| BitString {
                            bytes: Cow::Owned(p.to_be_bytes().to_vec()),
                            bits: 16,
                        }),
                    })
                    .into(),
                );
            }
            E2apPdu::UnsuccessfulOutcome(UnsuccessfulOutcome {
                criticality: Criticality::Reject,
                value: UnsuccessfulOutcomeValue::E2setupFailure(E2setupFailure { protocol_ies: ies }),
            })
        })
}

fn check(v: E2apVersion, pdu: &E2apPdu<'_>) -> Result<(), TestCaseError> {
    let bytes = e2ap::encode(v, pdu).map_err(|e| TestCaseError::fail(format!("{v}: {e}")))?;
    let back = e2ap::decode(v, &bytes).map_err(|e| TestCaseError::fail(format!("{v}: {e}")))?;
    prop_assert_eq!(&back, pdu);
    prop_assert_eq!(e2ap::encode(v, &back).unwrap(), bytes.clone());
    prop_assert!(e2ap::valid_versions(&bytes).contains(&v));
    for n in 0..bytes.len() {
        prop_assert!(
            e2ap::decode(v, &bytes[..n]).is_err(),
            "{} of {} octets decoded",
            n,
            bytes.len()
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn indications_round_trip_in_every_version(pdu in indication()) {
        for v in E2apVersion::ALL {
            check(v, &pdu)?;
        }
    }

    #[test]
    fn subscription_requests_round_trip(pdu in subscription(false), pdu3 in subscription(true)) {
        for v in E2apVersion::ALL {
            check(v, &pdu)?;
        }
        check(E2apVersion::V3_01, &pdu3)?;
        check(E2apVersion::Latest, &pdu3)?;
    }

    #[test]
    fn error_indications_round_trip(pdu in error_indication()) {
        for v in [E2apVersion::V2_03, E2apVersion::V3_01, E2apVersion::Latest] {
            check(v, &pdu)?;
        }
    }

    #[test]
    fn setup_failures_round_trip(pdu in setup_failure()) {
        for v in [E2apVersion::V2_03, E2apVersion::V3_01, E2apVersion::Latest] {
            check(v, &pdu)?;
        }
    }

    /// An IE the message does not define (here with an id no version uses)
    /// keeps id, criticality and raw value through decode and encode.
    #[test]
    fn unknown_ies_survive(pdu in indication(), id in 200u16.., crit in 0..3usize,
                           raw in prop::collection::vec(any::<u8>(), 1..30), at in 0..8usize) {
        let E2apPdu::InitiatingMessage(mut m) = pdu else { unreachable!() };
        let InitiatingMessageValue::RicIndication(ind) = &mut m.value else { unreachable!() };
        let at = at.min(ind.protocol_ies.len());
        ind.protocol_ies.insert(at, ProtocolIeField {
            criticality: [Criticality::Reject, Criticality::Ignore, Criticality::Notify][crit],
            value: RicIndicationIes::Unknown(UnknownIe { id, value: Octets::from(raw) }),
        });
        let pdu = E2apPdu::InitiatingMessage(m);
        for v in E2apVersion::ALL {
            let bytes = e2ap::encode(v, &pdu).unwrap();
            prop_assert_eq!(&e2ap::decode(v, &bytes).unwrap(), &pdu);
            prop_assert!(e2ap::valid_versions(&bytes).is_empty());
        }
    }

    /// Random PDUs of every message of every version, from the generator
    /// the oracle cross-check also uses.
    #[test]
    fn generated_pdus_round_trip(seed in any::<u64>(), vi in 0..4usize) {
        let v = E2apVersion::ALL[vi];
        let pdu = random::pdu(&mut Rng::new(seed), v);
        check(v, &pdu)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        for v in E2apVersion::ALL {
            if let Ok(pdu) = e2ap::decode(v, &bytes) {
                // Whatever decodes encodes again.
                let _ = e2ap::encode(v, &pdu);
            }
        }
        let _ = e2ap::detect_version(&bytes);
    }

    /// Mutations of valid PDUs reach deeper than random bytes.
    #[test]
    fn mutated_pdus_never_panic(seed in any::<u64>(), vi in 0..4usize, flips in prop::collection::vec((any::<usize>(), any::<u8>()), 1..4)) {
        let v = E2apVersion::ALL[vi];
        let mut bytes = e2ap::encode(v, &random::pdu(&mut Rng::new(seed), v)).unwrap();
        for (i, x) in flips {
            let n = bytes.len();
            bytes[i % n] ^= x;
        }
        for w in E2apVersion::ALL {
            if let Ok(pdu) = e2ap::decode(w, &bytes) {
                let _ = e2ap::encode(w, &pdu);
            }
        }
        let _ = e2ap::detect_version(&bytes);
    }
}

#[test]
fn a_container_claiming_many_ies_fails_before_allocating_for_them() {
    // E2setupRequest whose container says 65535 IEs, with none there.
    let bytes = [0x00, 0x01, 0x00, 0x03, 0x00, 0xff, 0xff];
    let err = e2ap::decode(E2apVersion::V3_01, &bytes).unwrap_err();
    assert_eq!(err.context, "E2setupRequestIEs", "{err}");
    assert!(matches!(err.kind, codecs::ErrorKind::BadLength { .. }), "{err}");
}

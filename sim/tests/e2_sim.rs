//! The simulated E2 node and near-RT RIC wired together in virtual time:
//! the procedures of every version, and for each deliberate fault the
//! misbehaviour a conformance suite would see.

use codecs::e2ap::{
    self, Cause, CauseMisc, CauseProtocol, CauseRicRequest, Criticality, E2apPdu, E2apVersion, E2setupRequestIes,
    E2setupResponse, E2setupResponseIes, ErrorIndication, ErrorIndicationIes, InitiatingMessage,
    InitiatingMessageValue, Octets, ProtocolIeField, ResetRequest, ResetRequestIes, RicActionToBeSetupItem,
    RicActionToBeSetupItemIes, RicActionType, RicServiceUpdate, RicServiceUpdateIes, RicSubscriptionDeleteRequest,
    RicSubscriptionDeleteRequestIes, RicSubscriptionDetails, RicSubscriptionRequest, RicSubscriptionRequestIes,
    SuccessfulOutcomeValue, TimeToWait, UnknownIe, UnknownMessage, UnsuccessfulOutcomeValue,
};
use sim::Nanos;
use sim::e2::proto::{MS, SECOND, ies, ric_request_id};
use sim::e2::ric::{RicActionSpec, SetupState, SubState};
use sim::e2::sm::{self, KpmActionDefinition, RcControl};
use sim::e2::{E2Node, E2NodeConfig, E2Transmit, NearRtRic, NodeFault, NodeState, RicConfig, RicFault, model};

use E2apVersion::{V1_00, V2_03, V3_01};

const A: u64 = 7;

/// A node and a RIC on one association with zero latency, and a log of
/// everything that crossed it.
struct Loop {
    node: E2Node,
    ric: NearRtRic,
    now: Nanos,
    /// (time, from the node?, message)
    log: Vec<(Nanos, bool, E2Transmit)>,
}

impl Loop {
    fn new(node: E2NodeConfig, ric: RicConfig) -> Self {
        let mut l = Loop {
            node: E2Node::new(node),
            ric: NearRtRic::new(ric),
            now: 0,
            log: Vec::new(),
        };
        l.ric.association_up(0, A);
        l.node.start(0);
        l
    }

    fn pair(v: E2apVersion) -> Self {
        Loop::new(E2NodeConfig::new(v), RicConfig::new(v))
    }

    /// Deliver everything due, advancing virtual time up to `until`.
    fn run_until(&mut self, until: Nanos) {
        let mut idle_rounds = 0;
        loop {
            let mut moved = false;
            while let Some(t) = self.node.poll_transmit(self.now) {
                self.ric.handle_message(self.now, A, t.stream, &t.bytes);
                self.log.push((self.now, true, t));
                moved = true;
            }
            while let Some((a, t)) = self.ric.poll_transmit(self.now) {
                assert_eq!(a, A);
                self.node.handle_message(self.now, t.stream, &t.bytes);
                self.log.push((self.now, false, t));
                moved = true;
            }
            if moved {
                continue;
            }
            let next = [self.node.poll_timeout(), self.ric.poll_timeout()]
                .into_iter()
                .flatten()
                .min();
            match next {
                Some(t) if t <= until => {
                    // A timeout at or before now with nothing to send would spin.
                    if t <= self.now {
                        idle_rounds += 1;
                        assert!(
                            idle_rounds < 3,
                            "poll_timeout {t} <= now {} with nothing to send",
                            self.now
                        );
                    } else {
                        idle_rounds = 0;
                    }
                    self.now = self.now.max(t);
                }
                _ => {
                    self.now = until;
                    return;
                }
            }
        }
    }

    fn sent_by_node(&self, name: &str, v: E2apVersion) -> Vec<(Nanos, E2apPdu<'static>)> {
        self.messages(true, name, v)
    }

    fn sent_by_ric(&self, name: &str, v: E2apVersion) -> Vec<(Nanos, E2apPdu<'static>)> {
        self.messages(false, name, v)
    }

    fn messages(&self, node: bool, name: &str, v: E2apVersion) -> Vec<(Nanos, E2apPdu<'static>)> {
        self.log
            .iter()
            .filter(|x| x.1 == node)
            .filter_map(|(t, _, m)| {
                let r = e2ap::aper::Reassembly::default();
                let p = e2ap::decode_with(v, &m.bytes, &r).ok()?.into_owned();
                (p.message_name() == Some(name)).then_some((*t, p))
            })
            .collect()
    }

    /// Feed crafted bytes to the node and return what it answers at once.
    fn inject_node(&mut self, bytes: &[u8]) -> Vec<E2Transmit> {
        self.node.handle_message(self.now, 1, bytes);
        std::iter::from_fn(|| self.node.poll_transmit(self.now)).collect()
    }

    fn inject_ric(&mut self, bytes: &[u8]) -> Vec<E2Transmit> {
        self.ric.handle_message(self.now, A, 0, bytes);
        std::iter::from_fn(|| self.ric.poll_transmit(self.now).map(|x| x.1)).collect()
    }
}

fn decode(v: E2apVersion, t: &E2Transmit) -> E2apPdu<'static> {
    e2ap::decode(v, &t.bytes).unwrap().into_owned()
}

fn names(v: E2apVersion, ts: &[E2Transmit]) -> Vec<&'static str> {
    ts.iter().map(|t| decode(v, t).message_name().unwrap_or("?")).collect()
}

/// The Cause of the messages that carry one.
fn cause(p: &E2apPdu<'_>) -> Option<Cause<'static>> {
    let c = match p {
        E2apPdu::InitiatingMessage(m) => match &m.value {
            InitiatingMessageValue::ErrorIndication(e) => e.cause(),
            _ => None,
        },
        E2apPdu::UnsuccessfulOutcome(m) => match &m.value {
            UnsuccessfulOutcomeValue::RicSubscriptionFailure(f) => f.cause(),
            UnsuccessfulOutcomeValue::RicSubscriptionDeleteFailure(f) => f.cause(),
            UnsuccessfulOutcomeValue::RicControlFailure(f) => f.cause(),
            UnsuccessfulOutcomeValue::E2setupFailure(f) => f.cause(),
            _ => None,
        },
        _ => None,
    };
    c.cloned().map(e2ap::IntoOwned::into_owned)
}

fn initiating(value: InitiatingMessageValue<'static>, crit: Criticality) -> Vec<u8> {
    let pdu = E2apPdu::InitiatingMessage(InitiatingMessage {
        criticality: crit,
        value,
    });
    // Built for v03.01: the unknown IEs are written raw under any version.
    e2ap::encode(V3_01, &pdu).unwrap()
}

fn kpm_action(t: RicActionType) -> ProtocolIeField<RicActionToBeSetupItemIes<'static>> {
    let def = sm::kpm_action_definition(&KpmActionDefinition {
        style: 1,
        measurements: vec!["RRU.PrbTotDl".into()],
        granularity_ms: 1000,
    })
    .unwrap();
    ProtocolIeField::new(RicActionToBeSetupItemIes::RicActionToBeSetupItem(
        RicActionToBeSetupItem {
            ric_action_id: 1,
            ric_action_type: t,
            ric_action_definition: Some(Octets::from(def)),
            ric_subsequent_action: None,
            ric_action_execution_order: None,
        },
    ))
}

/// A KPM subscription request, optionally with an extra unknown IE.
fn sub_request(
    v: E2apVersion,
    rid: (u16, u16),
    function: u16,
    action: RicActionType,
    extra: Option<Criticality>,
) -> Vec<u8> {
    let mut f = ies(
        v,
        vec![
            RicSubscriptionRequestIes::RicRequestId(ric_request_id(rid)),
            RicSubscriptionRequestIes::RanFunctionId(function),
            RicSubscriptionRequestIes::RicSubscriptionDetails(RicSubscriptionDetails {
                ric_event_trigger_definition: Octets::from(sm::kpm_event_trigger(1000).unwrap()),
                ric_action_to_be_setup_list: vec![kpm_action(action)],
            }),
        ],
    );
    if let Some(c) = extra {
        f.push(ProtocolIeField {
            criticality: c,
            value: RicSubscriptionRequestIes::Unknown(UnknownIe {
                id: 999,
                value: Octets::from(vec![0x00]),
            }),
        });
    }
    let pdu = E2apPdu::InitiatingMessage(InitiatingMessage {
        criticality: Criticality::Reject,
        value: InitiatingMessageValue::RicSubscriptionRequest(RicSubscriptionRequest { protocol_ies: f }),
    });
    e2ap::encode(v, &pdu).unwrap()
}

fn unknown_procedure(crit: Criticality) -> Vec<u8> {
    initiating(
        InitiatingMessageValue::Unknown(UnknownMessage {
            procedure_code: 200,
            value: Octets::from(vec![0x00, 0x00, 0x00]),
        }),
        crit,
    )
}

const GARBAGE: &[u8] = &[0x00, 0x08, 0x40, 0xff, 0x12];

fn connected(v: E2apVersion, node_fault: NodeFault) -> Loop {
    let mut l = Loop::new(E2NodeConfig::new(v).with_fault(node_fault), RicConfig::new(v));
    l.run_until(100 * MS);
    assert_eq!(l.node.state(), NodeState::Connected);
    l
}

// ---- the procedures, every version -------------------------------------------------------

#[test]
fn setup_subscription_indications_control_delete_reset_in_every_version() {
    for v in [V1_00, V2_03, V3_01, E2apVersion::Latest] {
        let mut l = Loop::pair(v);
        l.run_until(5_500 * MS);
        assert_eq!(l.node.state(), NodeState::Connected, "{v}");
        let a = l.ric.association(A).unwrap();
        assert_eq!(a.setup, SetupState::Established, "{v}");
        assert_eq!(a.functions.len(), 2, "{v}: {:?}", a.functions);
        let (&rid, s) = a.subscriptions.iter().next().unwrap();
        assert_eq!(s.state, SubState::Active, "{v}");
        // One indication a second, on time, numbered in order.
        assert_eq!(s.indications, 5, "{v}");
        assert_eq!(s.arrivals, (1..=5).map(|i| i * SECOND).collect::<Vec<_>>(), "{v}");
        assert_eq!(s.sn_gaps, 0);
        assert_eq!(s.decode_errors, 0, "{v}: {:?}", s.last_decode_error);
        // The values are those of the model for the last period.
        let r = s.latest.as_ref().unwrap();
        let start = s.latest_collect_ms.unwrap() - l.node.config().epoch_ms;
        assert_eq!(start, 4000);
        assert_eq!(r.measurements.len(), model::MEASUREMENTS.len());
        let want: Vec<_> = r.measurements.iter().map(|m| model::value(1, m, start)).collect();
        assert_eq!(r.records, vec![want], "{v}");
        let prbs: Vec<_> = (0..5).map(|i| model::value(1, "RRU.PrbTotDl", i * 1000)).collect();
        assert!(prbs.windows(2).any(|w| w[0] != w[1]), "values change: {prbs:?}");

        // Every message the node sent is valid under its version, on the right stream.
        for (_, from_node, t) in &l.log {
            let vs = e2ap::valid_versions(&t.bytes);
            assert!(vs.contains(&v), "{v}: {:?}", e2ap::detect_version(&t.bytes));
            let pdu = decode(v, t);
            let functional = matches!(pdu.procedure_code(), Some(4 | 5 | 8 | 9));
            assert_eq!(
                t.stream,
                u16::from(functional),
                "{v} {:?} from node {from_node}",
                pdu.message_name()
            );
            assert_eq!(t.ppid, 70);
        }

        // Control.
        let c = RcControl {
            ue_f1ap_id: 3,
            style: sm::RC_STYLE_RADIO_RESOURCE,
            action: sm::RC_ACTION_SLICE_PRB_QUOTA,
            params: vec![(sm::RC_PARAM_MAX_PRB_RATIO, 70)],
        };
        l.ric.send_control(l.now, A, &c).unwrap();
        l.run_until(l.now + MS);
        assert_eq!(l.ric.association(A).unwrap().controls_acked, 1, "{v}");
        assert_eq!(l.node.stats().last_control.as_ref(), Some(&c));
        // A control out of range fails with a cause.
        let bad = RcControl {
            params: vec![(sm::RC_PARAM_MAX_PRB_RATIO, 170)],
            ..c
        };
        l.ric.send_control(l.now, A, &bad).unwrap();
        l.run_until(l.now + MS);
        assert_eq!(l.ric.association(A).unwrap().control_failures.len(), 1, "{v}");

        // Delete: no more indications.
        let kpm = l.node.config().kpm_function_id;
        l.ric.delete_subscription(l.now, A, rid, kpm);
        l.run_until(l.now + MS);
        let s = &l.ric.association(A).unwrap().subscriptions[&rid];
        assert_eq!(s.state, SubState::Deleted, "{v}");
        let n = s.indications;
        l.run_until(l.now + 3 * SECOND);
        assert_eq!(l.ric.association(A).unwrap().subscriptions[&rid].indications, n);

        // Subscribe again, then reset: the node stops reporting.
        l.ric.subscribe_kpm(l.now, A).unwrap();
        l.run_until(l.now + 2_500 * MS);
        assert_eq!(l.node.subscriptions().len(), 1);
        l.ric.send_reset(l.now, A);
        l.run_until(l.now + 3 * SECOND);
        assert_eq!(l.ric.association(A).unwrap().reset_responses, 1, "{v}");
        assert!(l.node.subscriptions().is_empty());
        let last_ind = l.sent_by_node("RICindication", v).last().unwrap().0;
        let reset_at = l.sent_by_ric("ResetRequest", v)[0].0;
        assert!(last_ind <= reset_at, "{v}");

        // Service query -> service update -> acknowledge.
        l.ric.send_service_query(l.now, A);
        l.run_until(l.now + 100 * MS);
        assert_eq!(l.node.stats().service_updates_acked, 1, "{v}");
        assert_eq!(l.ric.association(A).unwrap().errors.error_indications_sent, 0, "{v}");
        assert!(l.node.stats().errors.error_indications_received.is_empty(), "{v}");
        assert_eq!(l.node.stats().errors.error_indications_sent, 0, "{v}");
    }
}

#[test]
fn version_pairs() {
    for nv in [V1_00, V2_03, V3_01] {
        for rv in [V1_00, V2_03, V3_01] {
            let mut l = Loop::new(E2NodeConfig::new(nv), RicConfig::new(rv));
            l.run_until(2_500 * MS);
            let works = l.node.state() == NodeState::Connected && l.ric.association(A).unwrap().indications() == 2;
            if nv == rv {
                assert!(works, "node {nv}, RIC {rv}");
            }
            // v01.00 has no TransactionID: it cannot set up with a later version.
            if (nv == V1_00) != (rv == V1_00) {
                assert!(!works, "node {nv}, RIC {rv}");
            }
        }
    }
}

#[test]
fn configuration_update_and_removal_from_v2_on() {
    for v in [V2_03, V3_01] {
        let mut l = connected(v, NodeFault::None);
        l.node.send_config_update(l.now);
        l.run_until(l.now + 100 * MS);
        assert_eq!(l.node.stats().config_updates_acked, 1, "{v}");
        l.ric.send_removal(l.now, A);
        l.run_until(l.now + 100 * MS);
        assert_eq!(l.node.state(), NodeState::Removed, "{v}");
        let n = l.log.len();
        l.run_until(l.now + 5 * SECOND);
        assert_eq!(l.log.len(), n, "{v}: a removed node stays quiet");
    }
}

#[test]
fn poll_timeout_never_asks_for_the_past_once_drained() {
    let mut l = Loop::pair(V3_01);
    l.run_until(3 * SECOND);
    // Drained: the next wake-up is strictly in the future.
    assert!(l.node.poll_timeout().unwrap() > l.now);
    assert!(l.ric.poll_timeout().is_none_or(|t| t > l.now));
    // Idle node: no timeout at all.
    let n = E2Node::new(E2NodeConfig::new(V3_01));
    assert_eq!(n.poll_timeout(), None);
}

#[test]
fn many_associations_on_one_ric() {
    let mut ric = NearRtRic::new(RicConfig::new(V2_03));
    let mut nodes: Vec<E2Node> = (0..20)
        .map(|i| {
            let mut c = E2NodeConfig::new(V2_03);
            c.gnb_id = 100 + i;
            c.seed = u64::from(i);
            E2Node::new(c)
        })
        .collect();
    for (i, n) in nodes.iter_mut().enumerate() {
        ric.association_up(0, i as u64);
        n.start(0);
    }
    let mut now = 0;
    while now <= 3 * SECOND {
        for (i, n) in nodes.iter_mut().enumerate() {
            while let Some(t) = n.poll_transmit(now) {
                ric.handle_message(now, i as u64, t.stream, &t.bytes);
            }
        }
        while let Some((a, t)) = ric.poll_transmit(now) {
            nodes[a as usize].handle_message(now, t.stream, &t.bytes);
        }
        now += 10 * MS;
    }
    assert_eq!(ric.associations().count(), 20);
    for (_, a) in ric.associations() {
        assert_eq!(a.setup, SetupState::Established);
        assert_eq!(a.indications(), 3);
    }
}

#[test]
fn time_to_wait_is_honoured() {
    let mut ric = RicConfig::new(V2_03);
    ric.refuse_setups = 1;
    ric.refuse_time_to_wait = Some(TimeToWait::V2s);
    let mut l = Loop::new(E2NodeConfig::new(V2_03), ric.clone());
    l.run_until(5 * SECOND);
    assert_eq!(l.node.stats().setup_attempts, vec![0, 2 * SECOND]);
    assert_eq!(l.node.state(), NodeState::Connected);
    let a = l.ric.association(A).unwrap();
    assert_eq!((a.refusals, a.early_setup_requests), (1, 0));
    let f = &l.sent_by_ric("E2setupFailure", V2_03)[0].1;
    assert_eq!(cause(f), Some(Cause::Misc(CauseMisc::ControlProcessingOverload)));
}

// ---- node faults: what a suite sees --------------------------------------------------------

fn first(v: E2apVersion, out: &[E2Transmit], name: &str) -> Option<E2apPdu<'static>> {
    out.iter()
        .map(|t| decode(v, t))
        .find(|p| p.message_name() == Some(name))
}

#[test]
fn node_unknown_ie_reject() {
    let good = connected(V3_01, NodeFault::None).inject_node(&sub_request(
        V3_01,
        (9, 1),
        2,
        RicActionType::Report,
        Some(Criticality::Reject),
    ));
    let f = first(V3_01, &good, "RICsubscriptionFailure").expect("failure");
    assert_eq!(
        cause(&f),
        Some(Cause::Protocol(CauseProtocol::AbstractSyntaxErrorReject))
    );
    let bad = connected(V3_01, NodeFault::IgnoreRejectCriticality).inject_node(&sub_request(
        V3_01,
        (9, 1),
        2,
        RicActionType::Report,
        Some(Criticality::Reject),
    ));
    assert_eq!(names(V3_01, &bad), ["RICsubscriptionResponse"]);
}

#[test]
fn node_unknown_ie_ignore_and_notify() {
    let req = sub_request(V2_03, (9, 1), 2, RicActionType::Report, Some(Criticality::Ignore));
    assert_eq!(
        names(V2_03, &connected(V2_03, NodeFault::None).inject_node(&req)),
        ["RICsubscriptionResponse"]
    );
    let req = sub_request(V2_03, (9, 1), 2, RicActionType::Report, Some(Criticality::Notify));
    let good = connected(V2_03, NodeFault::None).inject_node(&req);
    assert_eq!(names(V2_03, &good), ["RICsubscriptionResponse", "ErrorIndication"]);
    assert_eq!(
        cause(&decode(V2_03, &good[1])),
        Some(Cause::Protocol(CauseProtocol::AbstractSyntaxErrorIgnoreAndNotify))
    );
    let bad = connected(V2_03, NodeFault::NoNotifyErrorIndication).inject_node(&req);
    assert_eq!(names(V2_03, &bad), ["RICsubscriptionResponse"]);
}

#[test]
fn node_erroneous_ie_value_by_criticality() {
    // RANfunctionID (IE 5) with an empty value, no INTEGER (0..4095).
    let bytes = |crit: Criticality| {
        let mut f = ies(
            V3_01,
            vec![
                RicSubscriptionDeleteRequestIes::RicRequestId(ric_request_id((1, 1))),
                RicSubscriptionDeleteRequestIes::RanFunctionId(2),
            ],
        );
        f[1] = ProtocolIeField {
            criticality: crit,
            value: RicSubscriptionDeleteRequestIes::Unknown(UnknownIe {
                id: 5,
                value: Octets::from(vec![]),
            }),
        };
        initiating(
            InitiatingMessageValue::RicSubscriptionDeleteRequest(RicSubscriptionDeleteRequest { protocol_ies: f }),
            Criticality::Reject,
        )
    };
    // Criticality reject: the procedure fails.
    let mut l = connected(V3_01, NodeFault::None);
    let out = l.inject_node(&bytes(Criticality::Reject));
    assert_eq!(names(V3_01, &out), ["RICsubscriptionDeleteFailure"]);
    assert_eq!(
        cause(&decode(V3_01, &out[0])),
        Some(Cause::Protocol(CauseProtocol::AbstractSyntaxErrorReject))
    );
    // Criticality ignore: the IE is dropped and, RANfunctionID being
    // mandatory with criticality reject, its absence fails the request all
    // the same.
    let out = l.inject_node(&bytes(Criticality::Ignore));
    assert_eq!(names(V3_01, &out), ["RICsubscriptionDeleteFailure"]);
    // Unreadable to the end (no IE to blame): an Error Indication.
    let mut b = bytes(Criticality::Reject);
    b.truncate(b.len() - 3);
    assert_eq!(names(V3_01, &l.inject_node(&b)), ["ErrorIndication"]);
}

#[test]
fn node_malformed_pdu() {
    let good = connected(V3_01, NodeFault::None).inject_node(GARBAGE);
    assert_eq!(names(V3_01, &good), ["ErrorIndication"]);
    assert_eq!(
        cause(&decode(V3_01, &good[0])),
        Some(Cause::Protocol(CauseProtocol::TransferSyntaxError))
    );
    assert!(
        connected(V3_01, NodeFault::SilentOnMalformed)
            .inject_node(GARBAGE)
            .is_empty()
    );
}

#[test]
fn node_unknown_procedure() {
    let mut l = connected(V2_03, NodeFault::None);
    let good = l.inject_node(&unknown_procedure(Criticality::Reject));
    assert_eq!(
        cause(&decode(V2_03, &good[0])),
        Some(Cause::Protocol(CauseProtocol::AbstractSyntaxErrorReject))
    );
    assert!(l.inject_node(&unknown_procedure(Criticality::Ignore)).is_empty());
    let mut l = connected(V2_03, NodeFault::CrashOnUnknownProcedure);
    assert!(l.inject_node(&unknown_procedure(Criticality::Reject)).is_empty());
    assert!(l.node.wants_abort());
    l.run_until(l.now + 3 * SECOND);
    assert_eq!(l.ric.association(A).unwrap().indications(), 0);
}

fn reset(tid: i64) -> Vec<u8> {
    initiating(
        InitiatingMessageValue::ResetRequest(ResetRequest {
            protocol_ies: ies(
                V3_01,
                vec![
                    ResetRequestIes::TransactionId(tid),
                    ResetRequestIes::Cause(Cause::Misc(CauseMisc::Unspecified)),
                ],
            ),
        }),
        Criticality::Reject,
    )
}

#[test]
fn node_transaction_id_reused_while_in_use() {
    for (fault, want) in [
        (NodeFault::None, vec!["ErrorIndication", "ResetResponse"]),
        (
            NodeFault::AcceptReusedTransactionId,
            vec!["ResetResponse", "ResetResponse"],
        ),
    ] {
        let mut l = connected(V3_01, fault);
        let mut out = l.inject_node(&reset(5));
        out.extend(l.inject_node(&reset(5)));
        l.now += 20 * MS;
        out.extend(std::iter::from_fn(|| l.node.poll_transmit(l.now)));
        assert_eq!(names(V3_01, &out), want, "{fault}");
    }
}

#[test]
fn node_subscription_to_unknown_function_or_unsupported_action() {
    let req = sub_request(V3_01, (9, 1), 77, RicActionType::Report, None);
    let good = connected(V3_01, NodeFault::None).inject_node(&req);
    assert_eq!(
        cause(&decode(V3_01, &good[0])),
        Some(Cause::RicRequest(CauseRicRequest::RanFunctionIdInvalid))
    );
    let bad = connected(V3_01, NodeFault::AcceptUnknownRanFunction).inject_node(&req);
    assert_eq!(names(V3_01, &bad), ["RICsubscriptionResponse"]);
    let bad = connected(V3_01, NodeFault::WrongCauseUnknownRanFunction).inject_node(&req);
    assert_eq!(
        cause(&decode(V3_01, &bad[0])),
        Some(Cause::Misc(CauseMisc::Unspecified))
    );

    let req = sub_request(V3_01, (9, 1), 2, RicActionType::Insert, None);
    let good = connected(V3_01, NodeFault::None).inject_node(&req);
    assert_eq!(
        cause(&decode(V3_01, &good[0])),
        Some(Cause::RicRequest(CauseRicRequest::ActionNotSupported))
    );
    let bad = connected(V3_01, NodeFault::AcceptUnsupportedAction).inject_node(&req);
    assert_eq!(names(V3_01, &bad), ["RICsubscriptionResponse"]);
}

#[test]
fn node_duplicate_ric_request_id() {
    for (v, want) in [
        (V3_01, CauseRicRequest::DuplicateRicRequestId),
        (V2_03, CauseRicRequest::Unspecified),
    ] {
        let req = sub_request(v, (9, 1), 2, RicActionType::Report, None);
        let mut l = connected(v, NodeFault::None);
        l.inject_node(&req);
        let out = l.inject_node(&req);
        assert_eq!(cause(&decode(v, &out[0])), Some(Cause::RicRequest(want)), "{v}");
        let mut l = connected(v, NodeFault::AcceptDuplicateRequestId);
        l.inject_node(&req);
        assert_eq!(names(v, &l.inject_node(&req)), ["RICsubscriptionResponse"]);
    }
}

#[test]
fn node_retrying_setup_before_time_to_wait() {
    let mut ric = RicConfig::new(V3_01);
    ric.refuse_setups = 1;
    ric.refuse_time_to_wait = Some(TimeToWait::V2s);
    let mut l = Loop::new(E2NodeConfig::new(V3_01).with_fault(NodeFault::RetrySetupEarly), ric);
    l.run_until(5 * SECOND);
    assert_eq!(l.node.stats().setup_attempts[1], 500 * MS);
    // The RIC saw it come early and refused it again, each time.
    assert!(l.ric.association(A).unwrap().early_setup_requests >= 1);
    assert_ne!(l.node.state(), NodeState::Connected);
}

#[test]
fn node_indications_after_reset() {
    for (fault, after) in [(NodeFault::None, false), (NodeFault::IndicationsAfterReset, true)] {
        let mut l = connected(V3_01, fault);
        l.run_until(2_500 * MS);
        l.ric.send_reset(l.now, A);
        let reset_at = l.now;
        l.run_until(l.now + 3 * SECOND);
        let late = l
            .sent_by_node("RICindication", V3_01)
            .iter()
            .filter(|x| x.0 > reset_at)
            .count();
        assert_eq!(late > 0, after, "{fault}");
        // The RIC forgot its subscriptions, so each late one draws an Error Indication.
        assert_eq!(l.ric.association(A).unwrap().unknown_indications as usize, late);
    }
}

#[test]
fn node_delete_of_unknown_subscription() {
    let bytes = initiating(
        InitiatingMessageValue::RicSubscriptionDeleteRequest(RicSubscriptionDeleteRequest {
            protocol_ies: ies(
                V2_03,
                vec![
                    RicSubscriptionDeleteRequestIes::RicRequestId(ric_request_id((4, 4))),
                    RicSubscriptionDeleteRequestIes::RanFunctionId(2),
                ],
            ),
        }),
        Criticality::Reject,
    );
    let good = connected(V2_03, NodeFault::None).inject_node(&bytes);
    assert_eq!(
        cause(&decode(V2_03, &good[0])),
        Some(Cause::RicRequest(CauseRicRequest::RequestIdUnknown))
    );
    let bad = connected(V2_03, NodeFault::DeleteUnknownSucceeds).inject_node(&bytes);
    assert_eq!(names(V2_03, &bad), ["RICsubscriptionDeleteResponse"]);
}

fn oversized_ric(v: E2apVersion, fault: RicFault) -> RicConfig {
    let mut r = RicConfig::new(v).with_fault(fault);
    // 20 s of 1 ms records of five measurements: well over 64 KB.
    r.report_period_ms = 20_000;
    r.actions = vec![RicActionSpec {
        id: 1,
        action_type: RicActionType::Report,
        definition: Some(KpmActionDefinition {
            style: 1,
            measurements: model::MEASUREMENTS.iter().map(|s| s.to_string()).collect(),
            granularity_ms: 1,
        }),
    }];
    r
}

#[test]
fn oversized_indications() {
    for (nf, rf, decoded, ei) in [
        (NodeFault::None, RicFault::None, true, false),
        (NodeFault::TruncateOversized, RicFault::None, false, false),
        (NodeFault::None, RicFault::RejectOversized, false, true),
    ] {
        let mut l = Loop::new(E2NodeConfig::new(V3_01).with_fault(nf), oversized_ric(V3_01, rf));
        l.run_until(20_500 * MS);
        let a = l.ric.association(A).unwrap();
        let s = a.subscriptions.values().next().unwrap();
        let sent = l.sent_by_node("RICindication", V3_01);
        assert_eq!(sent.len(), 1, "{nf} {rf}");
        assert!(l.log.iter().any(|x| x.2.bytes.len() > 65536) || nf == NodeFault::TruncateOversized);
        let ok = s.latest.as_ref().is_some_and(|r| r.records.len() == 20_000);
        assert_eq!(ok, decoded, "{nf} {rf}: {:?}", s.last_decode_error);
        assert_eq!(a.errors.error_indications_sent > 0, ei, "{nf} {rf}");
    }
}

#[test]
fn node_version_skew() {
    let mut l = Loop::new(
        E2NodeConfig::new(V2_03).with_fault(NodeFault::VersionSkew),
        RicConfig::new(V2_03),
    );
    l.run_until(500 * MS);
    let setup = &l.log[0].2.bytes;
    let detected = e2ap::detect_version(setup);
    let v2 = detected.iter().find(|x| x.0 == V2_03).unwrap().1.as_ref().unwrap_err();
    assert!(v2.contains("TransactionID (IE 49) absent"), "{v2}");
    assert_ne!(l.ric.association(A).unwrap().setup, SetupState::Established);

    let mut l = Loop::new(
        E2NodeConfig::new(V3_01).with_fault(NodeFault::KpmV2Timestamp),
        RicConfig::new(V3_01),
    );
    l.run_until(2_500 * MS);
    let s = l
        .ric
        .association(A)
        .unwrap()
        .subscriptions
        .values()
        .next()
        .unwrap()
        .clone();
    assert_eq!((s.indications, s.decode_errors), (2, 2));
    assert!(s.last_decode_error.unwrap().starts_with("header"));
}

fn setup_response(tid: i64, with_ric_id: bool) -> Vec<u8> {
    let mut v = vec![E2setupResponseIes::TransactionId(tid)];
    if with_ric_id {
        v.push(E2setupResponseIes::GlobalRicId(e2ap::GlobalRicId {
            plmn_identity: Octets::from(vec![0, 0xf1, 0x10]),
            ric_id: e2ap::aper::BitString {
                bytes: vec![0, 0, 0x10].into(),
                bits: 20,
            },
        }));
    }
    v.push(E2setupResponseIes::RanFunctionsAccepted(ies(
        V3_01,
        vec![e2ap::RanFunctionIdItemIes::RanFunctionIdItem(e2ap::RanFunctionIdItem {
            ran_function_id: 2,
            ran_function_revision: 1,
        })],
    )));
    let pdu = sim::e2::proto::successful(SuccessfulOutcomeValue::E2setupResponse(E2setupResponse {
        protocol_ies: ies(V3_01, v),
    }));
    e2ap::encode(V3_01, &pdu).unwrap()
}

#[test]
fn node_bad_setup_response() {
    for (fault, crashed) in [(NodeFault::None, false), (NodeFault::CrashOnBadSetupResponse, true)] {
        let mut n = E2Node::new(E2NodeConfig::new(V3_01).with_fault(fault));
        n.start(0);
        while n.poll_transmit(0).is_some() {}
        n.handle_message(MS, 0, &setup_response(0, false));
        let out: Vec<_> = std::iter::from_fn(|| n.poll_transmit(MS)).collect();
        assert_eq!(n.wants_abort(), crashed, "{fault}");
        assert_eq!(out.is_empty(), crashed, "{fault}");
        if !crashed {
            assert_eq!(names(V3_01, &out), ["ErrorIndication"]);
            assert_eq!(
                cause(&decode(V3_01, &out[0])),
                Some(Cause::Protocol(CauseProtocol::AbstractSyntaxErrorReject))
            );
            assert_eq!(n.state(), NodeState::SetupPending);
        }
    }
}

// ---- RIC faults ------------------------------------------------------------------------------

fn ric_connected(v: E2apVersion, fault: RicFault) -> Loop {
    let mut l = Loop::new(E2NodeConfig::new(v), RicConfig::new(v).with_fault(fault));
    l.run_until(1_500 * MS);
    l
}

fn error_indication() -> Vec<u8> {
    initiating(
        InitiatingMessageValue::ErrorIndication(ErrorIndication {
            protocol_ies: ies(
                V3_01,
                vec![ErrorIndicationIes::Cause(Cause::Misc(CauseMisc::Unspecified))],
            ),
        }),
        Criticality::Ignore,
    )
}

#[test]
fn ric_error_indication() {
    let mut l = ric_connected(V3_01, RicFault::None);
    assert!(l.inject_ric(&error_indication()).is_empty());
    l.run_until(l.now + 2 * SECOND);
    assert_eq!(l.ric.association(A).unwrap().indications(), 3);
    assert_eq!(l.ric.association(A).unwrap().errors.error_indications_received.len(), 1);
    let mut l = ric_connected(V3_01, RicFault::CrashOnErrorIndication);
    l.inject_ric(&error_indication());
    assert!(l.ric.crashed());
    l.ric.send_reset(l.now, A);
    assert!(l.ric.poll_transmit(l.now).is_none());
}

#[test]
fn ric_malformed_and_unknown_procedure() {
    let mut l = ric_connected(V2_03, RicFault::None);
    let out = l.inject_ric(GARBAGE);
    assert_eq!(
        cause(&decode(V2_03, &out[0])),
        Some(Cause::Protocol(CauseProtocol::TransferSyntaxError))
    );
    let out = l.inject_ric(&unknown_procedure(Criticality::Notify));
    assert_eq!(
        cause(&decode(V2_03, &out[0])),
        Some(Cause::Protocol(CauseProtocol::AbstractSyntaxErrorIgnoreAndNotify))
    );
    assert!(
        ric_connected(V2_03, RicFault::SilentOnMalformed)
            .inject_ric(GARBAGE)
            .is_empty()
    );
    let mut l = ric_connected(V2_03, RicFault::CrashOnUnknownProcedure);
    assert!(l.inject_ric(&unknown_procedure(Criticality::Reject)).is_empty());
    assert!(l.ric.crashed());
}

#[test]
fn ric_time_to_wait() {
    for (fault, ttw, established_early) in [
        (RicFault::None, true, false),
        (RicFault::NoTimeToWait, false, false),
        (RicFault::AcceptEarlySetup, true, true),
    ] {
        let mut ric = RicConfig::new(V3_01).with_fault(fault);
        ric.refuse_setups = 1;
        let node = E2NodeConfig::new(V3_01).with_fault(NodeFault::RetrySetupEarly);
        let mut l = Loop::new(node, ric);
        l.run_until(600 * MS);
        let f = &l.sent_by_ric("E2setupFailure", V3_01)[0].1;
        let E2apPdu::UnsuccessfulOutcome(m) = f else { panic!() };
        let UnsuccessfulOutcomeValue::E2setupFailure(f) = &m.value else {
            panic!()
        };
        assert_eq!(f.time_to_wait().is_some(), ttw, "{fault}");
        if ttw {
            let est = l.ric.association(A).unwrap().setup == SetupState::Established;
            assert_eq!(est, established_early, "{fault}");
        }
    }
}

#[test]
fn ric_duplicate_request_ids() {
    for (fault, same) in [(RicFault::None, false), (RicFault::DuplicateRequestId, true)] {
        let mut l = ric_connected(V3_01, fault);
        let r1 = l.ric.subscribe_kpm(l.now, A).unwrap();
        let r2 = l.ric.subscribe_kpm(l.now, A).unwrap();
        assert_eq!(r1 == r2, same, "{fault}");
        l.run_until(l.now + MS);
        // The conformant node refuses the duplicate.
        let fails = l.sent_by_node("RICsubscriptionFailure", V3_01);
        assert_eq!(!fails.is_empty(), same, "{fault}");
    }
}

fn setup_request(extra: Criticality) -> Vec<u8> {
    // The simulated node's own request, with one more IE.
    let mut n = E2Node::new(E2NodeConfig::new(V3_01));
    n.start(0);
    let bytes = n.poll_transmit(0).unwrap().bytes;
    let mut pdu = e2ap::decode(V3_01, &bytes).unwrap().into_owned();
    let E2apPdu::InitiatingMessage(m) = &mut pdu else {
        panic!()
    };
    let InitiatingMessageValue::E2setupRequest(r) = &mut m.value else {
        panic!()
    };
    r.protocol_ies.push(ProtocolIeField {
        criticality: extra,
        value: E2setupRequestIes::Unknown(UnknownIe {
            id: 999,
            value: Octets::from(vec![0x00]),
        }),
    });
    e2ap::encode(V3_01, &pdu).unwrap()
}

#[test]
fn ric_unknown_ie_criticality() {
    let cfg = |f: RicFault| {
        let mut c = RicConfig::new(V3_01).with_fault(f);
        c.auto_subscribe = false;
        c
    };
    let mut ric = NearRtRic::new(cfg(RicFault::None));
    ric.handle_message(0, 1, 0, &setup_request(Criticality::Reject));
    let out: Vec<_> = std::iter::from_fn(|| ric.poll_transmit(0).map(|x| x.1)).collect();
    assert_eq!(names(V3_01, &out), ["E2setupFailure"]);
    assert_eq!(
        cause(&decode(V3_01, &out[0])),
        Some(Cause::Protocol(CauseProtocol::AbstractSyntaxErrorReject))
    );

    let mut ric = NearRtRic::new(cfg(RicFault::IgnoreRejectCriticality));
    ric.handle_message(0, 1, 0, &setup_request(Criticality::Reject));
    let out: Vec<_> = std::iter::from_fn(|| ric.poll_transmit(0).map(|x| x.1)).collect();
    assert_eq!(names(V3_01, &out), ["E2setupResponse"]);

    for (fault, want) in [
        (RicFault::None, vec!["E2setupResponse", "ErrorIndication"]),
        (RicFault::NoNotifyErrorIndication, vec!["E2setupResponse"]),
    ] {
        let mut ric = NearRtRic::new(cfg(fault));
        ric.handle_message(0, 1, 0, &setup_request(Criticality::Notify));
        let out: Vec<_> = std::iter::from_fn(|| ric.poll_transmit(0).map(|x| x.1)).collect();
        assert_eq!(names(V3_01, &out), want, "{fault}");
    }
}

fn service_update(tid: i64) -> Vec<u8> {
    initiating(
        InitiatingMessageValue::RicServiceUpdate(RicServiceUpdate {
            protocol_ies: ies(V3_01, vec![RicServiceUpdateIes::TransactionId(tid)]),
        }),
        Criticality::Reject,
    )
}

#[test]
fn ric_transaction_id_reused_while_in_use() {
    for (fault, want) in [
        (RicFault::None, vec!["ErrorIndication", "RICserviceUpdateAcknowledge"]),
        (
            RicFault::AcceptReusedTransactionId,
            vec!["RICserviceUpdateAcknowledge", "RICserviceUpdateAcknowledge"],
        ),
    ] {
        let mut l = ric_connected(V3_01, fault);
        let mut out = l.inject_ric(&service_update(9));
        out.extend(l.inject_ric(&service_update(9)));
        l.now += 20 * MS;
        out.extend(std::iter::from_fn(|| l.ric.poll_transmit(l.now).map(|x| x.1)));
        let a = l.ric.association(A).unwrap();
        assert!(a.errors.encode_failures.is_empty(), "{:?}", a.errors.encode_failures);
        assert_eq!(names(V3_01, &out), want, "{fault}");
    }
}

#[test]
fn ric_version_skew() {
    let mut l = Loop::new(
        E2NodeConfig::new(V2_03),
        RicConfig::new(V2_03).with_fault(RicFault::VersionSkew),
    );
    l.run_until(500 * MS);
    assert_ne!(l.node.state(), NodeState::Connected);
    let resp = l.log.iter().find(|x| !x.1).unwrap();
    assert!(!e2ap::valid_versions(&resp.2.bytes).contains(&V2_03));
    assert!(l.node.stats().errors.error_indications_sent > 0);
}

#[test]
fn ric_reset_from_the_node() {
    for (fault, kept) in [(RicFault::None, false), (RicFault::KeepSubscriptionsAfterReset, true)] {
        let mut l = ric_connected(V3_01, fault);
        l.node.send_reset(l.now);
        l.run_until(l.now + MS);
        assert_eq!(l.sent_by_ric("ResetResponse", V3_01).len(), 1);
        assert_eq!(!l.ric.association(A).unwrap().subscriptions.is_empty(), kept, "{fault}");
    }
}

#[test]
fn every_fault_is_exercised_above() {
    // Keeps this file in step with the fault lists.
    assert_eq!(NodeFault::ALL.len(), 17);
    assert_eq!(RicFault::ALL.len(), 13);
}

//! Sans-I/O E2 node: the E2 agent of a gNB/O-DU offering E2SM-KPM (periodic
//! measurement reports from a seeded traffic model) and E2SM-RC (slice PRB
//! quota control), for one E2AP version. The caller owns the clock and the
//! SCTP association; [`NodeFault`] selects a deliberate defect.

use std::borrow::Cow;
use std::collections::VecDeque;

use codecs::e2ap::aper::BitString;
use codecs::e2ap::{
    Cause, CauseMisc, CauseProtocol, CauseRicRequest, E2RemovalFailure, E2RemovalFailureIes, E2RemovalRequest,
    E2RemovalRequestIes, E2RemovalResponse, E2RemovalResponseIes, E2apPdu, E2apVersion, E2connectionUpdateAckIes,
    E2connectionUpdateAcknowledge, E2nodeComponentConfigAdditionItem, E2nodeComponentConfigAdditionItemIes,
    E2nodeComponentConfigUpdateItem, E2nodeComponentConfigUpdateItemIes, E2nodeComponentConfiguration,
    E2nodeComponentId, E2nodeComponentInterfaceNg, E2nodeComponentInterfaceType, E2nodeConfigurationUpdate,
    E2nodeConfigurationUpdateIes, E2setupRequest, E2setupRequestIes, GlobalE2nodeGnbId, GlobalE2nodeId, GlobalGnbId,
    GnbIdChoice, InitiatingMessageValue, Octets, RanFunctionItem, RanFunctionItemIes, ResetRequest, ResetRequestIes,
    ResetResponse, ResetResponseIes, RicActionAdmittedItem, RicActionAdmittedItemIes, RicActionNotAdmittedItem,
    RicActionNotAdmittedItemIes, RicActionToBeSetupItemIes, RicActionType, RicControlAckRequest, RicControlAcknowledge,
    RicControlAcknowledgeIes, RicControlFailure, RicControlFailureIes, RicControlRequest, RicControlStatus,
    RicIndication, RicIndicationIes, RicIndicationType, RicQueryFailure, RicQueryFailureIes, RicServiceQuery,
    RicServiceUpdate, RicServiceUpdateIes, RicSubscriptionDeleteFailure, RicSubscriptionDeleteFailureIes,
    RicSubscriptionDeleteRequest, RicSubscriptionDeleteResponse, RicSubscriptionDeleteResponseIes,
    RicSubscriptionFailure, RicSubscriptionFailureIes, RicSubscriptionModificationFailure,
    RicSubscriptionModificationFailureIes, RicSubscriptionRequest, RicSubscriptionResponse, RicSubscriptionResponseIes,
    SuccessfulOutcomeValue, UnsuccessfulOutcomeValue,
};
use codecs::e2ap::{Criticality, CriticalityDiagnostics};
use serde::{Deserialize, Serialize};

use super::faults::NodeFault;
use super::model;
use super::proto::{
    self, E2Transmit, ErrorCounters, IeVerdict, MS, PPID_E2_CP, Received, ReqId, SECOND, Triggering, ies,
    ric_request_id,
};
use super::sm::{self, KpmActionDefinition, KpmReport};
use crate::timing::Nanos;

/// What the simulated node is and how it behaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct E2NodeConfig {
    pub version: E2apVersion,
    pub plmn: [u8; 3],
    pub gnb_id: u32,
    /// Length of the gNB ID in bits (22..=32).
    pub gnb_id_bits: u8,
    pub gnb_du_id: Option<u64>,
    pub kpm_function_id: u16,
    pub rc_function_id: u16,
    /// Measurements the KPM function offers.
    pub measurements: Vec<String>,
    /// Seed of the traffic model.
    pub seed: u64,
    /// Wall-clock time (ms since the Unix epoch) of virtual time 0, for the
    /// KPM collection timestamps.
    pub epoch_ms: u64,
    /// Wait before retrying a refused setup that gave no Time To Wait.
    pub setup_retry: Nanos,
    /// How long a Reset takes before it is answered (the window in which
    /// its transaction ID is in use).
    pub reset_processing: Nanos,
    pub fault: NodeFault,
}

impl E2NodeConfig {
    pub fn new(version: E2apVersion) -> Self {
        E2NodeConfig {
            version,
            plmn: [0x00, 0xf1, 0x10],
            gnb_id: 0x19b,
            gnb_id_bits: 22,
            gnb_du_id: Some(1),
            kpm_function_id: 2,
            rc_function_id: 3,
            measurements: model::MEASUREMENTS.iter().map(|s| s.to_string()).collect(),
            seed: 1,
            epoch_ms: 1_767_225_600_000, // 2026-01-01T00:00:00Z
            setup_retry: SECOND,
            reset_processing: 10 * MS,
            fault: NodeFault::None,
        }
    }

    pub fn with_fault(mut self, fault: NodeFault) -> Self {
        self.fault = fault;
        self
    }
}

/// Where the node is in its life on the association.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeState {
    /// Not started.
    Idle,
    /// E2 Setup Request sent, no answer yet.
    SetupPending,
    /// Setup refused; retries at the given time.
    WaitingToRetry(Nanos),
    /// Setup done: serving the RIC.
    Connected,
    /// E2 Removal done.
    Removed,
    /// Gone silent (a crash fault); the association should be aborted.
    Crashed,
}

/// What the node did and saw.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeStats {
    /// When each E2 Setup Request left.
    pub setup_attempts: Vec<Nanos>,
    pub setup_failures: u32,
    pub subscriptions_accepted: u64,
    pub subscriptions_refused: u64,
    pub deletes: u64,
    pub controls_acked: u64,
    pub controls_failed: u64,
    pub last_control: Option<sm::RcControl>,
    pub resets: u64,
    pub indications_sent: u64,
    pub indication_bytes: u64,
    pub service_updates_acked: u64,
    pub config_updates_acked: u64,
    pub errors: ErrorCounters,
}

struct Action {
    id: u8,
    def: KpmActionDefinition,
}

struct Subscription {
    req: ReqId,
    function: u16,
    actions: Vec<Action>,
    period: Nanos,
    next_due: Nanos,
    sn: u16,
}

/// The simulated E2 node.
pub struct E2Node {
    cfg: E2NodeConfig,
    state: NodeState,
    stats: NodeStats,
    out: VecDeque<E2Transmit>,
    subs: Vec<Subscription>,
    next_tid: i64,
    setup_tid: Option<i64>,
    /// Resets being processed: when they are answered, and their TID.
    resets: Vec<(Nanos, Option<i64>)>,
    kpm_def: Vec<u8>,
    rc_def: Vec<u8>,
}

impl E2Node {
    pub fn new(cfg: E2NodeConfig) -> Self {
        let names: Vec<&str> = cfg.measurements.iter().map(String::as_str).collect();
        let kpm_def = sm::kpm_ran_function_definition(&names).expect("KPM RAN function definition encodes");
        let rc_def = sm::rc_ran_function_definition().expect("RC RAN function definition encodes");
        E2Node {
            cfg,
            state: NodeState::Idle,
            stats: NodeStats::default(),
            out: VecDeque::new(),
            subs: Vec::new(),
            next_tid: 0,
            setup_tid: None,
            resets: Vec::new(),
            kpm_def,
            rc_def,
        }
    }

    pub fn config(&self) -> &E2NodeConfig {
        &self.cfg
    }

    pub fn state(&self) -> NodeState {
        self.state
    }

    pub fn stats(&self) -> &NodeStats {
        &self.stats
    }

    /// RIC request IDs of the active subscriptions.
    pub fn subscriptions(&self) -> Vec<ReqId> {
        self.subs.iter().map(|s| s.req).collect()
    }

    /// The version the node's messages are built with.
    pub fn wire_version(&self) -> E2apVersion {
        match (self.cfg.fault, self.cfg.version) {
            (NodeFault::VersionSkew, E2apVersion::V1_00) => E2apVersion::V3_01,
            (NodeFault::VersionSkew, _) => E2apVersion::V1_00,
            (_, v) => v,
        }
    }

    fn has_tid(&self) -> bool {
        self.wire_version() >= E2apVersion::V2_03
    }

    fn alloc_tid(&mut self) -> i64 {
        let t = self.next_tid;
        self.next_tid = (self.next_tid + 1) % 256;
        t
    }

    /// The association is up: send E2 Setup.
    pub fn start(&mut self, now: Nanos) {
        if self.state == NodeState::Idle {
            self.send_setup(now);
        }
    }

    /// The association went down: back to idle, subscriptions gone.
    pub fn association_lost(&mut self) {
        if self.state != NodeState::Crashed {
            self.state = NodeState::Idle;
        }
        self.subs.clear();
        self.out.clear();
        self.resets.clear();
    }

    /// Whether the association should be aborted (the node crashed).
    pub fn wants_abort(&self) -> bool {
        self.state == NodeState::Crashed
    }

    fn push(&mut self, at: Nanos, pdu: &E2apPdu<'_>) {
        if self.state == NodeState::Crashed {
            return;
        }
        let bytes = match proto::encode(self.wire_version(), pdu) {
            Ok(b) => b,
            Err(e) => return self.stats.errors.encode_failures.push(e),
        };
        if matches!(pdu, E2apPdu::InitiatingMessage(m) if m.procedure_code() == 2) {
            self.stats.errors.error_indications_sent += 1;
        }
        self.out.push_back(E2Transmit {
            at,
            stream: proto::stream_of(pdu),
            ppid: PPID_E2_CP,
            bytes,
        });
    }

    fn global_id(&self) -> GlobalE2nodeId<'static> {
        let bits = usize::from(self.cfg.gnb_id_bits.clamp(22, 32));
        let v = (u64::from(self.cfg.gnb_id) << (32 - bits)) as u32;
        GlobalE2nodeId::Gnb(GlobalE2nodeGnbId {
            global_gnb_id: GlobalGnbId {
                plmn_id: Octets::from(self.cfg.plmn.to_vec()),
                gnb_id: GnbIdChoice::GnbId(BitString {
                    bytes: Cow::Owned(v.to_be_bytes()[..bits.div_ceil(8)].to_vec()),
                    bits,
                }),
            },
            global_en_gnb_id: None,
            gnb_cu_up_id: None,
            gnb_du_id: self.cfg.gnb_du_id,
        })
    }

    fn ran_functions(&self) -> Vec<RanFunctionItemIes<'static>> {
        let v2 = self.has_tid();
        [
            (self.cfg.kpm_function_id, &self.kpm_def, sm::KPM_OID),
            (self.cfg.rc_function_id, &self.rc_def, sm::RC_OID),
        ]
        .into_iter()
        .map(|(id, def, oid)| {
            RanFunctionItemIes::RanFunctionItem(RanFunctionItem {
                ran_function_id: id,
                ran_function_definition: Octets::from(def.clone()),
                ran_function_revision: 1,
                ran_function_oid: v2.then_some(Cow::Borrowed(oid)),
            })
        })
        .collect()
    }

    fn ng_component() -> (
        E2nodeComponentInterfaceType,
        E2nodeComponentId<'static>,
        E2nodeComponentConfiguration<'static>,
    ) {
        (
            E2nodeComponentInterfaceType::Ng,
            E2nodeComponentId::E2nodeComponentInterfaceTypeNg(E2nodeComponentInterfaceNg {
                amf_name: Cow::Borrowed("amf1"),
            }),
            // Stand-ins for the NG Setup Request and Response the node exchanged.
            E2nodeComponentConfiguration {
                e2node_component_request_part: Octets::from(vec![0x00, 0x15, 0x00, 0x00]),
                e2node_component_response_part: Octets::from(vec![0x20, 0x15, 0x00, 0x00]),
            },
        )
    }

    fn send_setup(&mut self, now: Nanos) {
        let w = self.wire_version();
        let tid = self.alloc_tid();
        self.setup_tid = self.has_tid().then_some(tid);
        let (t, id, conf) = Self::ng_component();
        let comp = ies(
            w,
            vec![E2nodeComponentConfigAdditionItemIes::E2nodeComponentConfigAdditionItem(
                E2nodeComponentConfigAdditionItem {
                    e2node_component_interface_type: t,
                    e2node_component_id: id,
                    e2node_component_configuration: conf,
                },
            )],
        );
        let v = vec![
            E2setupRequestIes::TransactionId(tid),
            E2setupRequestIes::GlobalE2nodeId(self.global_id()),
            E2setupRequestIes::RanFunctionsAdded(ies(w, self.ran_functions())),
            E2setupRequestIes::E2nodeComponentConfigAddition(comp),
        ];
        let pdu = proto::initiating(InitiatingMessageValue::E2setupRequest(E2setupRequest {
            protocol_ies: ies(w, v),
        }));
        self.state = NodeState::SetupPending;
        self.stats.setup_attempts.push(now);
        self.push(now, &pdu);
    }

    /// Send RIC Service Update listing every RAN function as added.
    pub fn send_service_update(&mut self, now: Nanos) {
        let w = self.wire_version();
        let tid = self.alloc_tid();
        let pdu = proto::initiating(InitiatingMessageValue::RicServiceUpdate(RicServiceUpdate {
            protocol_ies: ies(
                w,
                vec![
                    RicServiceUpdateIes::TransactionId(tid),
                    RicServiceUpdateIes::RanFunctionsAdded(ies(w, self.ran_functions())),
                ],
            ),
        }));
        self.push(now, &pdu);
    }

    /// Send E2 Node Configuration Update (v02.03 on) for the NG component.
    pub fn send_config_update(&mut self, now: Nanos) {
        let w = self.wire_version();
        if w < E2apVersion::V2_03 {
            return;
        }
        let tid = self.alloc_tid();
        let (t, id, conf) = Self::ng_component();
        let list = ies(
            w,
            vec![E2nodeComponentConfigUpdateItemIes::E2nodeComponentConfigUpdateItem(
                E2nodeComponentConfigUpdateItem {
                    e2node_component_interface_type: t,
                    e2node_component_id: id,
                    e2node_component_configuration: conf,
                },
            )],
        );
        let pdu = proto::initiating(InitiatingMessageValue::E2nodeConfigurationUpdate(
            E2nodeConfigurationUpdate {
                protocol_ies: ies(
                    w,
                    vec![
                        E2nodeConfigurationUpdateIes::TransactionId(tid),
                        E2nodeConfigurationUpdateIes::GlobalE2nodeId(self.global_id()),
                        E2nodeConfigurationUpdateIes::E2nodeComponentConfigUpdate(list),
                    ],
                ),
            },
        ));
        self.push(now, &pdu);
    }

    /// Ask the RIC for E2 Removal (v02.03 on).
    pub fn request_removal(&mut self, now: Nanos) {
        let w = self.wire_version();
        if w < E2apVersion::V2_03 {
            return;
        }
        let tid = self.alloc_tid();
        let pdu = proto::initiating(InitiatingMessageValue::E2RemovalRequest(E2RemovalRequest {
            protocol_ies: ies(w, vec![E2RemovalRequestIes::TransactionId(tid)]),
        }));
        self.push(now, &pdu);
    }

    /// Send a Reset to the RIC (clearing the node's own subscriptions).
    pub fn send_reset(&mut self, now: Nanos) {
        let w = self.wire_version();
        let tid = self.alloc_tid();
        self.subs.clear();
        let pdu = proto::initiating(InitiatingMessageValue::ResetRequest(ResetRequest {
            protocol_ies: ies(
                w,
                vec![
                    ResetRequestIes::TransactionId(tid),
                    ResetRequestIes::Cause(Cause::Misc(CauseMisc::OmIntervention)),
                ],
            ),
        }));
        self.push(now, &pdu);
    }

    // ---- receiving ---------------------------------------------------------------

    /// An E2AP message arrived on `stream` at `now`.
    pub fn handle_message(&mut self, now: Nanos, _stream: u16, bytes: &[u8]) {
        if matches!(self.state, NodeState::Crashed | NodeState::Removed) {
            return;
        }
        match proto::receive(self.cfg.version, bytes) {
            Received::Malformed { .. } => {
                self.stats.errors.malformed_received += 1;
                if self.cfg.fault != NodeFault::SilentOnMalformed {
                    let pdu = proto::error_indication(
                        self.wire_version(),
                        None,
                        None,
                        Cause::Protocol(CauseProtocol::TransferSyntaxError),
                        None,
                    );
                    self.push(now, &pdu);
                }
            }
            Received::ErroneousIe { trig, item, rest } => {
                if self.cfg.fault == NodeFault::CrashOnBadSetupResponse && trig.procedure_code == 1 {
                    self.crash();
                    return;
                }
                let cause = Cause::Protocol(CauseProtocol::AbstractSyntaxErrorReject);
                let diag = trig.diagnostics(vec![item]);
                match rest {
                    Some(pdu) if self.cfg.fault == NodeFault::IgnoreRejectCriticality => {
                        self.handle_pdu(now, *pdu, IeVerdict::default(), trig)
                    }
                    Some(pdu) => self.reject(now, &pdu, cause, diag),
                    None => {
                        let pdu = proto::error_indication(self.wire_version(), None, None, cause, Some(diag));
                        self.push(now, &pdu);
                    }
                }
            }
            Received::Pdu { pdu, verdict, trig } => self.handle_pdu(now, pdu, verdict, trig),
        }
    }

    fn crash(&mut self) {
        self.state = NodeState::Crashed;
        self.out.clear();
        self.subs.clear();
        self.resets.clear();
    }

    fn handle_pdu(&mut self, now: Nanos, pdu: E2apPdu<'static>, verdict: IeVerdict, trig: Triggering) {
        let unknown = match &pdu {
            E2apPdu::InitiatingMessage(m) => matches!(m.value, InitiatingMessageValue::Unknown(_)),
            E2apPdu::SuccessfulOutcome(m) => matches!(m.value, SuccessfulOutcomeValue::Unknown(_)),
            E2apPdu::UnsuccessfulOutcome(m) => matches!(m.value, UnsuccessfulOutcomeValue::Unknown(_)),
            E2apPdu::Extension(_) => true,
        };
        if unknown {
            self.unknown_procedure(now, trig);
            return;
        }
        if verdict.rejects() && self.cfg.fault != NodeFault::IgnoreRejectCriticality {
            if trig.procedure_code == 1 && self.cfg.fault == NodeFault::CrashOnBadSetupResponse {
                self.crash();
                return;
            }
            let diag = trig.diagnostics(verdict.reject.clone());
            self.reject(now, &pdu, verdict.reject_cause(), diag);
            return;
        }
        match pdu {
            E2apPdu::InitiatingMessage(m) => match m.value {
                InitiatingMessageValue::RicSubscriptionRequest(r) => self.on_subscription(now, &r),
                InitiatingMessageValue::RicSubscriptionDeleteRequest(r) => self.on_delete(now, &r),
                InitiatingMessageValue::RicControlRequest(r) => self.on_control(now, &r),
                InitiatingMessageValue::ResetRequest(r) => self.on_reset(now, &r, trig),
                InitiatingMessageValue::ErrorIndication(e) => {
                    self.stats
                        .errors
                        .error_indications_received
                        .push(proto::cause_text(e.cause()));
                }
                InitiatingMessageValue::RicServiceQuery(q) => self.on_service_query(now, &q),
                InitiatingMessageValue::E2RemovalRequest(r) => {
                    let w = self.wire_version();
                    let pdu = proto::successful(SuccessfulOutcomeValue::E2RemovalResponse(E2RemovalResponse {
                        protocol_ies: ies(
                            w,
                            vec![E2RemovalResponseIes::TransactionId(
                                r.transaction_id().copied().unwrap_or(0),
                            )],
                        ),
                    }));
                    self.push(now, &pdu);
                    self.subs.clear();
                    self.state = NodeState::Removed;
                }
                InitiatingMessageValue::E2connectionUpdate(u) => {
                    let w = self.wire_version();
                    let pdu = proto::successful(SuccessfulOutcomeValue::E2connectionUpdateAcknowledge(
                        E2connectionUpdateAcknowledge {
                            protocol_ies: ies(
                                w,
                                vec![E2connectionUpdateAckIes::TransactionId(
                                    u.transaction_id().copied().unwrap_or(0),
                                )],
                            ),
                        },
                    ));
                    self.push(now, &pdu);
                }
                InitiatingMessageValue::RicSubscriptionModificationRequest(r) => {
                    let rid = r.ric_request_id().map_or((0, 0), proto::req_id);
                    let cause = if self.subs.iter().any(|s| s.req == rid) {
                        Cause::RicRequest(CauseRicRequest::ActionNotSupported)
                    } else {
                        Cause::RicRequest(CauseRicRequest::RequestIdUnknown)
                    };
                    let w = self.wire_version();
                    let pdu = proto::unsuccessful(UnsuccessfulOutcomeValue::RicSubscriptionModificationFailure(
                        RicSubscriptionModificationFailure {
                            protocol_ies: ies(
                                w,
                                vec![
                                    RicSubscriptionModificationFailureIes::RicRequestId(ric_request_id(rid)),
                                    RicSubscriptionModificationFailureIes::RanFunctionId(
                                        r.ran_function_id().copied().unwrap_or(0),
                                    ),
                                    RicSubscriptionModificationFailureIes::Cause(cause),
                                ],
                            ),
                        },
                    ));
                    self.push(now, &pdu);
                }
                InitiatingMessageValue::RicQueryRequest(r) => {
                    let w = self.wire_version();
                    let pdu = proto::unsuccessful(UnsuccessfulOutcomeValue::RicQueryFailure(RicQueryFailure {
                        protocol_ies: ies(
                            w,
                            vec![
                                RicQueryFailureIes::RicRequestId(
                                    r.ric_request_id().cloned().unwrap_or(ric_request_id((0, 0))),
                                ),
                                RicQueryFailureIes::RanFunctionId(r.ran_function_id().copied().unwrap_or(0)),
                                RicQueryFailureIes::Cause(Cause::RicRequest(CauseRicRequest::Unspecified)),
                            ],
                        ),
                    }));
                    self.push(now, &pdu);
                }
                _ => self.not_compatible(now, trig),
            },
            E2apPdu::SuccessfulOutcome(m) => match m.value {
                SuccessfulOutcomeValue::E2setupResponse(r) => {
                    let tid_ok = self.setup_tid.is_none() || r.transaction_id().copied() == self.setup_tid;
                    if self.state != NodeState::SetupPending || !tid_ok || r.global_ric_id().is_none() {
                        if self.cfg.fault == NodeFault::CrashOnBadSetupResponse {
                            self.crash();
                        } else {
                            self.not_compatible(now, trig);
                        }
                        return;
                    }
                    self.state = NodeState::Connected;
                }
                SuccessfulOutcomeValue::RicServiceUpdateAcknowledge(_) => self.stats.service_updates_acked += 1,
                SuccessfulOutcomeValue::E2nodeConfigurationUpdateAcknowledge(_) => self.stats.config_updates_acked += 1,
                SuccessfulOutcomeValue::E2RemovalResponse(_) => {
                    self.subs.clear();
                    self.state = NodeState::Removed;
                }
                SuccessfulOutcomeValue::ResetResponse(_) => {}
                _ => self.not_compatible(now, trig),
            },
            E2apPdu::UnsuccessfulOutcome(m) => match m.value {
                UnsuccessfulOutcomeValue::E2setupFailure(f) => {
                    if self.state != NodeState::SetupPending {
                        self.not_compatible(now, trig);
                        return;
                    }
                    self.stats.setup_failures += 1;
                    let wait = match f.time_to_wait() {
                        Some(t) if self.cfg.fault == NodeFault::RetrySetupEarly => proto::time_to_wait(*t) / 4,
                        Some(t) => proto::time_to_wait(*t),
                        None => self.cfg.setup_retry,
                    };
                    self.state = NodeState::WaitingToRetry(now + wait);
                }
                UnsuccessfulOutcomeValue::RicServiceUpdateFailure(_)
                | UnsuccessfulOutcomeValue::E2nodeConfigurationUpdateFailure(_)
                | UnsuccessfulOutcomeValue::E2RemovalFailure(_) => {}
                _ => self.not_compatible(now, trig),
            },
            E2apPdu::Extension(_) => {}
        }
        if !verdict.notify.is_empty() && self.cfg.fault != NodeFault::NoNotifyErrorIndication {
            let pdu = proto::error_indication(
                self.wire_version(),
                None,
                None,
                Cause::Protocol(CauseProtocol::AbstractSyntaxErrorIgnoreAndNotify),
                Some(trig.diagnostics(verdict.notify)),
            );
            self.push(now, &pdu);
        }
    }

    /// An unknown procedure code: handled by the criticality sent with it.
    fn unknown_procedure(&mut self, now: Nanos, trig: Triggering) {
        if self.cfg.fault == NodeFault::CrashOnUnknownProcedure {
            self.crash();
            return;
        }
        let cause = match trig.criticality {
            Criticality::Reject => CauseProtocol::AbstractSyntaxErrorReject,
            Criticality::Notify => CauseProtocol::AbstractSyntaxErrorIgnoreAndNotify,
            Criticality::Ignore => return,
        };
        let pdu = proto::error_indication(
            self.wire_version(),
            None,
            None,
            Cause::Protocol(cause),
            Some(trig.diagnostics(Vec::new())),
        );
        self.push(now, &pdu);
    }

    /// A message the node does not expect in its state (or at all).
    fn not_compatible(&mut self, now: Nanos, trig: Triggering) {
        let pdu = proto::error_indication(
            self.wire_version(),
            None,
            None,
            Cause::Protocol(CauseProtocol::MessageNotCompatibleWithReceiverState),
            Some(trig.diagnostics(Vec::new())),
        );
        self.push(now, &pdu);
    }

    /// Refuse a procedure for its IEs: its failure message where it has
    /// one, else an Error Indication.
    fn reject(&mut self, now: Nanos, pdu: &E2apPdu<'_>, cause: Cause<'static>, diag: CriticalityDiagnostics) {
        let request = proto::request_of(pdu);
        let (rid, fid) = request.unwrap_or(((0, 0), 0));
        if let E2apPdu::InitiatingMessage(m) = pdu {
            match &m.value {
                InitiatingMessageValue::RicSubscriptionRequest(r) => {
                    let actions = action_ids(r);
                    return self.subscription_failure(now, rid, fid, cause, Some(diag), &actions);
                }
                InitiatingMessageValue::RicSubscriptionDeleteRequest(_) => {
                    return self.delete_failure(now, rid, fid, cause, Some(diag));
                }
                InitiatingMessageValue::RicControlRequest(_) => {
                    return self.control_failure(now, rid, fid, cause, Some(diag));
                }
                InitiatingMessageValue::E2RemovalRequest(r) => {
                    let w = self.wire_version();
                    let pdu = proto::unsuccessful(UnsuccessfulOutcomeValue::E2RemovalFailure(E2RemovalFailure {
                        protocol_ies: ies(
                            w,
                            vec![
                                E2RemovalFailureIes::TransactionId(r.transaction_id().copied().unwrap_or(0)),
                                E2RemovalFailureIes::Cause(cause),
                                E2RemovalFailureIes::CriticalityDiagnostics(diag),
                            ],
                        ),
                    }));
                    return self.push(now, &pdu);
                }
                _ => {}
            }
        }
        let tid = proto::transaction_id_of(pdu).filter(|_| self.has_tid());
        let out = proto::error_indication(self.wire_version(), tid, request, cause, Some(diag));
        self.push(now, &out);
    }

    fn subscription_failure(
        &mut self,
        now: Nanos,
        rid: ReqId,
        fid: u16,
        cause: Cause<'static>,
        diag: Option<CriticalityDiagnostics>,
        actions: &[u8],
    ) {
        let w = self.wire_version();
        let cause = if proto::cause_fits(w, &cause) {
            cause
        } else {
            Cause::RicRequest(CauseRicRequest::Unspecified)
        };
        self.stats.subscriptions_refused += 1;
        // v01.00 gives the cause per action, later versions once.
        let not_admitted = ies(
            w,
            actions
                .iter()
                .map(|&a| {
                    RicActionNotAdmittedItemIes::RicActionNotAdmittedItem(RicActionNotAdmittedItem {
                        ric_action_id: a,
                        cause: cause.clone(),
                    })
                })
                .collect(),
        );
        let mut v = vec![
            RicSubscriptionFailureIes::RicRequestId(ric_request_id(rid)),
            RicSubscriptionFailureIes::RanFunctionId(fid),
            RicSubscriptionFailureIes::Cause(cause),
        ];
        if let Some(d) = diag {
            v.push(RicSubscriptionFailureIes::CriticalityDiagnostics(d));
        }
        v.push(RicSubscriptionFailureIes::RicActionsNotAdmitted(not_admitted));
        let pdu = proto::unsuccessful(UnsuccessfulOutcomeValue::RicSubscriptionFailure(
            RicSubscriptionFailure {
                protocol_ies: ies(w, v),
            },
        ));
        self.push(now, &pdu);
    }

    fn delete_failure(
        &mut self,
        now: Nanos,
        rid: ReqId,
        fid: u16,
        cause: Cause<'static>,
        diag: Option<CriticalityDiagnostics>,
    ) {
        let w = self.wire_version();
        let mut v = vec![
            RicSubscriptionDeleteFailureIes::RicRequestId(ric_request_id(rid)),
            RicSubscriptionDeleteFailureIes::RanFunctionId(fid),
            RicSubscriptionDeleteFailureIes::Cause(cause),
        ];
        if let Some(d) = diag {
            v.push(RicSubscriptionDeleteFailureIes::CriticalityDiagnostics(d));
        }
        let pdu = proto::unsuccessful(UnsuccessfulOutcomeValue::RicSubscriptionDeleteFailure(
            RicSubscriptionDeleteFailure {
                protocol_ies: ies(w, v),
            },
        ));
        self.push(now, &pdu);
    }

    fn control_failure(
        &mut self,
        now: Nanos,
        rid: ReqId,
        fid: u16,
        cause: Cause<'static>,
        diag: Option<CriticalityDiagnostics>,
    ) {
        let w = self.wire_version();
        let cause = if proto::cause_fits(w, &cause) {
            cause
        } else {
            Cause::RicRequest(CauseRicRequest::Unspecified)
        };
        self.stats.controls_failed += 1;
        let mut v = vec![
            RicControlFailureIes::RicRequestId(ric_request_id(rid)),
            RicControlFailureIes::RanFunctionId(fid),
            RicControlFailureIes::Cause(cause),
        ];
        if let Some(d) = diag {
            v.push(RicControlFailureIes::CriticalityDiagnostics(d));
        }
        let pdu = proto::unsuccessful(UnsuccessfulOutcomeValue::RicControlFailure(RicControlFailure {
            protocol_ies: ies(w, v),
        }));
        self.push(now, &pdu);
    }

    fn on_subscription(&mut self, now: Nanos, r: &RicSubscriptionRequest<'_>) {
        let w = self.wire_version();
        let rid = r.ric_request_id().map_or((0, 0), proto::req_id);
        let fid = r.ran_function_id().copied().unwrap_or(0);
        let actions = action_ids(r);
        let fault = self.cfg.fault;
        if self.state != NodeState::Connected {
            let cause = Cause::RicRequest(CauseRicRequest::SystemNotReady);
            return self.subscription_failure(now, rid, fid, cause, None, &actions);
        }
        if self.subs.iter().any(|s| s.req == rid) && fault != NodeFault::AcceptDuplicateRequestId {
            let cause = proto::cause_duplicate_request_id(w);
            return self.subscription_failure(now, rid, fid, cause, None, &actions);
        }
        let known = fid == self.cfg.kpm_function_id || fid == self.cfg.rc_function_id;
        if !known {
            match fault {
                NodeFault::AcceptUnknownRanFunction => {}
                NodeFault::WrongCauseUnknownRanFunction => {
                    let cause = Cause::Misc(CauseMisc::Unspecified);
                    return self.subscription_failure(now, rid, fid, cause, None, &actions);
                }
                _ => {
                    let cause = Cause::RicRequest(CauseRicRequest::RanFunctionIdInvalid);
                    return self.subscription_failure(now, rid, fid, cause, None, &actions);
                }
            }
        }
        let Some(details) = r.ric_subscription_details() else {
            let cause = Cause::Protocol(CauseProtocol::AbstractSyntaxErrorFalselyConstructedMessage);
            return self.subscription_failure(now, rid, fid, cause, None, &actions);
        };
        let period_ms = if fid == self.cfg.kpm_function_id {
            match sm::decode_kpm_event_trigger(&details.ric_event_trigger_definition) {
                Ok(p) => Some(p),
                Err(_) => {
                    let cause = Cause::RicRequest(CauseRicRequest::EventTriggerNotSupported);
                    return self.subscription_failure(now, rid, fid, cause, None, &actions);
                }
            }
        } else {
            None
        };
        let mut admitted = Vec::new();
        let mut refused = Vec::new();
        for a in &details.ric_action_to_be_setup_list {
            let RicActionToBeSetupItemIes::RicActionToBeSetupItem(a) = &a.value else {
                continue;
            };
            let def = a
                .ric_action_definition
                .as_ref()
                .and_then(|d| sm::decode_kpm_action_definition(d).ok())
                .filter(|d| d.style == sm::KPM_STYLE_NODE_MEASUREMENT && d.granularity_ms > 0);
            let report = a.ric_action_type == RicActionType::Report;
            let ok = fid == self.cfg.kpm_function_id || !known;
            match (ok, report || fault == NodeFault::AcceptUnsupportedAction, def) {
                (true, true, Some(def)) => admitted.push(Action {
                    id: a.ric_action_id,
                    def,
                }),
                (true, true, None) if !known || !report => admitted.push(Action {
                    id: a.ric_action_id,
                    def: KpmActionDefinition {
                        style: 1,
                        measurements: Vec::new(),
                        granularity_ms: 1000,
                    },
                }),
                (true, true, None) => refused.push((a.ric_action_id, CauseRicRequest::ActionNotSupported)),
                _ => refused.push((a.ric_action_id, CauseRicRequest::ActionNotSupported)),
            }
        }
        if admitted.is_empty() {
            let cause = Cause::RicRequest(CauseRicRequest::ActionNotSupported);
            return self.subscription_failure(now, rid, fid, cause, None, &actions);
        }
        let admitted_list = ies(
            w,
            admitted
                .iter()
                .map(|a| RicActionAdmittedItemIes::RicActionAdmittedItem(RicActionAdmittedItem { ric_action_id: a.id }))
                .collect(),
        );
        let mut v = vec![
            RicSubscriptionResponseIes::RicRequestId(ric_request_id(rid)),
            RicSubscriptionResponseIes::RanFunctionId(fid),
            RicSubscriptionResponseIes::RicActionsAdmitted(admitted_list),
        ];
        if !refused.is_empty() || w == E2apVersion::V1_00 {
            v.push(RicSubscriptionResponseIes::RicActionsNotAdmitted(ies(
                w,
                refused
                    .iter()
                    .map(|&(id, c)| {
                        RicActionNotAdmittedItemIes::RicActionNotAdmittedItem(RicActionNotAdmittedItem {
                            ric_action_id: id,
                            cause: Cause::RicRequest(c),
                        })
                    })
                    .collect(),
            )));
        }
        let pdu = proto::successful(SuccessfulOutcomeValue::RicSubscriptionResponse(
            RicSubscriptionResponse {
                protocol_ies: ies(w, v),
            },
        ));
        self.push(now, &pdu);
        self.stats.subscriptions_accepted += 1;
        if let Some(p) = period_ms {
            let period = Nanos::from(p) * MS;
            self.subs.push(Subscription {
                req: rid,
                function: fid,
                actions: admitted,
                period,
                next_due: now + period,
                sn: 0,
            });
        } else {
            // Accepted without reports (a defect): kept so deletion finds it.
            self.subs.push(Subscription {
                req: rid,
                function: fid,
                actions: Vec::new(),
                period: Nanos::MAX,
                next_due: Nanos::MAX,
                sn: 0,
            });
        }
    }

    fn on_delete(&mut self, now: Nanos, r: &RicSubscriptionDeleteRequest<'_>) {
        let w = self.wire_version();
        let rid = r.ric_request_id().map_or((0, 0), proto::req_id);
        let fid = r.ran_function_id().copied().unwrap_or(0);
        let before = self.subs.len();
        self.subs.retain(|s| !(s.req == rid && s.function == fid));
        if self.subs.len() == before && self.cfg.fault != NodeFault::DeleteUnknownSucceeds {
            let cause = Cause::RicRequest(CauseRicRequest::RequestIdUnknown);
            return self.delete_failure(now, rid, fid, cause, None);
        }
        self.stats.deletes += 1;
        let pdu = proto::successful(SuccessfulOutcomeValue::RicSubscriptionDeleteResponse(
            RicSubscriptionDeleteResponse {
                protocol_ies: ies(
                    w,
                    vec![
                        RicSubscriptionDeleteResponseIes::RicRequestId(ric_request_id(rid)),
                        RicSubscriptionDeleteResponseIes::RanFunctionId(fid),
                    ],
                ),
            },
        ));
        self.push(now, &pdu);
    }

    fn on_control(&mut self, now: Nanos, r: &RicControlRequest<'_>) {
        let w = self.wire_version();
        let rid = r.ric_request_id().map_or((0, 0), proto::req_id);
        let fid = r.ran_function_id().copied().unwrap_or(0);
        if fid != self.cfg.rc_function_id {
            let cause = Cause::RicRequest(CauseRicRequest::RanFunctionIdInvalid);
            return self.control_failure(now, rid, fid, cause, None);
        }
        let empty = Octets::default();
        let header = r.ric_control_header().unwrap_or(&empty);
        let message = r.ric_control_message().unwrap_or(&empty);
        let control = match sm::decode_rc_control(header, message) {
            Ok(c) if c.style == sm::RC_STYLE_RADIO_RESOURCE && c.action == sm::RC_ACTION_SLICE_PRB_QUOTA => c,
            _ => {
                let cause = Cause::RicRequest(CauseRicRequest::ControlMessageInvalid);
                return self.control_failure(now, rid, fid, cause, None);
            }
        };
        if control.params.iter().any(|&(_, v)| !(0..=100).contains(&v)) {
            let cause = Cause::RicRequest(CauseRicRequest::ControlFailedToExecute);
            return self.control_failure(now, rid, fid, cause, None);
        }
        self.stats.controls_acked += 1;
        self.stats.last_control = Some(control);
        if r.ric_control_ack_request() == Some(&RicControlAckRequest::NoAck) {
            return;
        }
        let mut v = vec![
            RicControlAcknowledgeIes::RicRequestId(ric_request_id(rid)),
            RicControlAcknowledgeIes::RanFunctionId(fid),
        ];
        if let Some(c) = r.ric_call_process_id() {
            v.push(RicControlAcknowledgeIes::RicCallProcessId(c.clone().into_owned()));
        }
        v.push(RicControlAcknowledgeIes::RicControlStatus(RicControlStatus::Success));
        let pdu = proto::successful(SuccessfulOutcomeValue::RicControlAcknowledge(RicControlAcknowledge {
            protocol_ies: ies(w, v),
        }));
        self.push(now, &pdu);
    }

    fn on_reset(&mut self, now: Nanos, r: &ResetRequest<'_>, trig: Triggering) {
        let tid = r.transaction_id().copied();
        let in_use = tid.is_some() && self.resets.iter().any(|x| x.1 == tid);
        if in_use && self.cfg.fault != NodeFault::AcceptReusedTransactionId {
            let pdu = proto::error_indication(
                self.wire_version(),
                tid.filter(|_| self.has_tid()),
                None,
                Cause::Protocol(CauseProtocol::MessageNotCompatibleWithReceiverState),
                Some(trig.diagnostics(Vec::new())),
            );
            return self.push(now, &pdu);
        }
        self.stats.resets += 1;
        if self.cfg.fault != NodeFault::IndicationsAfterReset {
            self.subs.clear();
        }
        self.resets.push((now + self.cfg.reset_processing, tid));
    }

    fn on_service_query(&mut self, now: Nanos, _q: &RicServiceQuery<'_>) {
        self.send_service_update(now);
    }

    // ---- timers --------------------------------------------------------------------

    fn next_timer(&self) -> Option<Nanos> {
        let mut t = self.resets.iter().map(|r| r.0).min();
        if let NodeState::WaitingToRetry(at) = self.state {
            t = Some(t.map_or(at, |x| x.min(at)));
        }
        if self.state == NodeState::Connected
            && let Some(s) = self.subs.iter().map(|s| s.next_due).min()
        {
            t = Some(t.map_or(s, |x| x.min(s)));
        }
        t.filter(|&t| t != Nanos::MAX)
    }

    /// Fire every timer due at or before `now`, in time order.
    fn run_timers(&mut self, now: Nanos) {
        while let Some(t) = self.next_timer().filter(|&t| t <= now) {
            if let NodeState::WaitingToRetry(at) = self.state
                && at == t
            {
                self.send_setup(t);
                continue;
            }
            if let Some(i) = self.resets.iter().position(|r| r.0 == t) {
                let (_, tid) = self.resets.remove(i);
                let w = self.wire_version();
                let pdu = proto::successful(SuccessfulOutcomeValue::ResetResponse(ResetResponse {
                    protocol_ies: ies(w, vec![ResetResponseIes::TransactionId(tid.unwrap_or(0))]),
                }));
                self.push(t, &pdu);
                continue;
            }
            if let Some(i) = self.subs.iter().position(|s| s.next_due == t) {
                self.report(i, t);
            }
        }
    }

    /// The indications of subscription `i` for the period ending at `t`.
    fn report(&mut self, i: usize, t: Nanos) {
        let w = self.wire_version();
        let epoch = self.cfg.epoch_ms;
        let seed = self.cfg.seed;
        let v2_ts = self.cfg.fault == NodeFault::KpmV2Timestamp;
        let truncate = self.cfg.fault == NodeFault::TruncateOversized;
        let sub = &mut self.subs[i];
        let period_ms = sub.period / MS;
        let start_ms = (t / MS).saturating_sub(period_ms);
        sub.next_due = t + sub.period;
        let mut pdus = Vec::with_capacity(sub.actions.len());
        for a in &sub.actions {
            let gran = u64::from(a.def.granularity_ms.max(1));
            let n = (period_ms / gran).clamp(1, 65535);
            let records = (0..n)
                .map(|k| {
                    let at = start_ms + k * gran;
                    a.def.measurements.iter().map(|m| model::value(seed, m, at)).collect()
                })
                .collect();
            let report = KpmReport {
                measurements: a.def.measurements.clone(),
                granularity_ms: a.def.granularity_ms,
                records,
            };
            let header = sm::kpm_indication_header(epoch + start_ms, v2_ts).expect("KPM header encodes");
            let mut message = sm::kpm_indication_message(&report).expect("KPM message encodes");
            if truncate && message.len() > 65535 {
                message.truncate(65535);
            }
            let v = vec![
                RicIndicationIes::RicRequestId(ric_request_id(sub.req)),
                RicIndicationIes::RanFunctionId(sub.function),
                RicIndicationIes::RicActionId(a.id),
                RicIndicationIes::RicIndicationSn(sub.sn),
                RicIndicationIes::RicIndicationType(RicIndicationType::Report),
                RicIndicationIes::RicIndicationHeader(Octets::from(header)),
                RicIndicationIes::RicIndicationMessage(Octets::from(message)),
            ];
            sub.sn = sub.sn.wrapping_add(1);
            pdus.push(proto::initiating(InitiatingMessageValue::RicIndication(
                RicIndication {
                    protocol_ies: ies(w, v),
                },
            )));
        }
        for pdu in pdus {
            self.push(t, &pdu);
            let len = self.out.back().map_or(0, |x| x.bytes.len());
            self.stats.indications_sent += 1;
            self.stats.indication_bytes += len as u64;
        }
    }

    /// The next message due at or before `now`, if any; call until `None`.
    pub fn poll_transmit(&mut self, now: Nanos) -> Option<E2Transmit> {
        if self.state == NodeState::Crashed {
            return None;
        }
        if self.out.front().is_none_or(|m| m.at > now) {
            self.run_timers(now);
        }
        if self.out.front().is_some_and(|m| m.at <= now) {
            return self.out.pop_front();
        }
        None
    }

    /// When the node next wants `poll_transmit` called, if ever.
    pub fn poll_timeout(&self) -> Option<Nanos> {
        if self.state == NodeState::Crashed {
            return None;
        }
        let q = self.out.front().map(|m| m.at);
        match (q, self.next_timer()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

fn action_ids(r: &RicSubscriptionRequest<'_>) -> Vec<u8> {
    r.ric_subscription_details()
        .map(|d| {
            d.ric_action_to_be_setup_list
                .iter()
                .filter_map(|a| match &a.value {
                    RicActionToBeSetupItemIes::RicActionToBeSetupItem(a) => Some(a.ric_action_id),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

//! Sans-I/O near-RT RIC: accepts E2 Setup (or refuses it with a cause and
//! Time To Wait, by configuration), subscribes to the node's E2SM-KPM
//! function, collects the indications, sends E2SM-RC control, deletes
//! subscriptions, resets; one state per association, keyed by an ID the
//! caller chooses. [`RicFault`] selects a deliberate defect.

use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};

use codecs::e2ap::aper::BitString;
use codecs::e2ap::{
    Cause, CauseMisc, CauseProtocol, CauseRicRequest, CauseRicService, Criticality, CriticalityDiagnostics,
    E2RemovalFailure, E2RemovalFailureIes, E2RemovalRequest, E2RemovalRequestIes, E2RemovalResponse,
    E2RemovalResponseIes, E2apPdu, E2apVersion, E2nodeComponentConfigAdditionAckItem,
    E2nodeComponentConfigAdditionAckItemIes, E2nodeComponentConfigAdditionItemIes, E2nodeComponentConfigurationAck,
    E2nodeComponentConfigurationAckUpdateOutcome, E2nodeConfigurationUpdateAcknowledge,
    E2nodeConfigurationUpdateAcknowledgeIes, E2nodeConfigurationUpdateFailure, E2nodeConfigurationUpdateFailureIes,
    E2setupFailure, E2setupFailureIes, E2setupRequest, E2setupResponse, E2setupResponseIes, GlobalE2nodeId,
    GlobalRicId, InitiatingMessageValue, IntoOwned, Octets, RanFunctionIdCauseItem, RanFunctionIdCauseItemIes,
    RanFunctionIdItem, RanFunctionIdItemIes, RanFunctionItemIes, RanFunctionsList, ResetRequest, ResetRequestIes,
    ResetResponse, ResetResponseIes, RicActionAdmittedItemIes, RicActionNotAdmittedItemIes, RicActionToBeSetupItem,
    RicActionToBeSetupItemIes, RicActionType, RicControlAckRequest, RicControlRequest, RicControlRequestIes,
    RicIndication, RicServiceQuery, RicServiceQueryIes, RicServiceUpdate, RicServiceUpdateAcknowledge,
    RicServiceUpdateAcknowledgeIes, RicServiceUpdateFailure, RicServiceUpdateFailureIes, RicSubscriptionDeleteRequest,
    RicSubscriptionDeleteRequestIes, RicSubscriptionDetails, RicSubscriptionRequest, RicSubscriptionRequestIes,
    RicSubscriptionWithCauseItemIes, SuccessfulOutcomeValue, TimeToWait, UnsuccessfulOutcomeValue,
};
use serde::{Deserialize, Serialize};

use super::faults::RicFault;
use super::model;
use super::proto::{
    self, E2Transmit, ErrorCounters, IeVerdict, MS, PPID_E2_CP, Received, ReqId, Triggering, ies, ric_request_id,
};
use super::sm::{self, KpmActionDefinition, KpmReport, RcControl, ServiceModel};
use crate::timing::Nanos;

/// The caller's name for one association (one E2 node).
pub type AssocId = u64;

/// One action of a subscription the RIC sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RicActionSpec {
    pub id: u8,
    pub action_type: RicActionType,
    /// `None` sends no action definition.
    pub definition: Option<KpmActionDefinition>,
}

/// How the simulated RIC behaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RicConfig {
    pub version: E2apVersion,
    pub plmn: [u8; 3],
    /// The 20-bit RIC ID.
    pub ric_id: u32,
    /// How many E2 Setup attempts of each node to refuse before accepting.
    pub refuse_setups: u32,
    pub refuse_cause: Cause<'static>,
    pub refuse_time_to_wait: Option<TimeToWait>,
    /// Subscribe to the node's KPM function once set up.
    pub auto_subscribe: bool,
    pub report_period_ms: u32,
    pub actions: Vec<RicActionSpec>,
    pub requestor_id: u16,
    /// How long a node-initiated Service Update or Configuration Update
    /// takes before it is answered (the window in which its transaction ID
    /// is in use).
    pub processing_delay: Nanos,
    pub fault: RicFault,
}

impl RicConfig {
    pub fn new(version: E2apVersion) -> Self {
        RicConfig {
            version,
            plmn: [0x00, 0xf1, 0x10],
            ric_id: 0x5a5a5,
            refuse_setups: 0,
            refuse_cause: Cause::Misc(CauseMisc::ControlProcessingOverload),
            refuse_time_to_wait: Some(TimeToWait::V2s),
            auto_subscribe: true,
            report_period_ms: 1000,
            actions: vec![RicActionSpec {
                id: 1,
                action_type: RicActionType::Report,
                definition: Some(KpmActionDefinition {
                    style: sm::KPM_STYLE_NODE_MEASUREMENT,
                    measurements: model::MEASUREMENTS.iter().map(|s| s.to_string()).collect(),
                    granularity_ms: 1000,
                }),
            }],
            requestor_id: 1021,
            processing_delay: 10 * MS,
            fault: RicFault::None,
        }
    }

    pub fn with_fault(mut self, fault: RicFault) -> Self {
        self.fault = fault;
        self
    }
}

/// Where an association is in E2 Setup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SetupState {
    Awaiting,
    /// Refused; the Time To Wait given ends at `until`.
    Refused {
        until: Nanos,
    },
    Established,
    Removed,
}

/// A RAN function the node announced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RanFunctionInfo {
    pub id: u16,
    pub revision: u16,
    pub oid: Option<String>,
    pub model: Option<ServiceModel>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubState {
    Pending,
    Active,
    Refused(String),
    Deleting,
    Deleted,
    DeleteRefused(String),
}

/// What the RIC knows of one subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RicSubscription {
    pub function: u16,
    pub state: SubState,
    pub admitted: Vec<u8>,
    pub not_admitted: Vec<(u8, String)>,
    pub indications: u64,
    pub bytes: u64,
    pub largest: usize,
    pub last_sn: Option<u16>,
    pub sn_gaps: u64,
    /// Indications whose KPM header or message did not decode.
    pub decode_errors: u64,
    pub last_decode_error: Option<String>,
    pub latest: Option<KpmReport>,
    pub latest_collect_ms: Option<u64>,
    /// Arrival times of the first indications (at most 1024 kept).
    pub arrivals: Vec<Nanos>,
}

impl RicSubscription {
    fn new(function: u16) -> Self {
        RicSubscription {
            function,
            state: SubState::Pending,
            admitted: Vec::new(),
            not_admitted: Vec::new(),
            indications: 0,
            bytes: 0,
            largest: 0,
            last_sn: None,
            sn_gaps: 0,
            decode_errors: 0,
            last_decode_error: None,
            latest: None,
            latest_collect_ms: None,
            arrivals: Vec::new(),
        }
    }
}

/// The RIC's state of one association.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Association {
    pub setup: SetupState,
    pub node_id: Option<GlobalE2nodeId<'static>>,
    pub setup_requests: u32,
    /// Setup requests that came before the Time To Wait given had passed.
    pub early_setup_requests: u32,
    pub refusals: u32,
    pub functions: Vec<RanFunctionInfo>,
    pub subscriptions: BTreeMap<ReqId, RicSubscription>,
    pub controls_acked: u64,
    pub control_failures: Vec<String>,
    pub reset_responses: u64,
    pub resets_received: u64,
    pub service_updates: u64,
    pub config_updates: u64,
    /// Indications of no known subscription.
    pub unknown_indications: u64,
    pub errors: ErrorCounters,
    next_instance: u16,
    next_tid: i64,
    /// Node-initiated procedures being processed: answered at, TID, procedure code, answer.
    processing: Vec<(Nanos, i64, u8, E2apPdu<'static>)>,
}

impl Association {
    fn new() -> Self {
        Association {
            setup: SetupState::Awaiting,
            node_id: None,
            setup_requests: 0,
            early_setup_requests: 0,
            refusals: 0,
            functions: Vec::new(),
            subscriptions: BTreeMap::new(),
            controls_acked: 0,
            control_failures: Vec::new(),
            reset_responses: 0,
            resets_received: 0,
            service_updates: 0,
            config_updates: 0,
            unknown_indications: 0,
            errors: ErrorCounters::default(),
            next_instance: 1,
            next_tid: 0,
            processing: Vec::new(),
        }
    }

    /// The node's function of `model`, if announced.
    pub fn function(&self, model: ServiceModel) -> Option<u16> {
        self.functions.iter().find(|f| f.model == Some(model)).map(|f| f.id)
    }

    /// Indications received over every subscription.
    pub fn indications(&self) -> u64 {
        self.subscriptions.values().map(|s| s.indications).sum()
    }
}

/// The simulated near-RT RIC.
pub struct NearRtRic {
    cfg: RicConfig,
    assocs: BTreeMap<AssocId, Association>,
    out: VecDeque<(AssocId, E2Transmit)>,
    crashed: bool,
    /// Procedures being processed over all associations (spares scanning
    /// them all on every poll when there are none).
    processing: usize,
}

impl NearRtRic {
    pub fn new(cfg: RicConfig) -> Self {
        NearRtRic {
            cfg,
            assocs: BTreeMap::new(),
            out: VecDeque::new(),
            crashed: false,
            processing: 0,
        }
    }

    pub fn config(&self) -> &RicConfig {
        &self.cfg
    }

    /// Whether the RIC has crashed (a fault): it then drops every association.
    pub fn crashed(&self) -> bool {
        self.crashed
    }

    pub fn association(&self, id: AssocId) -> Option<&Association> {
        self.assocs.get(&id)
    }

    pub fn associations(&self) -> impl Iterator<Item = (AssocId, &Association)> {
        self.assocs.iter().map(|(k, v)| (*k, v))
    }

    /// The version the RIC's messages are built with.
    pub fn wire_version(&self) -> E2apVersion {
        match (self.cfg.fault, self.cfg.version) {
            (RicFault::VersionSkew, E2apVersion::V1_00) => E2apVersion::V3_01,
            (RicFault::VersionSkew, _) => E2apVersion::V1_00,
            (_, v) => v,
        }
    }

    /// A node connected on association `id`.
    pub fn association_up(&mut self, _now: Nanos, id: AssocId) {
        self.association_down(id);
        self.assocs.insert(id, Association::new());
    }

    pub fn association_down(&mut self, id: AssocId) {
        if let Some(a) = self.assocs.remove(&id) {
            self.processing -= a.processing.len();
        }
        self.out.retain(|(a, _)| *a != id);
    }

    fn push(&mut self, at: Nanos, id: AssocId, pdu: &E2apPdu<'_>) {
        if self.crashed {
            return;
        }
        let bytes = match proto::encode(self.wire_version(), pdu) {
            Ok(b) => b,
            Err(e) => {
                if let Some(a) = self.assocs.get_mut(&id) {
                    a.errors.encode_failures.push(e);
                }
                return;
            }
        };
        if matches!(pdu, E2apPdu::InitiatingMessage(m) if m.procedure_code() == 2)
            && let Some(a) = self.assocs.get_mut(&id)
        {
            a.errors.error_indications_sent += 1;
        }
        self.out.push_back((
            id,
            E2Transmit {
                at,
                stream: proto::stream_of(pdu),
                ppid: PPID_E2_CP,
                bytes,
            },
        ));
    }

    fn crash(&mut self) {
        self.crashed = true;
        self.out.clear();
    }

    fn alloc(&mut self, id: AssocId) -> Option<(i64, u16)> {
        let a = self.assocs.get_mut(&id)?;
        let tid = a.next_tid;
        a.next_tid = (a.next_tid + 1) % 256;
        let inst = if self.cfg.fault == RicFault::DuplicateRequestId {
            1
        } else {
            let i = a.next_instance;
            a.next_instance = a.next_instance.wrapping_add(1).max(1);
            i
        };
        Some((tid, inst))
    }

    // ---- RIC-initiated procedures ---------------------------------------------------

    /// Subscribe to the node's KPM function with the configured period and
    /// actions.
    pub fn subscribe_kpm(&mut self, now: Nanos, id: AssocId) -> Option<ReqId> {
        let f = self.assocs.get(&id)?.function(ServiceModel::Kpm)?;
        let actions = self.cfg.actions.clone();
        self.subscribe(now, id, f, self.cfg.report_period_ms, &actions)
    }

    /// Send a RIC Subscription Request; returns its RIC request ID.
    pub fn subscribe(
        &mut self,
        now: Nanos,
        id: AssocId,
        function: u16,
        period_ms: u32,
        actions: &[RicActionSpec],
    ) -> Option<ReqId> {
        let (_, inst) = self.alloc(id)?;
        let w = self.wire_version();
        let rid = (self.cfg.requestor_id, inst);
        let trigger = sm::kpm_event_trigger(period_ms).ok()?;
        let list = ies(
            w,
            actions
                .iter()
                .map(|a| {
                    RicActionToBeSetupItemIes::RicActionToBeSetupItem(RicActionToBeSetupItem {
                        ric_action_id: a.id,
                        ric_action_type: a.action_type,
                        ric_action_definition: a
                            .definition
                            .as_ref()
                            .and_then(|d| sm::kpm_action_definition(d).ok())
                            .map(Octets::from),
                        ric_subsequent_action: None,
                        ric_action_execution_order: None,
                    })
                })
                .collect(),
        );
        let pdu = proto::initiating(InitiatingMessageValue::RicSubscriptionRequest(RicSubscriptionRequest {
            protocol_ies: ies(
                w,
                vec![
                    RicSubscriptionRequestIes::RicRequestId(ric_request_id(rid)),
                    RicSubscriptionRequestIes::RanFunctionId(function),
                    RicSubscriptionRequestIes::RicSubscriptionDetails(RicSubscriptionDetails {
                        ric_event_trigger_definition: Octets::from(trigger),
                        ric_action_to_be_setup_list: list,
                    }),
                ],
            ),
        }));
        self.assocs
            .get_mut(&id)?
            .subscriptions
            .insert(rid, RicSubscription::new(function));
        self.push(now, id, &pdu);
        Some(rid)
    }

    /// Send a RIC Subscription Delete Request for `rid` (known or not).
    pub fn delete_subscription(&mut self, now: Nanos, id: AssocId, rid: ReqId, function: u16) {
        let w = self.wire_version();
        let Some(a) = self.assocs.get_mut(&id) else { return };
        if let Some(s) = a.subscriptions.get_mut(&rid) {
            s.state = SubState::Deleting;
        }
        let pdu = proto::initiating(InitiatingMessageValue::RicSubscriptionDeleteRequest(
            RicSubscriptionDeleteRequest {
                protocol_ies: ies(
                    w,
                    vec![
                        RicSubscriptionDeleteRequestIes::RicRequestId(ric_request_id(rid)),
                        RicSubscriptionDeleteRequestIes::RanFunctionId(function),
                    ],
                ),
            },
        ));
        self.push(now, id, &pdu);
    }

    /// Send a RIC Control Request to the node's RC function.
    pub fn send_control(&mut self, now: Nanos, id: AssocId, control: &RcControl) -> Option<ReqId> {
        let f = self.assocs.get(&id)?.function(ServiceModel::Rc)?;
        let (_, inst) = self.alloc(id)?;
        let w = self.wire_version();
        let rid = (self.cfg.requestor_id, inst);
        let pdu = proto::initiating(InitiatingMessageValue::RicControlRequest(RicControlRequest {
            protocol_ies: ies(
                w,
                vec![
                    RicControlRequestIes::RicRequestId(ric_request_id(rid)),
                    RicControlRequestIes::RanFunctionId(f),
                    RicControlRequestIes::RicControlHeader(Octets::from(sm::rc_control_header(control).ok()?)),
                    RicControlRequestIes::RicControlMessage(Octets::from(sm::rc_control_message(control).ok()?)),
                    RicControlRequestIes::RicControlAckRequest(RicControlAckRequest::Ack),
                ],
            ),
        }));
        self.push(now, id, &pdu);
        Some(rid)
    }

    /// Send Reset; the RIC's own subscriptions of the node are gone.
    pub fn send_reset(&mut self, now: Nanos, id: AssocId) {
        let Some((tid, _)) = self.alloc(id) else { return };
        let w = self.wire_version();
        if let Some(a) = self.assocs.get_mut(&id) {
            a.subscriptions.clear();
        }
        let pdu = proto::initiating(InitiatingMessageValue::ResetRequest(ResetRequest {
            protocol_ies: ies(
                w,
                vec![
                    ResetRequestIes::TransactionId(tid),
                    ResetRequestIes::Cause(Cause::Misc(CauseMisc::OmIntervention)),
                ],
            ),
        }));
        self.push(now, id, &pdu);
    }

    /// Send RIC Service Query listing the functions accepted so far.
    pub fn send_service_query(&mut self, now: Nanos, id: AssocId) {
        let Some((tid, _)) = self.alloc(id) else { return };
        let w = self.wire_version();
        let accepted = self.accepted_list(id);
        let mut v = vec![RicServiceQueryIes::TransactionId(tid)];
        if !accepted.is_empty() {
            v.push(RicServiceQueryIes::RanFunctionsAccepted(accepted));
        }
        let pdu = proto::initiating(InitiatingMessageValue::RicServiceQuery(RicServiceQuery {
            protocol_ies: ies(w, v),
        }));
        self.push(now, id, &pdu);
    }

    /// Send E2 Removal Request (v02.03 on).
    pub fn send_removal(&mut self, now: Nanos, id: AssocId) {
        if self.wire_version() < E2apVersion::V2_03 {
            return;
        }
        let Some((tid, _)) = self.alloc(id) else { return };
        let w = self.wire_version();
        let pdu = proto::initiating(InitiatingMessageValue::E2RemovalRequest(E2RemovalRequest {
            protocol_ies: ies(w, vec![E2RemovalRequestIes::TransactionId(tid)]),
        }));
        self.push(now, id, &pdu);
    }

    fn accepted_list(&self, id: AssocId) -> Vec<codecs::e2ap::ProtocolIeField<RanFunctionIdItemIes<'static>>> {
        let w = self.wire_version();
        let fs = self.assocs.get(&id).map(|a| a.functions.clone()).unwrap_or_default();
        ies(
            w,
            fs.iter()
                .filter(|f| f.model.is_some())
                .map(|f| {
                    RanFunctionIdItemIes::RanFunctionIdItem(RanFunctionIdItem {
                        ran_function_id: f.id,
                        ran_function_revision: f.revision,
                    })
                })
                .collect(),
        )
    }

    // ---- receiving --------------------------------------------------------------------

    /// An E2AP message arrived from association `id` on `stream` at `now`.
    pub fn handle_message(&mut self, now: Nanos, id: AssocId, _stream: u16, bytes: &[u8]) {
        if self.crashed {
            return;
        }
        self.assocs.entry(id).or_insert_with(Association::new);
        match proto::receive(self.cfg.version, bytes) {
            Received::Malformed { .. } => {
                if let Some(a) = self.assocs.get_mut(&id) {
                    a.errors.malformed_received += 1;
                }
                if self.cfg.fault != RicFault::SilentOnMalformed {
                    let pdu = proto::error_indication(
                        self.wire_version(),
                        None,
                        None,
                        Cause::Protocol(CauseProtocol::TransferSyntaxError),
                        None,
                    );
                    self.push(now, id, &pdu);
                }
            }
            Received::ErroneousIe { trig, item, rest } => {
                let cause = Cause::Protocol(CauseProtocol::AbstractSyntaxErrorReject);
                let diag = trig.diagnostics(vec![item]);
                match rest {
                    Some(pdu) if self.cfg.fault == RicFault::IgnoreRejectCriticality => {
                        self.handle_pdu(now, id, bytes.len(), *pdu, IeVerdict::default(), trig)
                    }
                    Some(pdu) => self.reject(now, id, &pdu, cause, diag),
                    None => {
                        let pdu = proto::error_indication(self.wire_version(), None, None, cause, Some(diag));
                        self.push(now, id, &pdu);
                    }
                }
            }
            Received::Pdu { pdu, verdict, trig } => self.handle_pdu(now, id, bytes.len(), pdu, verdict, trig),
        }
    }

    fn handle_pdu(
        &mut self,
        now: Nanos,
        id: AssocId,
        len: usize,
        pdu: E2apPdu<'static>,
        verdict: IeVerdict,
        trig: Triggering,
    ) {
        let unknown = match &pdu {
            E2apPdu::InitiatingMessage(m) => matches!(m.value, InitiatingMessageValue::Unknown(_)),
            E2apPdu::SuccessfulOutcome(m) => matches!(m.value, SuccessfulOutcomeValue::Unknown(_)),
            E2apPdu::UnsuccessfulOutcome(m) => matches!(m.value, UnsuccessfulOutcomeValue::Unknown(_)),
            E2apPdu::Extension(_) => true,
        };
        if unknown {
            if self.cfg.fault == RicFault::CrashOnUnknownProcedure {
                return self.crash();
            }
            let cause = match trig.criticality {
                Criticality::Reject => CauseProtocol::AbstractSyntaxErrorReject,
                Criticality::Notify => CauseProtocol::AbstractSyntaxErrorIgnoreAndNotify,
                Criticality::Ignore => return,
            };
            let out = proto::error_indication(
                self.wire_version(),
                None,
                None,
                Cause::Protocol(cause),
                Some(trig.diagnostics(Vec::new())),
            );
            return self.push(now, id, &out);
        }
        if verdict.rejects() && self.cfg.fault != RicFault::IgnoreRejectCriticality {
            let diag = trig.diagnostics(verdict.reject.clone());
            return self.reject(now, id, &pdu, verdict.reject_cause(), diag);
        }
        match pdu {
            E2apPdu::InitiatingMessage(m) => match m.value {
                InitiatingMessageValue::E2setupRequest(r) => self.on_setup(now, id, &r),
                InitiatingMessageValue::RicIndication(r) => self.on_indication(now, id, len, &r),
                InitiatingMessageValue::ErrorIndication(e) => {
                    if self.cfg.fault == RicFault::CrashOnErrorIndication {
                        return self.crash();
                    }
                    if let Some(a) = self.assocs.get_mut(&id) {
                        a.errors.error_indications_received.push(proto::cause_text(e.cause()));
                    }
                }
                InitiatingMessageValue::ResetRequest(r) => {
                    let w = self.wire_version();
                    if let Some(a) = self.assocs.get_mut(&id) {
                        a.resets_received += 1;
                        if self.cfg.fault != RicFault::KeepSubscriptionsAfterReset {
                            a.subscriptions.clear();
                        }
                    }
                    let out = proto::successful(SuccessfulOutcomeValue::ResetResponse(ResetResponse {
                        protocol_ies: ies(
                            w,
                            vec![ResetResponseIes::TransactionId(
                                r.transaction_id().copied().unwrap_or(0),
                            )],
                        ),
                    }));
                    self.push(now, id, &out);
                }
                InitiatingMessageValue::RicServiceUpdate(u) => self.on_service_update(now, id, &u, trig),
                InitiatingMessageValue::E2nodeConfigurationUpdate(u) => {
                    let tid = u.transaction_id().copied().unwrap_or(0);
                    let w = self.wire_version();
                    let out = proto::successful(SuccessfulOutcomeValue::E2nodeConfigurationUpdateAcknowledge(
                        E2nodeConfigurationUpdateAcknowledge {
                            protocol_ies: ies(w, vec![E2nodeConfigurationUpdateAcknowledgeIes::TransactionId(tid)]),
                        },
                    ));
                    if self.begin_processing(now, id, tid, 10, out, trig)
                        && let Some(a) = self.assocs.get_mut(&id)
                    {
                        a.config_updates += 1;
                    }
                }
                InitiatingMessageValue::E2RemovalRequest(r) => {
                    let w = self.wire_version();
                    let out = proto::successful(SuccessfulOutcomeValue::E2RemovalResponse(E2RemovalResponse {
                        protocol_ies: ies(
                            w,
                            vec![E2RemovalResponseIes::TransactionId(
                                r.transaction_id().copied().unwrap_or(0),
                            )],
                        ),
                    }));
                    self.push(now, id, &out);
                    if let Some(a) = self.assocs.get_mut(&id) {
                        a.setup = SetupState::Removed;
                        a.subscriptions.clear();
                    }
                }
                InitiatingMessageValue::RicSubscriptionDeleteRequired(r) => {
                    let items: Vec<(ReqId, u16)> = r
                        .ric_subscription_to_be_removed()
                        .map(|l| {
                            l.iter()
                                .filter_map(|i| match &i.value {
                                    RicSubscriptionWithCauseItemIes::RicSubscriptionWithCauseItem(x) => {
                                        Some((proto::req_id(&x.ric_request_id), x.ran_function_id))
                                    }
                                    _ => None,
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    for (rid, f) in items {
                        self.delete_subscription(now, id, rid, f);
                    }
                }
                _ => self.not_compatible(now, id, trig),
            },
            E2apPdu::SuccessfulOutcome(m) => {
                let Some(a) = self.assocs.get_mut(&id) else { return };
                match m.value {
                    SuccessfulOutcomeValue::RicSubscriptionResponse(r) => {
                        let rid = r.ric_request_id().map_or((0, 0), proto::req_id);
                        match a.subscriptions.get_mut(&rid) {
                            Some(s) => {
                                s.state = SubState::Active;
                                s.admitted = r
                                    .ric_actions_admitted()
                                    .map(|l| {
                                        l.iter()
                                            .filter_map(|i| match &i.value {
                                                RicActionAdmittedItemIes::RicActionAdmittedItem(x) => {
                                                    Some(x.ric_action_id)
                                                }
                                                _ => None,
                                            })
                                            .collect()
                                    })
                                    .unwrap_or_default();
                                s.not_admitted = r
                                    .ric_actions_not_admitted()
                                    .map(|l| {
                                        l.iter()
                                            .filter_map(|i| match &i.value {
                                                RicActionNotAdmittedItemIes::RicActionNotAdmittedItem(x) => {
                                                    Some((x.ric_action_id, format!("{:?}", x.cause)))
                                                }
                                                _ => None,
                                            })
                                            .collect()
                                    })
                                    .unwrap_or_default();
                            }
                            None => self.not_compatible(now, id, trig),
                        }
                    }
                    SuccessfulOutcomeValue::RicSubscriptionDeleteResponse(r) => {
                        let rid = r.ric_request_id().map_or((0, 0), proto::req_id);
                        if let Some(s) = a.subscriptions.get_mut(&rid) {
                            s.state = SubState::Deleted;
                        }
                    }
                    SuccessfulOutcomeValue::RicControlAcknowledge(_) => a.controls_acked += 1,
                    SuccessfulOutcomeValue::ResetResponse(_) => a.reset_responses += 1,
                    SuccessfulOutcomeValue::E2RemovalResponse(_) => {
                        a.setup = SetupState::Removed;
                        a.subscriptions.clear();
                    }
                    SuccessfulOutcomeValue::E2connectionUpdateAcknowledge(_) => {}
                    _ => self.not_compatible(now, id, trig),
                }
            }
            E2apPdu::UnsuccessfulOutcome(m) => {
                let Some(a) = self.assocs.get_mut(&id) else { return };
                match m.value {
                    UnsuccessfulOutcomeValue::RicSubscriptionFailure(f) => {
                        let rid = f.ric_request_id().map_or((0, 0), proto::req_id);
                        let cause = match (f.cause(), f.ric_actions_not_admitted()) {
                            (Some(c), _) => format!("{c:?}"),
                            (None, Some(l)) => l
                                .iter()
                                .find_map(|i| match &i.value {
                                    RicActionNotAdmittedItemIes::RicActionNotAdmittedItem(x) => {
                                        Some(format!("{:?}", x.cause))
                                    }
                                    _ => None,
                                })
                                .unwrap_or_else(|| "no cause".into()),
                            _ => "no cause".into(),
                        };
                        if let Some(s) = a.subscriptions.get_mut(&rid) {
                            s.state = SubState::Refused(cause);
                        }
                    }
                    UnsuccessfulOutcomeValue::RicSubscriptionDeleteFailure(f) => {
                        let rid = f.ric_request_id().map_or((0, 0), proto::req_id);
                        let cause = proto::cause_text(f.cause());
                        a.subscriptions
                            .entry(rid)
                            .or_insert_with(|| RicSubscription::new(f.ran_function_id().copied().unwrap_or(0)))
                            .state = SubState::DeleteRefused(cause);
                    }
                    UnsuccessfulOutcomeValue::RicControlFailure(f) => {
                        a.control_failures.push(proto::cause_text(f.cause()));
                    }
                    UnsuccessfulOutcomeValue::E2RemovalFailure(_)
                    | UnsuccessfulOutcomeValue::E2connectionUpdateFailure(_) => {}
                    _ => self.not_compatible(now, id, trig),
                }
            }
            E2apPdu::Extension(_) => {}
        }
        if !verdict.notify.is_empty() && self.cfg.fault != RicFault::NoNotifyErrorIndication {
            let out = proto::error_indication(
                self.wire_version(),
                None,
                None,
                Cause::Protocol(CauseProtocol::AbstractSyntaxErrorIgnoreAndNotify),
                Some(trig.diagnostics(verdict.notify)),
            );
            self.push(now, id, &out);
        }
    }

    fn not_compatible(&mut self, now: Nanos, id: AssocId, trig: Triggering) {
        let out = proto::error_indication(
            self.wire_version(),
            None,
            None,
            Cause::Protocol(CauseProtocol::MessageNotCompatibleWithReceiverState),
            Some(trig.diagnostics(Vec::new())),
        );
        self.push(now, id, &out);
    }

    /// Start processing a node-initiated global procedure answered after the
    /// processing delay; `false` when its transaction ID is already in use
    /// (then answered by an Error Indication).
    fn begin_processing(
        &mut self,
        now: Nanos,
        id: AssocId,
        tid: i64,
        pc: u8,
        answer: E2apPdu<'static>,
        trig: Triggering,
    ) -> bool {
        let has_tid = self.wire_version() >= E2apVersion::V2_03 && self.cfg.version >= E2apVersion::V2_03;
        let fault = self.cfg.fault;
        let delay = self.cfg.processing_delay;
        let Some(a) = self.assocs.get_mut(&id) else {
            return false;
        };
        let in_use = has_tid && a.processing.iter().any(|p| p.1 == tid && p.2 == pc);
        if in_use && fault != RicFault::AcceptReusedTransactionId {
            let out = proto::error_indication(
                self.wire_version(),
                Some(tid),
                None,
                Cause::Protocol(CauseProtocol::MessageNotCompatibleWithReceiverState),
                Some(trig.diagnostics(Vec::new())),
            );
            self.push(now, id, &out);
            return false;
        }
        a.processing.push((now + delay, tid, pc, answer));
        self.processing += 1;
        true
    }

    fn reject(
        &mut self,
        now: Nanos,
        id: AssocId,
        pdu: &E2apPdu<'_>,
        cause: Cause<'static>,
        diag: CriticalityDiagnostics,
    ) {
        let w = self.wire_version();
        let tid = proto::transaction_id_of(pdu);
        if let E2apPdu::InitiatingMessage(m) = pdu {
            let t = tid.unwrap_or(0);
            let out = match &m.value {
                InitiatingMessageValue::E2setupRequest(_) => Some(proto::unsuccessful(
                    UnsuccessfulOutcomeValue::E2setupFailure(E2setupFailure {
                        protocol_ies: ies(
                            w,
                            vec![
                                E2setupFailureIes::TransactionId(t),
                                E2setupFailureIes::Cause(cause.clone()),
                                E2setupFailureIes::CriticalityDiagnostics(diag.clone()),
                            ],
                        ),
                    }),
                )),
                InitiatingMessageValue::RicServiceUpdate(_) => Some(proto::unsuccessful(
                    UnsuccessfulOutcomeValue::RicServiceUpdateFailure(RicServiceUpdateFailure {
                        protocol_ies: ies(
                            w,
                            vec![
                                RicServiceUpdateFailureIes::TransactionId(t),
                                RicServiceUpdateFailureIes::Cause(cause.clone()),
                                RicServiceUpdateFailureIes::CriticalityDiagnostics(diag.clone()),
                            ],
                        ),
                    }),
                )),
                InitiatingMessageValue::E2nodeConfigurationUpdate(_) => Some(proto::unsuccessful(
                    UnsuccessfulOutcomeValue::E2nodeConfigurationUpdateFailure(E2nodeConfigurationUpdateFailure {
                        protocol_ies: ies(
                            w,
                            vec![
                                E2nodeConfigurationUpdateFailureIes::TransactionId(t),
                                E2nodeConfigurationUpdateFailureIes::Cause(cause.clone()),
                                E2nodeConfigurationUpdateFailureIes::CriticalityDiagnostics(diag.clone()),
                            ],
                        ),
                    }),
                )),
                InitiatingMessageValue::E2RemovalRequest(_) => Some(proto::unsuccessful(
                    UnsuccessfulOutcomeValue::E2RemovalFailure(E2RemovalFailure {
                        protocol_ies: ies(
                            w,
                            vec![
                                E2RemovalFailureIes::TransactionId(t),
                                E2RemovalFailureIes::Cause(cause.clone()),
                                E2RemovalFailureIes::CriticalityDiagnostics(diag.clone()),
                            ],
                        ),
                    }),
                )),
                _ => None,
            };
            if let Some(out) = out {
                return self.push(now, id, &out);
            }
        }
        let tid = tid.filter(|_| w >= E2apVersion::V2_03);
        let out = proto::error_indication(w, tid, proto::request_of(pdu), cause, Some(diag));
        self.push(now, id, &out);
    }

    fn functions_of(list: Option<&RanFunctionsList<'_>>) -> Vec<RanFunctionInfo> {
        list.map(|l| {
            l.iter()
                .filter_map(|i| match &i.value {
                    RanFunctionItemIes::RanFunctionItem(f) => {
                        let oid = f.ran_function_oid.as_ref().map(|o| o.to_string());
                        let model = oid
                            .as_deref()
                            .and_then(sm::model_of_oid)
                            .or_else(|| sm::identify(&f.ran_function_definition));
                        Some(RanFunctionInfo {
                            id: f.ran_function_id,
                            revision: f.ran_function_revision,
                            oid,
                            model,
                        })
                    }
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
    }

    fn on_setup(&mut self, now: Nanos, id: AssocId, r: &E2setupRequest<'_>) {
        let w = self.wire_version();
        let tid = r.transaction_id().copied().unwrap_or(0);
        let fault = self.cfg.fault;
        let refuse_setups = self.cfg.refuse_setups;
        let Some(a) = self.assocs.get_mut(&id) else { return };
        a.setup_requests += 1;
        let early = matches!(a.setup, SetupState::Refused { until } if now < until);
        if early {
            a.early_setup_requests += 1;
        }
        let refuse = (early && fault != RicFault::AcceptEarlySetup) || a.refusals < refuse_setups;
        if refuse {
            let ttw = self.cfg.refuse_time_to_wait.filter(|_| fault != RicFault::NoTimeToWait);
            if !early {
                a.refusals += 1;
            }
            if let Some(t) = ttw {
                a.setup = SetupState::Refused {
                    until: now + proto::time_to_wait(t),
                };
            } else {
                a.setup = SetupState::Awaiting;
            }
            let mut v = vec![
                E2setupFailureIes::TransactionId(tid),
                E2setupFailureIes::Cause(self.cfg.refuse_cause.clone()),
            ];
            if let Some(t) = ttw {
                v.push(E2setupFailureIes::TimeToWait(t));
            }
            let out = proto::unsuccessful(UnsuccessfulOutcomeValue::E2setupFailure(E2setupFailure {
                protocol_ies: ies(w, v),
            }));
            return self.push(now, id, &out);
        }
        a.setup = SetupState::Established;
        a.node_id = r.global_e2node_id().cloned().map(|g| g.into_owned());
        a.functions = Self::functions_of(r.ran_functions_added());
        a.subscriptions.clear();
        let accepted = a.functions.iter().filter(|f| f.model.is_some());
        let accepted = ies(
            w,
            accepted
                .map(|f| {
                    RanFunctionIdItemIes::RanFunctionIdItem(RanFunctionIdItem {
                        ran_function_id: f.id,
                        ran_function_revision: f.revision,
                    })
                })
                .collect(),
        );
        let not_supported = if w >= E2apVersion::V2_03 {
            CauseRicService::RanFunctionNotSupported
        } else {
            CauseRicService::FunctionNotRequired
        };
        let rejected = ies(
            w,
            a.functions
                .iter()
                .filter(|f| f.model.is_none())
                .map(|f| {
                    RanFunctionIdCauseItemIes::RanFunctionIeCauseItem(RanFunctionIdCauseItem {
                        ran_function_id: f.id,
                        cause: Cause::RicService(not_supported),
                    })
                })
                .collect(),
        );
        let comp_ack = ies(
            w,
            r.e2node_component_config_addition()
                .map(|l| {
                    l.iter()
                        .filter_map(|i| match &i.value {
                            E2nodeComponentConfigAdditionItemIes::E2nodeComponentConfigAdditionItem(c) => Some(
                                E2nodeComponentConfigAdditionAckItemIes::E2nodeComponentConfigAdditionAckItem(
                                    E2nodeComponentConfigAdditionAckItem {
                                        e2node_component_interface_type: c.e2node_component_interface_type,
                                        e2node_component_id: c.e2node_component_id.clone().into_owned(),
                                        e2node_component_configuration_ack: E2nodeComponentConfigurationAck {
                                            update_outcome: E2nodeComponentConfigurationAckUpdateOutcome::Success,
                                            failure_cause: None,
                                        },
                                    },
                                ),
                            ),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default(),
        );
        // Lists are SIZE (1..): an empty one is left out.
        let mut v = vec![
            E2setupResponseIes::TransactionId(tid),
            E2setupResponseIes::GlobalRicId(self.global_ric_id()),
        ];
        if !accepted.is_empty() {
            v.push(E2setupResponseIes::RanFunctionsAccepted(accepted));
        }
        if !rejected.is_empty() {
            v.push(E2setupResponseIes::RanFunctionsRejected(rejected));
        }
        if !comp_ack.is_empty() {
            v.push(E2setupResponseIes::E2nodeComponentConfigAdditionAck(comp_ack));
        }
        let out = proto::successful(SuccessfulOutcomeValue::E2setupResponse(E2setupResponse {
            protocol_ies: ies(w, v),
        }));
        self.push(now, id, &out);
        if self.cfg.auto_subscribe {
            self.subscribe_kpm(now, id);
        }
    }

    fn global_ric_id(&self) -> GlobalRicId<'static> {
        let v = (self.cfg.ric_id & 0xf_ffff) << 12;
        GlobalRicId {
            plmn_identity: Octets::from(self.cfg.plmn.to_vec()),
            ric_id: BitString {
                bytes: Cow::Owned(v.to_be_bytes()[..3].to_vec()),
                bits: 20,
            },
        }
    }

    fn on_service_update(&mut self, now: Nanos, id: AssocId, u: &RicServiceUpdate<'_>, trig: Triggering) {
        let w = self.wire_version();
        let tid = u.transaction_id().copied().unwrap_or(0);
        let added = Self::functions_of(u.ran_functions_added());
        let modified = Self::functions_of(u.ran_functions_modified());
        let accepted: Vec<_> = added
            .iter()
            .chain(&modified)
            .filter(|f| f.model.is_some())
            .cloned()
            .collect();
        // Lists are SIZE (1..): an empty one is left out.
        let mut v = vec![RicServiceUpdateAcknowledgeIes::TransactionId(tid)];
        if !accepted.is_empty() {
            let items = accepted
                .iter()
                .map(|f| {
                    RanFunctionIdItemIes::RanFunctionIdItem(RanFunctionIdItem {
                        ran_function_id: f.id,
                        ran_function_revision: f.revision,
                    })
                })
                .collect();
            v.push(RicServiceUpdateAcknowledgeIes::RanFunctionsAccepted(ies(w, items)));
        }
        let out = proto::successful(SuccessfulOutcomeValue::RicServiceUpdateAcknowledge(
            RicServiceUpdateAcknowledge {
                protocol_ies: ies(w, v),
            },
        ));
        if !self.begin_processing(now, id, tid, 7, out, trig) {
            return;
        }
        let Some(a) = self.assocs.get_mut(&id) else { return };
        a.service_updates += 1;
        for f in accepted {
            a.functions.retain(|x| x.id != f.id);
            a.functions.push(f);
        }
    }

    fn on_indication(&mut self, now: Nanos, id: AssocId, len: usize, r: &RicIndication<'_>) {
        if self.cfg.fault == RicFault::RejectOversized && len > 65536 {
            if let Some(a) = self.assocs.get_mut(&id) {
                a.errors.malformed_received += 1;
            }
            let out = proto::error_indication(
                self.wire_version(),
                None,
                None,
                Cause::Protocol(CauseProtocol::TransferSyntaxError),
                None,
            );
            return self.push(now, id, &out);
        }
        let rid = r.ric_request_id().map_or((0, 0), proto::req_id);
        let fid = r.ran_function_id().copied().unwrap_or(0);
        let Some(a) = self.assocs.get_mut(&id) else { return };
        let Some(s) = a.subscriptions.get_mut(&rid) else {
            a.unknown_indications += 1;
            let out = proto::error_indication(
                self.wire_version(),
                None,
                Some((rid, fid)),
                Cause::RicRequest(CauseRicRequest::RequestIdUnknown),
                None,
            );
            return self.push(now, id, &out);
        };
        s.indications += 1;
        s.bytes += len as u64;
        s.largest = s.largest.max(len);
        if s.arrivals.len() < 1024 {
            s.arrivals.push(now);
        }
        let sn = r.ric_indication_sn().copied();
        if let (Some(last), Some(sn)) = (s.last_sn, sn)
            && sn != last.wrapping_add(1)
        {
            s.sn_gaps += 1;
        }
        s.last_sn = sn.or(s.last_sn);
        let header = r.ric_indication_header().map(|h| sm::decode_kpm_indication_header(h));
        let message = r.ric_indication_message().map(|m| sm::decode_kpm_indication_message(m));
        match (header, message) {
            (Some(Ok(h)), Some(Ok(m))) => {
                s.latest_collect_ms = Some(h);
                s.latest = Some(m);
            }
            (h, m) => {
                s.decode_errors += 1;
                let err = match (h, m) {
                    (Some(Err(e)), _) => format!("header: {e}"),
                    (_, Some(Err(e))) => format!("message: {e}"),
                    _ => "header or message absent".to_string(),
                };
                s.last_decode_error = Some(err);
            }
        }
    }

    // ---- timers and output ------------------------------------------------------------

    fn next_timer(&self) -> Option<Nanos> {
        if self.processing == 0 {
            return None;
        }
        self.assocs
            .values()
            .flat_map(|a| a.processing.iter().map(|p| p.0))
            .min()
    }

    /// The next message due at or before `now`, with its association.
    pub fn poll_transmit(&mut self, now: Nanos) -> Option<(AssocId, E2Transmit)> {
        if self.crashed {
            return None;
        }
        if self.out.front().is_none_or(|m| m.1.at > now) {
            while let Some(t) = self.next_timer().filter(|&t| t <= now) {
                let mut due = Vec::new();
                for (&id, a) in self.assocs.iter_mut() {
                    while let Some(i) = a.processing.iter().position(|p| p.0 == t) {
                        due.push((id, a.processing.remove(i).3));
                    }
                }
                self.processing -= due.len();
                for (id, pdu) in due {
                    self.push(t, id, &pdu);
                }
            }
        }
        if self.out.front().is_some_and(|m| m.1.at <= now) {
            return self.out.pop_front();
        }
        None
    }

    /// When the RIC next wants `poll_transmit` called, if ever.
    pub fn poll_timeout(&self) -> Option<Nanos> {
        if self.crashed {
            return None;
        }
        let q = self.out.front().map(|m| m.1.at);
        match (q, self.next_timer()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

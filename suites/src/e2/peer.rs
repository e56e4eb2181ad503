//! The harness's side of the E2 association: it plays the near-RT RIC to an
//! E2 node under test, or the E2 node to a near-RT RIC under test. It sends
//! what a case builds, decodes leniently what comes back (under the version
//! under test, else under any version that reads it) and keeps everything
//! for the case to judge.

use super::port::{E2Event, E2Port, Nanos};
use codecs::e2ap::aper::{BitString, Reassembly};
use codecs::e2ap::{
    self, Cause, CauseMisc, Criticality, E2apPdu, E2apVersion, E2nodeComponentConfigAdditionAckItem,
    E2nodeComponentConfigAdditionAckItemIes, E2nodeComponentConfigAdditionItemIes, E2nodeComponentConfigurationAck,
    E2nodeComponentConfigurationAckUpdateOutcome, E2setupFailure, E2setupFailureIes, E2setupRequest, E2setupRequestIes,
    E2setupResponse, E2setupResponseIes, ErrorIndicationIes, GlobalRicId, InitiatingMessage, InitiatingMessageValue,
    IntoOwned, Octets, ProtocolIeField, RanFunctionIdItem, RanFunctionIdItemIes, RanFunctionItemIes, ResetRequest,
    ResetRequestIes, RicActionAdmittedItem, RicActionAdmittedItemIes, RicActionToBeSetupItem,
    RicActionToBeSetupItemIes, RicActionType, RicControlAckRequest, RicControlRequest, RicControlRequestIes,
    RicIndication, RicIndicationIes, RicIndicationType, RicServiceQuery, RicServiceQueryIes, RicServiceUpdate,
    RicServiceUpdateAcknowledge, RicServiceUpdateAcknowledgeIes, RicServiceUpdateIes, RicSubscriptionDeleteRequest,
    RicSubscriptionDeleteRequestIes, RicSubscriptionDetails, RicSubscriptionRequest, RicSubscriptionRequestIes,
    RicSubscriptionResponse, RicSubscriptionResponseIes, SuccessfulOutcomeValue, TimeToWait, UnknownIe, UnknownMessage,
    UnsuccessfulOutcomeValue,
};
use sim::e2::proto::{self, ReqId, ies, ric_request_id};
use sim::e2::sm::{self, KpmActionDefinition, RcControl, ServiceModel};
use std::borrow::Cow;

pub const MS: Nanos = 1_000_000;
pub const SECOND: Nanos = 1_000_000_000;

/// One message from the DUT, decoded as far as it goes.
#[derive(Debug, Clone)]
pub struct Rx {
    pub at: Nanos,
    pub stream: u16,
    pub ppid: u32,
    pub bytes: Vec<u8>,
    pub pdu: Option<E2apPdu<'static>>,
    /// The version it decoded under (the version under test when it could).
    pub decoded_as: Option<E2apVersion>,
    /// Why it did not decode under the version under test.
    pub error: Option<String>,
}

impl Rx {
    /// The message's ASN.1 name, or what it is when it has none.
    pub fn name(&self) -> &'static str {
        match &self.pdu {
            Some(p) => p.message_name().unwrap_or("an unknown procedure's message"),
            None => "an undecodable PDU",
        }
    }

    pub fn is(&self, name: &str) -> bool {
        self.pdu.as_ref().and_then(|p| p.message_name()) == Some(name)
    }

    pub fn cause(&self) -> Option<Cause<'static>> {
        self.pdu.as_ref().and_then(cause_of)
    }

    pub fn transaction_id(&self) -> Option<i64> {
        self.pdu.as_ref().and_then(proto::transaction_id_of)
    }

    pub fn request(&self) -> Option<(ReqId, u16)> {
        self.pdu.as_ref().and_then(proto::request_of)
    }

    pub fn describe(&self) -> String {
        match self.cause() {
            Some(c) => format!("{} (cause {})", self.name(), cause_name(&c)),
            None => self.name().to_string(),
        }
    }
}

/// Decode `bytes` under `v`, else under the first other version that reads it.
pub fn decode_lenient(v: E2apVersion, bytes: &[u8]) -> (Option<E2apPdu<'static>>, Option<E2apVersion>, Option<String>) {
    decode_preferring(v, v, bytes)
}

/// Decode `bytes` under `prefer` (the version the DUT was seen to speak),
/// else under `v`, else under any version that reads it; the error is why
/// it does not decode under `v`.
fn decode_preferring(
    v: E2apVersion,
    prefer: E2apVersion,
    bytes: &[u8],
) -> (Option<E2apPdu<'static>>, Option<E2apVersion>, Option<String>) {
    if prefer != v {
        let r = Reassembly::default();
        if let Ok(p) = e2ap::decode_with(prefer, bytes, &r) {
            let own = {
                let r = Reassembly::default();
                e2ap::decode_with(v, bytes, &r).err().map(|e| e.to_string())
            };
            return (Some(p.into_owned()), Some(prefer), own);
        }
    }
    let own = {
        let r = Reassembly::default();
        e2ap::decode_with(v, bytes, &r).map(|p| p.into_owned())
    };
    match own {
        Ok(p) => (Some(p), Some(v), None),
        Err(e) => {
            for other in E2apVersion::ALL.into_iter().filter(|&o| o != v) {
                let r = Reassembly::default();
                if let Ok(p) = e2ap::decode_with(other, bytes, &r) {
                    return (Some(p.into_owned()), Some(other), Some(e.to_string()));
                }
            }
            (None, None, Some(e.to_string()))
        }
    }
}

/// The Cause of the messages that carry one.
pub fn cause_of(p: &E2apPdu<'_>) -> Option<Cause<'static>> {
    let c = match p {
        E2apPdu::InitiatingMessage(m) => match &m.value {
            InitiatingMessageValue::ErrorIndication(e) => e.cause(),
            InitiatingMessageValue::ResetRequest(r) => r.cause(),
            _ => None,
        },
        E2apPdu::UnsuccessfulOutcome(m) => match &m.value {
            UnsuccessfulOutcomeValue::RicSubscriptionFailure(f) => f.cause().or_else(|| {
                // v01.00 gives the cause per refused action.
                f.ric_actions_not_admitted().and_then(|l| {
                    l.iter().find_map(|i| match &i.value {
                        codecs::e2ap::RicActionNotAdmittedItemIes::RicActionNotAdmittedItem(x) => Some(&x.cause),
                        _ => None,
                    })
                })
            }),
            UnsuccessfulOutcomeValue::RicSubscriptionDeleteFailure(f) => f.cause(),
            UnsuccessfulOutcomeValue::RicControlFailure(f) => f.cause(),
            UnsuccessfulOutcomeValue::E2setupFailure(f) => f.cause(),
            UnsuccessfulOutcomeValue::RicServiceUpdateFailure(f) => f.cause(),
            _ => None,
        },
        _ => None,
    };
    c.cloned().map(IntoOwned::into_owned)
}

fn kebab(s: &str) -> String {
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// A Cause as the ASN.1 names it, e.g. `ricRequest/ran-function-id-invalid`.
pub fn cause_name(c: &Cause<'_>) -> String {
    let dbg = format!("{c:?}");
    let (group, item) = dbg.split_once('(').unwrap_or((&dbg, ""));
    let group = match group {
        "RicRequest" => "ricRequest",
        "RicService" => "ricService",
        "E2Node" => "e2Node",
        "Transport" => "transport",
        "Protocol" => "protocol",
        "Misc" => "misc",
        g => g,
    };
    format!("{group}/{}", kebab(item.trim_end_matches(')')))
}

/// The harness end of the association, in one E2AP version.
pub struct Peer<'p> {
    port: &'p mut dyn E2Port,
    pub v: E2apVersion,
    pub ppid: u32,
    /// Every message received, in order.
    pub rx: Vec<Rx>,
    pub down: Option<(Nanos, String)>,
    /// The version the DUT turned out to speak when it is not the one under
    /// test (its first message valid under others only): its messages are
    /// then read in that version, so that a case judges behaviour, not the
    /// skew, which the version cases judge.
    pub dut_version: Option<E2apVersion>,
    /// A test-bed problem (encoding, port): judged as an error, not the DUT's.
    pub port_error: Option<String>,
    next_tid: i64,
    next_instance: u16,
}

impl<'p> Peer<'p> {
    pub fn new(port: &'p mut dyn E2Port, v: E2apVersion, ppid: u32) -> Self {
        Peer {
            port,
            v,
            ppid,
            rx: Vec::new(),
            down: None,
            dut_version: None,
            port_error: None,
            next_tid: 100,
            next_instance: 1,
        }
    }

    pub fn now(&self) -> Nanos {
        self.port.now()
    }

    pub fn has_tid(&self) -> bool {
        self.v >= E2apVersion::V2_03
    }

    pub fn tid(&mut self) -> i64 {
        let t = self.next_tid;
        self.next_tid = (self.next_tid + 1) % 256;
        t
    }

    /// The transaction ID `tid` handed out last.
    pub fn last_tid(&self) -> i64 {
        (self.next_tid + 255) % 256
    }

    /// A fresh RIC request ID (requestor 1234).
    pub fn rid(&mut self) -> ReqId {
        let i = self.next_instance;
        self.next_instance += 1;
        (1234, i)
    }

    /// Send a PDU encoded under the version under test, on the stream its
    /// procedure belongs to.
    pub fn send(&mut self, pdu: &E2apPdu<'_>) -> bool {
        match e2ap::encode(self.v, pdu) {
            Ok(b) => self.send_raw(proto::stream_of(pdu), b),
            Err(e) => {
                self.port_error
                    .get_or_insert_with(|| format!("could not encode {:?}: {e}", pdu.message_name()));
                false
            }
        }
    }

    pub fn send_raw(&mut self, stream: u16, bytes: Vec<u8>) -> bool {
        if self.down.is_some() {
            return false;
        }
        match self.port.send(stream, self.ppid, bytes) {
            Ok(()) => true,
            Err(e) => {
                self.port_error.get_or_insert_with(|| e.to_string());
                false
            }
        }
    }

    /// Receive one message arriving by `deadline`; its index in `rx`.
    pub fn next(&mut self, deadline: Nanos) -> Option<usize> {
        if self.down.is_some() || self.port_error.is_some() {
            return None;
        }
        match self.port.recv_until(deadline) {
            Ok(Some(E2Event::Message(m))) => {
                if self.dut_version.is_none() {
                    let valid = e2ap::valid_versions(&m.bytes);
                    if !valid.is_empty() && !valid.contains(&self.v) {
                        // The nearest version it is valid under.
                        self.dut_version = valid.iter().copied().min_by_key(|x| (*x as i32 - self.v as i32).abs());
                    } else if valid.is_empty() && self.v == E2apVersion::V1_00 {
                        // Valid under none, yet carrying a TransactionID:
                        // a later version's message.
                        let r = Reassembly::default();
                        if let Ok(p) = e2ap::decode_with(E2apVersion::V3_01, &m.bytes, &r)
                            && proto::transaction_id_of(&p).is_some()
                        {
                            self.dut_version = Some(E2apVersion::V3_01);
                        }
                    }
                }
                let prefer = self.dut_version.unwrap_or(self.v);
                let (pdu, decoded_as, error) = decode_preferring(self.v, prefer, &m.bytes);
                self.rx.push(Rx {
                    at: m.at,
                    stream: m.stream,
                    ppid: m.ppid,
                    bytes: m.bytes,
                    pdu,
                    decoded_as,
                    error,
                });
                Some(self.rx.len() - 1)
            }
            Ok(Some(E2Event::Down { at, reason })) => {
                self.down = Some((at, reason));
                None
            }
            Ok(None) => None,
            Err(e) => {
                self.port_error = Some(e.to_string());
                None
            }
        }
    }

    /// Receive until a message matching `pred` arrives (its index) or `deadline` passes.
    pub fn wait_for(&mut self, deadline: Nanos, pred: impl Fn(&Rx) -> bool) -> Option<usize> {
        while let Some(i) = self.next(deadline) {
            if pred(&self.rx[i]) {
                return Some(i);
            }
        }
        None
    }

    pub fn wait_name(&mut self, deadline: Nanos, names: &[&str]) -> Option<usize> {
        self.wait_for(deadline, |r| names.iter().any(|n| r.is(n)))
    }

    /// Receive everything arriving until `until`.
    pub fn idle(&mut self, until: Nanos) {
        while self.next(until).is_some() {}
    }

    pub fn mark(&self) -> usize {
        self.rx.len()
    }

    pub fn since(&self, mark: usize) -> &[Rx] {
        &self.rx[mark.min(self.rx.len())..]
    }

    /// What the DUT sent since `mark`, for a reason text.
    pub fn seen_since(&self, mark: usize) -> String {
        let v: Vec<String> = self.since(mark).iter().map(Rx::describe).collect();
        if v.is_empty() { "nothing".into() } else { v.join(", ") }
    }

    /// Whether the association went down, with when and why.
    pub fn down_text(&self) -> Option<String> {
        self.down
            .as_ref()
            .map(|(at, why)| format!("{why} at {:.3} s", *at as f64 / 1e9))
    }
}

// ---- builders: the harness as near-RT RIC ---------------------------------------------

pub fn global_ric_id() -> GlobalRicId<'static> {
    let v: u32 = 0x12345 << 12;
    GlobalRicId {
        plmn_identity: Octets::from(vec![0x00, 0xf1, 0x10]),
        ric_id: BitString {
            bytes: Cow::Owned(v.to_be_bytes()[..3].to_vec()),
            bits: 20,
        },
    }
}

/// The RAN functions an E2 Setup Request (or Service Update) offers: (ID,
/// revision, model by OID or definition).
pub fn offered_functions(r: &E2setupRequest<'_>) -> Vec<(u16, u16, Option<ServiceModel>, Option<String>)> {
    r.ran_functions_added()
        .map(|l| {
            l.iter()
                .filter_map(|i| match &i.value {
                    RanFunctionItemIes::RanFunctionItem(f) => {
                        let oid = f.ran_function_oid.as_ref().map(|o| o.to_string());
                        let model = oid
                            .as_deref()
                            .and_then(sm::model_of_oid)
                            .or_else(|| sm::identify(&f.ran_function_definition));
                        Some((f.ran_function_id, f.ran_function_revision, model, oid))
                    }
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// E2 Setup Response accepting every RAN function of a known model and
/// acknowledging every component configuration.
pub fn setup_response(v: E2apVersion, r: &E2setupRequest<'_>) -> E2apPdu<'static> {
    let tid = r.transaction_id().copied().unwrap_or(0);
    let accepted = ies(
        v,
        offered_functions(r)
            .into_iter()
            .filter(|f| f.2.is_some())
            .map(|(id, rev, _, _)| {
                RanFunctionIdItemIes::RanFunctionIdItem(RanFunctionIdItem {
                    ran_function_id: id,
                    ran_function_revision: rev,
                })
            })
            .collect(),
    );
    let comp_ack = ies(
        v,
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
    let mut l = vec![
        E2setupResponseIes::TransactionId(tid),
        E2setupResponseIes::GlobalRicId(global_ric_id()),
    ];
    // Lists are SIZE (1..): an empty one is left out.
    if !accepted.is_empty() {
        l.push(E2setupResponseIes::RanFunctionsAccepted(accepted));
    }
    if !comp_ack.is_empty() {
        l.push(E2setupResponseIes::E2nodeComponentConfigAdditionAck(comp_ack));
    }
    proto::successful(SuccessfulOutcomeValue::E2setupResponse(E2setupResponse {
        protocol_ies: ies(v, l),
    }))
}

/// The same response without its mandatory Global RIC ID: one a node cannot use.
pub fn setup_response_without_ric_id(v: E2apVersion, r: &E2setupRequest<'_>) -> E2apPdu<'static> {
    let mut pdu = setup_response(v, r);
    if let E2apPdu::SuccessfulOutcome(m) = &mut pdu
        && let SuccessfulOutcomeValue::E2setupResponse(x) = &mut m.value
    {
        x.protocol_ies
            .retain(|ie| !matches!(ie.value, E2setupResponseIes::GlobalRicId(_)));
    }
    pdu
}

pub fn setup_failure(v: E2apVersion, tid: i64, ttw: Option<TimeToWait>) -> E2apPdu<'static> {
    let mut l = vec![
        E2setupFailureIes::TransactionId(tid),
        E2setupFailureIes::Cause(Cause::Misc(CauseMisc::ControlProcessingOverload)),
    ];
    if let Some(t) = ttw {
        l.push(E2setupFailureIes::TimeToWait(t));
    }
    proto::unsuccessful(UnsuccessfulOutcomeValue::E2setupFailure(E2setupFailure {
        protocol_ies: ies(v, l),
    }))
}

/// One action of a subscription the harness requests.
#[derive(Debug, Clone)]
pub struct ActionReq {
    pub id: u8,
    pub kind: RicActionType,
    pub definition: Option<KpmActionDefinition>,
}

/// A KPM report action (style 1) over `measurements`.
pub fn kpm_report(id: u8, measurements: &[String], granularity_ms: u32) -> ActionReq {
    ActionReq {
        id,
        kind: RicActionType::Report,
        definition: Some(KpmActionDefinition {
            style: sm::KPM_STYLE_NODE_MEASUREMENT,
            measurements: measurements.to_vec(),
            granularity_ms,
        }),
    }
}

/// RIC Subscription Request with a periodic KPM event trigger, optionally
/// carrying one IE no version defines (id 999) with criticality `extra`.
pub fn subscription_request(
    v: E2apVersion,
    rid: ReqId,
    function: u16,
    period_ms: u32,
    actions: &[ActionReq],
    extra: Option<Criticality>,
) -> Option<E2apPdu<'static>> {
    let list = ies(
        v,
        actions
            .iter()
            .map(|a| {
                Some(RicActionToBeSetupItemIes::RicActionToBeSetupItem(
                    RicActionToBeSetupItem {
                        ric_action_id: a.id,
                        ric_action_type: a.kind,
                        ric_action_definition: match &a.definition {
                            Some(d) => Some(Octets::from(sm::kpm_action_definition(d).ok()?)),
                            None => None,
                        },
                        ric_subsequent_action: None,
                        ric_action_execution_order: None,
                    },
                ))
            })
            .collect::<Option<Vec<_>>>()?,
    );
    let mut f = ies(
        v,
        vec![
            RicSubscriptionRequestIes::RicRequestId(ric_request_id(rid)),
            RicSubscriptionRequestIes::RanFunctionId(function),
            RicSubscriptionRequestIes::RicSubscriptionDetails(RicSubscriptionDetails {
                ric_event_trigger_definition: Octets::from(sm::kpm_event_trigger(period_ms).ok()?),
                ric_action_to_be_setup_list: list,
            }),
        ],
    );
    if let Some(c) = extra {
        f.push(unknown_ie(c, RicSubscriptionRequestIes::Unknown));
    }
    Some(proto::initiating(InitiatingMessageValue::RicSubscriptionRequest(
        RicSubscriptionRequest { protocol_ies: f },
    )))
}

/// An IE whose id (999) no E2AP version defines.
pub fn unknown_ie<V>(crit: Criticality, wrap: impl Fn(UnknownIe<'static>) -> V) -> ProtocolIeField<V> {
    ProtocolIeField {
        criticality: crit,
        value: wrap(UnknownIe {
            id: 999,
            value: Octets::from(vec![0x00]),
        }),
    }
}

pub fn delete_request(v: E2apVersion, rid: ReqId, function: u16) -> E2apPdu<'static> {
    proto::initiating(InitiatingMessageValue::RicSubscriptionDeleteRequest(
        RicSubscriptionDeleteRequest {
            protocol_ies: ies(
                v,
                vec![
                    RicSubscriptionDeleteRequestIes::RicRequestId(ric_request_id(rid)),
                    RicSubscriptionDeleteRequestIes::RanFunctionId(function),
                ],
            ),
        },
    ))
}

pub fn control_request(v: E2apVersion, rid: ReqId, function: u16, c: &RcControl) -> Option<E2apPdu<'static>> {
    Some(proto::initiating(InitiatingMessageValue::RicControlRequest(
        RicControlRequest {
            protocol_ies: ies(
                v,
                vec![
                    RicControlRequestIes::RicRequestId(ric_request_id(rid)),
                    RicControlRequestIes::RanFunctionId(function),
                    RicControlRequestIes::RicControlHeader(Octets::from(sm::rc_control_header(c).ok()?)),
                    RicControlRequestIes::RicControlMessage(Octets::from(sm::rc_control_message(c).ok()?)),
                    RicControlRequestIes::RicControlAckRequest(RicControlAckRequest::Ack),
                ],
            ),
        },
    )))
}

pub fn reset_request(v: E2apVersion, tid: i64) -> E2apPdu<'static> {
    proto::initiating(InitiatingMessageValue::ResetRequest(ResetRequest {
        protocol_ies: ies(
            v,
            vec![
                ResetRequestIes::TransactionId(tid),
                ResetRequestIes::Cause(Cause::Misc(CauseMisc::OmIntervention)),
            ],
        ),
    }))
}

pub fn service_query(v: E2apVersion, tid: i64) -> E2apPdu<'static> {
    proto::initiating(InitiatingMessageValue::RicServiceQuery(RicServiceQuery {
        protocol_ies: ies(v, vec![RicServiceQueryIes::TransactionId(tid)]),
    }))
}

pub fn service_update_ack(v: E2apVersion, tid: i64) -> E2apPdu<'static> {
    proto::successful(SuccessfulOutcomeValue::RicServiceUpdateAcknowledge(
        RicServiceUpdateAcknowledge {
            protocol_ies: ies(v, vec![RicServiceUpdateAcknowledgeIes::TransactionId(tid)]),
        },
    ))
}

pub fn error_indication(v: E2apVersion) -> E2apPdu<'static> {
    proto::initiating(InitiatingMessageValue::ErrorIndication(codecs::e2ap::ErrorIndication {
        protocol_ies: ies(v, vec![ErrorIndicationIes::Cause(Cause::Misc(CauseMisc::Unspecified))]),
    }))
}

/// An initiating message of procedure code 200, which no version defines.
pub fn unknown_procedure(crit: Criticality) -> E2apPdu<'static> {
    E2apPdu::InitiatingMessage(InitiatingMessage {
        criticality: crit,
        value: InitiatingMessageValue::Unknown(UnknownMessage {
            procedure_code: 200,
            value: Octets::from(vec![0x00, 0x00, 0x00]),
        }),
    })
}

/// Octets that are no E2AP-PDU: an initiating message whose open type
/// claims more octets than follow.
pub const MALFORMED: &[u8] = &[0x00, 0x08, 0x40, 0xff, 0x12];

// ---- builders: the harness as E2 node -------------------------------------------------

/// The harness node's identity and functions: the simulated node's, which
/// are known to be well-formed in every version.
pub fn setup_request(v: E2apVersion, tid: i64, extra: Option<Criticality>) -> Option<E2apPdu<'static>> {
    let mut n = sim::e2::E2Node::new(sim::e2::E2NodeConfig::new(v));
    n.start(0);
    let bytes = n.poll_transmit(0)?.bytes;
    let mut pdu = e2ap::decode(v, &bytes).ok()?.into_owned();
    let E2apPdu::InitiatingMessage(m) = &mut pdu else {
        return None;
    };
    let InitiatingMessageValue::E2setupRequest(r) = &mut m.value else {
        return None;
    };
    for ie in &mut r.protocol_ies {
        if let E2setupRequestIes::TransactionId(t) = &mut ie.value {
            *t = tid;
        }
    }
    if let Some(c) = extra {
        r.protocol_ies.push(unknown_ie(c, E2setupRequestIes::Unknown));
    }
    Some(pdu)
}

/// The RAN function IDs the harness node offers.
pub const HARNESS_KPM_FUNCTION: u16 = 2;
pub const HARNESS_RC_FUNCTION: u16 = 3;

pub fn subscription_response(v: E2apVersion, rid: ReqId, function: u16, admitted: &[u8]) -> E2apPdu<'static> {
    let list = ies(
        v,
        admitted
            .iter()
            .map(|&a| RicActionAdmittedItemIes::RicActionAdmittedItem(RicActionAdmittedItem { ric_action_id: a }))
            .collect(),
    );
    let mut l = vec![
        RicSubscriptionResponseIes::RicRequestId(ric_request_id(rid)),
        RicSubscriptionResponseIes::RanFunctionId(function),
        RicSubscriptionResponseIes::RicActionsAdmitted(list),
    ];
    if v == E2apVersion::V1_00 {
        // Mandatory in v01.00, possibly empty.
        l.push(RicSubscriptionResponseIes::RicActionsNotAdmitted(Vec::new()));
    }
    proto::successful(SuccessfulOutcomeValue::RicSubscriptionResponse(
        RicSubscriptionResponse {
            protocol_ies: ies(v, l),
        },
    ))
}

pub fn service_update(v: E2apVersion, tid: i64) -> E2apPdu<'static> {
    proto::initiating(InitiatingMessageValue::RicServiceUpdate(RicServiceUpdate {
        protocol_ies: ies(v, vec![RicServiceUpdateIes::TransactionId(tid)]),
    }))
}

/// A KPM report of `records` periods of every measurement, as a RIC
/// Indication of action `action` of subscription `rid` to `function`.
pub fn kpm_indication(
    v: E2apVersion,
    (rid, function, action): (ReqId, u16, u8),
    sn: u16,
    collect_start_ms: u64,
    measurements: &[String],
    granularity_ms: u32,
    records: usize,
) -> Option<E2apPdu<'static>> {
    let report = sm::KpmReport {
        measurements: measurements.to_vec(),
        granularity_ms,
        records: (0..records)
            .map(|k| {
                measurements
                    .iter()
                    .map(|m| sim::e2::model::value(1, m, k as u64 * u64::from(granularity_ms)))
                    .collect()
            })
            .collect(),
    };
    let header = sm::kpm_indication_header(collect_start_ms, false).ok()?;
    let message = sm::kpm_indication_message(&report).ok()?;
    Some(proto::initiating(InitiatingMessageValue::RicIndication(
        RicIndication {
            protocol_ies: ies(
                v,
                vec![
                    RicIndicationIes::RicRequestId(ric_request_id(rid)),
                    RicIndicationIes::RanFunctionId(function),
                    RicIndicationIes::RicActionId(action),
                    RicIndicationIes::RicIndicationSn(sn),
                    RicIndicationIes::RicIndicationType(RicIndicationType::Report),
                    RicIndicationIes::RicIndicationHeader(Octets::from(header)),
                    RicIndicationIes::RicIndicationMessage(Octets::from(message)),
                ],
            ),
        },
    )))
}

/// For a version-skew report: under which versions `bytes` is valid, and
/// where it parts from `v` when it is not valid under `v`.
pub fn version_report(v: E2apVersion, bytes: &[u8]) -> (Vec<E2apVersion>, Option<String>) {
    let d = e2ap::detect_version(bytes);
    let valid = d.iter().filter(|x| x.1.is_ok()).map(|x| x.0).collect();
    let why = d.into_iter().find(|x| x.0 == v).and_then(|x| x.1.err());
    (valid, why)
}

pub fn labels(vs: &[E2apVersion]) -> String {
    if vs.is_empty() {
        return "none".into();
    }
    vs.iter().map(|v| v.label()).collect::<Vec<_>>().join(", ")
}

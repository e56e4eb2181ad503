//! The service-model payloads the simulators exchange, E2SM-KPM v03.00 and
//! E2SM-RC v01.03, through the E2SM codec (`codecs::e2sm`): the simulators
//! only use the small API here (plain values in, octets out and back), so
//! what they put in a payload is decided in one place.

use std::borrow::Cow;

use codecs::e2sm::kpm::{self, KpmVersion};
use codecs::e2sm::rc::{self, RcVersion};
use codecs::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};

/// E2SM-KPM v3.00 object identifier (`ranFunction-E2SM-OID`).
pub const KPM_OID: &str = "1.3.6.1.4.1.53148.1.3.2.2";
pub const KPM_SHORT_NAME: &str = "ORAN-E2SM-KPM";
/// E2SM-RC v1.03 object identifier.
pub const RC_OID: &str = "1.3.6.1.4.1.53148.1.1.2.3";
pub const RC_SHORT_NAME: &str = "ORAN-E2SM-RC";

/// RC control style 2 (radio resource allocation control), action 6
/// (slice-level PRB quota): the control the simulated node supports.
pub const RC_STYLE_RADIO_RESOURCE: i64 = 2;
pub const RC_ACTION_SLICE_PRB_QUOTA: i64 = 6;
/// RAN parameters of that action (E2SM-RC 8.4.3.6): max PRB ratio, min PRB
/// ratio, dedicated PRB ratio.
pub const RC_PARAM_MAX_PRB_RATIO: u32 = 10;
pub const RC_PARAM_MIN_PRB_RATIO: u32 = 11;
pub const RC_PARAM_DEDICATED_PRB_RATIO: u32 = 12;

/// KPM report style 1 (E2 node measurement), the one the node offers.
pub const KPM_STYLE_NODE_MEASUREMENT: i64 = 1;

const KPM: KpmVersion = KpmVersion::V3_00;
const RC: RcVersion = RcVersion::V1_03;

fn unsupported(what: &'static str) -> Error {
    Error::new(ErrorKind::Unsupported(what), 0, "E2SM")
}

fn s(x: &str) -> Cow<'static, str> {
    Cow::Owned(x.to_string())
}

/// The service models the simulators know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceModel {
    Kpm,
    Rc,
}

/// Which model a RAN function definition is, from the OID in its
/// `RANfunction-Name`.
pub fn identify(def: &[u8]) -> Option<ServiceModel> {
    ran_function_name(def).and_then(|(_, oid)| model_of_oid(&oid))
}

/// Which model an E2AP `ranFunctionOID` names.
pub fn model_of_oid(oid: &str) -> Option<ServiceModel> {
    match oid {
        KPM_OID => Some(ServiceModel::Kpm),
        RC_OID => Some(ServiceModel::Rc),
        _ => None,
    }
}

/// Short name and OID of a KPM or RC RAN function definition.
pub fn ran_function_name(def: &[u8]) -> Option<(String, String)> {
    if let Ok(d) = kpm::decode_ran_function_definition(KPM, def)
        && d.ran_function_name.ran_function_e2sm_oid == KPM_OID
    {
        let n = d.ran_function_name;
        return Some((
            n.ran_function_short_name.into_owned(),
            n.ran_function_e2sm_oid.into_owned(),
        ));
    }
    let n = rc::decode_ran_function_definition(RC, def).ok()?.ran_function_name;
    Some((
        n.ran_function_short_name.into_owned(),
        n.ran_function_e2sm_oid.into_owned(),
    ))
}

// ---- KPM ------------------------------------------------------------------------

/// `E2SM-KPM-RANfunction-Description`: event trigger style 1 (periodic) and
/// report style 1 offering `measurements`.
pub fn kpm_ran_function_definition(measurements: &[&str]) -> Result<Vec<u8>> {
    let d = kpm::E2smKpmRanFunctionDescription {
        ran_function_name: kpm::RanFunctionName {
            ran_function_short_name: s(KPM_SHORT_NAME),
            ran_function_e2sm_oid: s(KPM_OID),
            ran_function_description: s("KPM Monitor"),
            ran_function_instance: None,
        },
        ric_event_trigger_style_list: Some(vec![kpm::RicEventTriggerStyleItem {
            ric_event_trigger_style_type: 1,
            ric_event_trigger_style_name: s("Periodic Report"),
            ric_event_trigger_format_type: 1,
        }]),
        ric_report_style_list: Some(vec![kpm::RicReportStyleItem {
            ric_report_style_type: KPM_STYLE_NODE_MEASUREMENT,
            ric_report_style_name: s("E2 Node Measurement"),
            ric_action_format_type: 1,
            meas_info_action_list: measurements
                .iter()
                .map(|m| kpm::MeasurementInfoActionItem {
                    meas_name: s(m),
                    meas_id: None,
                    bin_range_def: None,
                })
                .collect(),
            ric_indication_header_format_type: 1,
            ric_indication_message_format_type: 1,
        }]),
    };
    kpm::encode_ran_function_definition(KPM, &d)
}

/// `E2SM-KPM-EventTriggerDefinition` format 1: the reporting period in ms.
pub fn kpm_event_trigger(period_ms: u32) -> Result<Vec<u8>> {
    let d = kpm::E2smKpmEventTriggerDefinition {
        event_definition_formats: kpm::E2smKpmEventTriggerDefinitionEventDefinitionFormats::EventDefinitionFormat1(
            kpm::E2smKpmEventTriggerDefinitionFormat1 {
                reporting_period: period_ms,
            },
        ),
    };
    kpm::encode_event_trigger_definition(KPM, &d)
}

pub fn decode_kpm_event_trigger(b: &[u8]) -> Result<u32> {
    match kpm::decode_event_trigger_definition(KPM, b)?.event_definition_formats {
        kpm::E2smKpmEventTriggerDefinitionEventDefinitionFormats::EventDefinitionFormat1(f) => Ok(f.reporting_period),
        _ => Err(unsupported("event trigger format other than 1")),
    }
}

/// `E2SM-KPM-ActionDefinition` format 1 (no labels, all cells).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpmActionDefinition {
    pub style: i64,
    pub measurements: Vec<String>,
    pub granularity_ms: u32,
}

fn no_label() -> kpm::MeasurementLabel<'static> {
    kpm::MeasurementLabel {
        no_label: Some(kpm::MeasurementLabelNoLabel::True),
        plmn_id: None,
        slice_id: None,
        five_qi: None,
        qfi: None,
        qci: None,
        q_c_imax: None,
        q_c_imin: None,
        a_r_pmax: None,
        a_r_pmin: None,
        bitrate_range: None,
        layer_mu_mimo: None,
        sum: None,
        dist_bin_x: None,
        dist_bin_y: None,
        dist_bin_z: None,
        pre_label_override: None,
        start_end_ind: None,
        min: None,
        max: None,
        avg: None,
        ssb_index: None,
        non_go_b_b_fmode_index: None,
        mimo_mode_index: None,
    }
}

/// `MeasurementInfoList` of names, each with the single label `noLabel`.
fn meas_info_list(names: &[String]) -> kpm::MeasurementInfoList<'static> {
    names
        .iter()
        .map(|m| kpm::MeasurementInfoItem {
            meas_type: kpm::MeasurementType::MeasName(s(m)),
            label_info_list: vec![kpm::LabelInfoItem { meas_label: no_label() }],
        })
        .collect()
}

fn meas_names(l: &kpm::MeasurementInfoList<'_>) -> Vec<String> {
    l.iter()
        .map(|i| match &i.meas_type {
            kpm::MeasurementType::MeasName(n) => n.to_string(),
            kpm::MeasurementType::MeasId(id) => format!("id:{id}"),
            kpm::MeasurementType::Extension(_) => "?".to_string(),
        })
        .collect()
}

pub fn kpm_action_definition(a: &KpmActionDefinition) -> Result<Vec<u8>> {
    let d = kpm::E2smKpmActionDefinition {
        ric_style_type: a.style,
        action_definition_formats: kpm::E2smKpmActionDefinitionActionDefinitionFormats::ActionDefinitionFormat1(
            kpm::E2smKpmActionDefinitionFormat1 {
                meas_info_list: meas_info_list(&a.measurements),
                granul_period: a.granularity_ms,
                cell_global_id: None,
                dist_meas_bin_range_info: None,
            },
        ),
    };
    kpm::encode_action_definition(KPM, &d)
}

pub fn decode_kpm_action_definition(b: &[u8]) -> Result<KpmActionDefinition> {
    let d = kpm::decode_action_definition(KPM, b)?;
    match d.action_definition_formats {
        kpm::E2smKpmActionDefinitionActionDefinitionFormats::ActionDefinitionFormat1(f) => Ok(KpmActionDefinition {
            style: d.ric_style_type,
            measurements: meas_names(&f.meas_info_list),
            granularity_ms: f.granul_period,
        }),
        _ => Err(unsupported("action definition format other than 1")),
    }
}

/// `E2SM-KPM-IndicationHeader` format 1 with only `colletStartTime`: 8
/// octets in v03.00 (NTP-like: seconds, then fraction); with `kpm_v2` the
/// v02.03 encoding, 4 octets of seconds.
pub fn kpm_indication_header(collect_start_ms: u64, kpm_v2: bool) -> Result<Vec<u8>> {
    let secs = (collect_start_ms / 1000) as u32;
    let frac = (((collect_start_ms % 1000) << 32) / 1000) as u32;
    let mut ts = secs.to_be_bytes().to_vec();
    if !kpm_v2 {
        ts.extend_from_slice(&frac.to_be_bytes());
    }
    let h = kpm::E2smKpmIndicationHeader {
        indication_header_formats: kpm::E2smKpmIndicationHeaderIndicationHeaderFormats::IndicationHeaderFormat1(
            kpm::E2smKpmIndicationHeaderFormat1 {
                collet_start_time: ts.into(),
                file_formatversion: None,
                sender_name: None,
                sender_type: None,
                vendor_name: None,
            },
        ),
    };
    kpm::encode_indication_header(if kpm_v2 { KpmVersion::V2_03 } else { KPM }, &h)
}

/// The collection start time in ms (v03.00).
pub fn decode_kpm_indication_header(b: &[u8]) -> Result<u64> {
    let h = kpm::decode_indication_header(KPM, b)?;
    let kpm::E2smKpmIndicationHeaderIndicationHeaderFormats::IndicationHeaderFormat1(f) = h.indication_header_formats
    else {
        return Err(unsupported("indication header format other than 1"));
    };
    let ts = &f.collet_start_time;
    if ts.len() != 8 {
        return Err(unsupported("TimeStamp not of 8 octets"));
    }
    let secs = u64::from(u32::from_be_bytes([ts[0], ts[1], ts[2], ts[3]]));
    let frac = u64::from(u32::from_be_bytes([ts[4], ts[5], ts[6], ts[7]]));
    Ok(secs * 1000 + ((frac * 1000 + (1 << 31)) >> 32))
}

/// One granularity period's values, in the order of the measurement names;
/// `None` is `noValue`.
pub type KpmRecord = Vec<Option<u32>>;

/// `E2SM-KPM-IndicationMessage` format 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpmReport {
    pub measurements: Vec<String>,
    pub granularity_ms: u32,
    pub records: Vec<KpmRecord>,
}

pub fn kpm_indication_message(r: &KpmReport) -> Result<Vec<u8>> {
    let m = kpm::E2smKpmIndicationMessage {
        indication_message_formats: kpm::E2smKpmIndicationMessageIndicationMessageFormats::IndicationMessageFormat1(
            kpm::E2smKpmIndicationMessageFormat1 {
                meas_data: r
                    .records
                    .iter()
                    .map(|rec| kpm::MeasurementDataItem {
                        meas_record: rec
                            .iter()
                            .map(|v| match v {
                                Some(v) => kpm::MeasurementRecordItem::Integer(*v),
                                None => kpm::MeasurementRecordItem::NoValue(()),
                            })
                            .collect(),
                        incomplete_flag: None,
                    })
                    .collect(),
                meas_info_list: Some(meas_info_list(&r.measurements)),
                granul_period: Some(r.granularity_ms),
            },
        ),
    };
    kpm::encode_indication_message(KPM, &m)
}

pub fn decode_kpm_indication_message(b: &[u8]) -> Result<KpmReport> {
    let m = kpm::decode_indication_message(KPM, b)?;
    let kpm::E2smKpmIndicationMessageIndicationMessageFormats::IndicationMessageFormat1(f) =
        m.indication_message_formats
    else {
        return Err(unsupported("indication message format other than 1"));
    };
    let records = f
        .meas_data
        .iter()
        .map(|d| {
            d.meas_record
                .iter()
                .map(|v| match v {
                    kpm::MeasurementRecordItem::Integer(v) => Ok(Some(*v)),
                    kpm::MeasurementRecordItem::NoValue(()) => Ok(None),
                    _ => Err(unsupported("REAL or extension measurement value")),
                })
                .collect::<Result<Vec<_>>>()
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(KpmReport {
        measurements: f.meas_info_list.as_ref().map(meas_names).unwrap_or_default(),
        granularity_ms: f.granul_period.unwrap_or(0),
        records,
    })
}

// ---- RC -------------------------------------------------------------------------

/// `E2SM-RC-RANFunctionDefinition` offering control style 2, action 6 with
/// its three PRB ratio parameters.
pub fn rc_ran_function_definition() -> Result<Vec<u8>> {
    let params = [
        (RC_PARAM_MAX_PRB_RATIO, "Max PRB Policy Ratio"),
        (RC_PARAM_MIN_PRB_RATIO, "Min PRB Policy Ratio"),
        (RC_PARAM_DEDICATED_PRB_RATIO, "Dedicated PRB Policy Ratio"),
    ];
    let d = rc::E2smRcRanFunctionDefinition {
        ran_function_name: rc::RanFunctionName {
            ran_function_short_name: s(RC_SHORT_NAME),
            ran_function_e2sm_oid: s(RC_OID),
            ran_function_description: s("RAN Control"),
            ran_function_instance: None,
        },
        ran_function_definition_event_trigger: None,
        ran_function_definition_report: None,
        ran_function_definition_insert: None,
        ran_function_definition_control: Some(rc::RanFunctionDefinitionControl {
            ric_control_style_list: vec![rc::RanFunctionDefinitionControlItem {
                ric_control_style_type: RC_STYLE_RADIO_RESOURCE,
                ric_control_style_name: s("Radio Resource Allocation Control"),
                ric_control_action_list: Some(vec![rc::RanFunctionDefinitionControlActionItem {
                    ric_control_action_id: RC_ACTION_SLICE_PRB_QUOTA,
                    ric_control_action_name: s("Slice-level PRB quota"),
                    ran_control_action_parameters_list: Some(
                        params
                            .iter()
                            .map(|(id, n)| rc::ControlActionRanParameterItem {
                                ran_parameter_id: i64::from(*id),
                                ran_parameter_name: s(n),
                                ran_parameter_definition: None,
                            })
                            .collect(),
                    ),
                }]),
                ric_control_header_format_type: 1,
                ric_control_message_format_type: 1,
                ric_call_process_id_format_type: None,
                ric_control_outcome_format_type: 1,
                ran_control_outcome_parameters_list: None,
            }],
        }),
        ran_function_definition_policy: None,
    };
    rc::encode_ran_function_definition(RC, &d)
}

/// A RIC control request of E2SM-RC: header format 1 (UE by gNB-DU F1AP id,
/// style, action) and message format 1 (integer RAN parameters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RcControl {
    pub ue_f1ap_id: u32,
    pub style: i64,
    pub action: i64,
    pub params: Vec<(u32, i64)>,
}

pub fn rc_control_header(c: &RcControl) -> Result<Vec<u8>> {
    let h = rc::E2smRcControlHeader {
        ric_control_header_formats: rc::E2smRcControlHeaderRicControlHeaderFormats::ControlHeaderFormat1(
            rc::E2smRcControlHeaderFormat1 {
                ue_id: rc::Ueid::GnbDuUeid(rc::UeidGnbDu {
                    gnb_cu_ue_f1_ap_id: c.ue_f1ap_id,
                    ran_ueid: None,
                }),
                ric_style_type: c.style,
                ric_control_action_id: c.action,
                ric_control_decision: None,
            },
        ),
    };
    rc::encode_control_header(RC, &h)
}

pub fn rc_control_message(c: &RcControl) -> Result<Vec<u8>> {
    let m = rc::E2smRcControlMessage {
        ric_control_message_formats: rc::E2smRcControlMessageRicControlMessageFormats::ControlMessageFormat1(
            rc::E2smRcControlMessageFormat1 {
                ran_p_list: c
                    .params
                    .iter()
                    .map(|&(id, v)| rc::E2smRcControlMessageFormat1Item {
                        ran_parameter_id: i64::from(id),
                        ran_parameter_value_type: rc::RanParameterValueType::RanPChoiceElementTrue(
                            rc::RanParameterValueTypeChoiceElementTrue {
                                ran_parameter_value: rc::RanParameterValue::ValueInt(v),
                            },
                        ),
                    })
                    .collect(),
            },
        ),
    };
    rc::encode_control_message(RC, &m)
}

/// Header and message back into an [`RcControl`].
pub fn decode_rc_control(header: &[u8], message: &[u8]) -> Result<RcControl> {
    let h = rc::decode_control_header(RC, header)?;
    let rc::E2smRcControlHeaderRicControlHeaderFormats::ControlHeaderFormat1(h) = h.ric_control_header_formats else {
        return Err(unsupported("control header format other than 1"));
    };
    let rc::Ueid::GnbDuUeid(ue) = &h.ue_id else {
        return Err(unsupported("UEID other than gNB-DU-UEID"));
    };
    let m = rc::decode_control_message(RC, message)?;
    let rc::E2smRcControlMessageRicControlMessageFormats::ControlMessageFormat1(m) = m.ric_control_message_formats
    else {
        return Err(unsupported("control message format other than 1"));
    };
    let params = m
        .ran_p_list
        .iter()
        .map(|p| {
            let v = match &p.ran_parameter_value_type {
                rc::RanParameterValueType::RanPChoiceElementTrue(e) => Some(&e.ran_parameter_value),
                rc::RanParameterValueType::RanPChoiceElementFalse(e) => e.ran_parameter_value.as_ref(),
                _ => None,
            };
            let v = match v {
                Some(rc::RanParameterValue::ValueInt(v)) => *v,
                Some(rc::RanParameterValue::ValueBoolean(b)) => i64::from(*b),
                _ => return Err(unsupported("RAN parameter other than an integer or boolean element")),
            };
            let id = u32::try_from(p.ran_parameter_id).map_err(|_| unsupported("RAN parameter ID"))?;
            Ok((id, v))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(RcControl {
        ue_f1ap_id: ue.gnb_cu_ue_f1_ap_id,
        style: h.ric_style_type,
        action: h.ric_control_action_id,
        params,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kpm_payloads_round_trip() {
        assert_eq!(
            decode_kpm_event_trigger(&kpm_event_trigger(1000).unwrap()).unwrap(),
            1000
        );
        let a = KpmActionDefinition {
            style: 1,
            measurements: vec!["RRU.PrbTotDl".into(), "DRB.UEThpDl".into()],
            granularity_ms: 100,
        };
        assert_eq!(
            decode_kpm_action_definition(&kpm_action_definition(&a).unwrap()).unwrap(),
            a
        );
        let h = kpm_indication_header(1_700_000_000_250, false).unwrap();
        assert_eq!(decode_kpm_indication_header(&h).unwrap(), 1_700_000_000_250);
        let r = KpmReport {
            measurements: a.measurements.clone(),
            granularity_ms: 100,
            records: vec![vec![Some(42), Some(4_000_000_000)], vec![None, Some(0)]],
        };
        assert_eq!(
            decode_kpm_indication_message(&kpm_indication_message(&r).unwrap()).unwrap(),
            r
        );
        let def = kpm_ran_function_definition(&["RRU.PrbTotDl"]).unwrap();
        assert_eq!(
            ran_function_name(&def).unwrap(),
            (KPM_SHORT_NAME.to_string(), KPM_OID.to_string())
        );
        assert_eq!(identify(&def), Some(ServiceModel::Kpm));
    }

    #[test]
    fn a_v2_timestamp_does_not_read_as_v3() {
        let h = kpm_indication_header(5_000, true).unwrap();
        assert!(decode_kpm_indication_header(&h).is_err());
    }

    #[test]
    fn rc_payloads_round_trip() {
        let c = RcControl {
            ue_f1ap_id: 7,
            style: RC_STYLE_RADIO_RESOURCE,
            action: RC_ACTION_SLICE_PRB_QUOTA,
            params: vec![(RC_PARAM_MAX_PRB_RATIO, 80), (RC_PARAM_MIN_PRB_RATIO, -3)],
        };
        let h = rc_control_header(&c).unwrap();
        let m = rc_control_message(&c).unwrap();
        assert_eq!(decode_rc_control(&h, &m).unwrap(), c);
        let def = rc_ran_function_definition().unwrap();
        assert_eq!(ran_function_name(&def).unwrap().0, RC_SHORT_NAME);
        assert_eq!(identify(&def), Some(ServiceModel::Rc));
    }

    /// The payloads are what the E2SM codec reads as E2SM-KPM v03.00 and
    /// E2SM-RC v01.03, exactly.
    #[test]
    fn payloads_are_valid_for_the_e2sm_codec() {
        use codecs::e2sm::kpm::{self, KpmPayloadKind, KpmVersion};
        use codecs::e2sm::rc::{self, RcPayloadKind, RcVersion};
        let a = KpmActionDefinition {
            style: 1,
            measurements: vec!["RRU.PrbTotDl".into(), "DRB.UEThpDl".into()],
            granularity_ms: 100,
        };
        let r = KpmReport {
            measurements: a.measurements.clone(),
            granularity_ms: 100,
            records: vec![vec![Some(42), None]; 3],
        };
        let kpm_payloads = [
            (
                KpmPayloadKind::RanFunctionDefinition,
                kpm_ran_function_definition(&["RRU.PrbTotDl"]).unwrap(),
            ),
            (KpmPayloadKind::EventTriggerDefinition, kpm_event_trigger(1000).unwrap()),
            (KpmPayloadKind::ActionDefinition, kpm_action_definition(&a).unwrap()),
            (
                KpmPayloadKind::IndicationHeader,
                kpm_indication_header(1_000_500, false).unwrap(),
            ),
            (KpmPayloadKind::IndicationMessage, kpm_indication_message(&r).unwrap()),
        ];
        for (kind, bytes) in kpm_payloads {
            let v3 = kpm::check_versions(kind, &bytes)
                .into_iter()
                .find(|x| x.0 == KpmVersion::V3_00)
                .unwrap();
            assert!(v3.1.is_ok(), "{kind:?}: {:?}", v3.1);
        }
        let v2_header = kpm_indication_header(1_000_500, true).unwrap();
        let found = kpm::check_versions(KpmPayloadKind::IndicationHeader, &v2_header);
        assert!(
            found.iter().any(|x| x.0 == KpmVersion::V2_03 && x.1.is_ok()),
            "{found:?}"
        );
        assert!(
            found.iter().any(|x| x.0 == KpmVersion::V3_00 && x.1.is_err()),
            "{found:?}"
        );
        let c = RcControl {
            ue_f1ap_id: 7,
            style: RC_STYLE_RADIO_RESOURCE,
            action: RC_ACTION_SLICE_PRB_QUOTA,
            params: vec![(RC_PARAM_MAX_PRB_RATIO, 80)],
        };
        let rc_payloads = [
            (
                RcPayloadKind::RanFunctionDefinition,
                rc_ran_function_definition().unwrap(),
            ),
            (RcPayloadKind::ControlHeader, rc_control_header(&c).unwrap()),
            (RcPayloadKind::ControlMessage, rc_control_message(&c).unwrap()),
        ];
        for (kind, bytes) in rc_payloads {
            let v = rc::check_versions(kind, &bytes)
                .into_iter()
                .find(|x| x.0 == RcVersion::V1_03)
                .unwrap();
            assert!(v.1.is_ok(), "{kind:?}: {:?}", v.1);
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for n in 0..8 {
            let b = vec![0xffu8; n];
            assert!(decode_kpm_indication_message(&b).is_err());
            assert!(decode_rc_control(&b, &b).is_err());
        }
    }
}

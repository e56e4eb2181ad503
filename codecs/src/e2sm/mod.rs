//! E2 service models carried inside E2AP as OCTET STRINGs, in ALIGNED PER:
//!
//! - [`kpm`]: E2SM-KPM (key performance measurement) v02.03 and v03.00, with
//!   [`kpm::detect_version`] telling them apart and recognising v01.00 RAN
//!   function definitions;
//! - [`rc`]: E2SM-RC (RAN control) v01.03;
//! - [`common`]: E2SM-COMMON-IEs (UE and cell ids, PLMN, RAN function names,
//!   ...), which both models import with the same definitions: generated once,
//!   re-exported by each model (`kpm::Ueid` and `rc::Ueid` are `common::Ueid`).
//!
//! The types and codecs are generated from the specifications' ASN.1 by
//! `codegen/e2sm.py` with the same machinery as the E2AP layer: one Rust type
//! per ASN.1 type (the union over a model's versions), codecs that follow the
//! definition of the version passed in, unknown CHOICE extensions kept raw,
//! unknown ENUMERATED extension items kept by index, unknown SEQUENCE
//! extension additions skipped. OCTET STRING contents are borrowed from the
//! input; every type serialises to JSON (serde) and back.
//!
//! Each model has `decode_<payload>`/`encode_<payload>` for each payload it
//! defines, generic [`kpm::decode`]/[`kpm::encode`] over a payload kind, and
//! `random_payload` for property tests and cross-checks.

pub mod common;
pub mod kpm;
pub mod rc;
pub(crate) mod support;

pub use support::{Real, SmVersion};

//! E2 application protocol (O-RAN.WG3.E2AP) and its service models, in
//! ALIGNED PER (ITU-T X.691).

pub mod aper;

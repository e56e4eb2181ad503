//! Conformance test cases, the port they drive, and the result model.
//!
//! A case is written against a [`port::Port`], decides its applicability from
//! the DUT's claimed capabilities, and returns findings that each name the
//! clause they were judged against; the worst finding is the case's verdict.

pub mod analyze;
pub mod bed;
pub mod case;
pub mod e2;
pub mod model;
pub mod ofh;
pub mod port;
pub mod profile;
pub mod replay;

//! O-RAN WG4 CUS-plane: radio application header, C-plane, U-plane, compression.

pub mod compression;
pub mod cplane;
pub mod header;
pub mod infer;
pub mod uplane;

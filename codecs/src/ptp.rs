//! IEEE 1588-2019 (PTP version 2) messages, as far as an Open Fronthaul
//! capture needs them: the common header, and the event and general message
//! bodies that carry time (Sync, Delay_Req, Follow_Up, Delay_Resp, the peer
//! delay messages, Announce). Signaling and Management bodies are kept raw.
//!
//! O-RAN fronthaul is timed by PTP (ITU-T G.8275.1 over Ethernet, ethertype
//! 0x88F7; or over UDP ports 319/320). A capture that carries the
//! grandmaster's Sync messages lets the analyzer tie capture timestamps to
//! PTP time, and so to air time, without being told.
//!
//! ```text
//! 0: majorSdoId(4) messageType(4)   1: minorVersionPTP(4) versionPTP(4)
//! 2: messageLength(16)  4: domainNumber  5: minorSdoId  6: flagField(16)
//! 8: correctionField(64, ns * 2^16)  16: messageTypeSpecific(32)
//! 20: sourcePortIdentity(80)  30: sequenceId(16)  32: controlField
//! 33: logMessageInterval  34: body
//! ```

use serde::Serialize;

use crate::ecpri::wire::{Reader, fit, put_u16, put_u32, put_u48};
use crate::{Error, ErrorKind, Result};

/// Ethertype of PTP over Ethernet (IEEE 1588 Annex E).
pub const ETHERTYPE_PTP: u16 = 0x88F7;
/// UDP port of PTP event messages (Sync, Delay_Req, Pdelay_*), Annex C.
pub const UDP_EVENT_PORT: u16 = 319;
/// UDP port of PTP general messages (Follow_Up, Announce, ...).
pub const UDP_GENERAL_PORT: u16 = 320;
/// Length of the common header.
pub const HEADER_LEN: usize = 34;

/// messageType (IEEE 1588-2019 Table 36). `Reserved(n)` keeps the raw value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum MessageType {
    Sync,
    DelayReq,
    PdelayReq,
    PdelayResp,
    FollowUp,
    DelayResp,
    PdelayRespFollowUp,
    Announce,
    Signaling,
    Management,
    Reserved(u8),
}

impl From<u8> for MessageType {
    fn from(v: u8) -> Self {
        match v & 0x0F {
            0x0 => MessageType::Sync,
            0x1 => MessageType::DelayReq,
            0x2 => MessageType::PdelayReq,
            0x3 => MessageType::PdelayResp,
            0x8 => MessageType::FollowUp,
            0x9 => MessageType::DelayResp,
            0xA => MessageType::PdelayRespFollowUp,
            0xB => MessageType::Announce,
            0xC => MessageType::Signaling,
            0xD => MessageType::Management,
            n => MessageType::Reserved(n),
        }
    }
}

impl From<MessageType> for u8 {
    fn from(t: MessageType) -> u8 {
        match t {
            MessageType::Sync => 0x0,
            MessageType::DelayReq => 0x1,
            MessageType::PdelayReq => 0x2,
            MessageType::PdelayResp => 0x3,
            MessageType::FollowUp => 0x8,
            MessageType::DelayResp => 0x9,
            MessageType::PdelayRespFollowUp => 0xA,
            MessageType::Announce => 0xB,
            MessageType::Signaling => 0xC,
            MessageType::Management => 0xD,
            MessageType::Reserved(n) => n & 0x0F,
        }
    }
}

/// A PTP Timestamp: 48-bit seconds and 32-bit nanoseconds of the PTP
/// timescale (TAI, epoch 1970-01-01T00:00:00 TAI) or of an arbitrary one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Timestamp {
    pub seconds: u64,
    /// Below 10^9 in a conformant message; kept as sent.
    pub nanoseconds: u32,
}

impl Timestamp {
    /// Nanoseconds since the timescale's epoch.
    pub fn as_nanos(&self) -> i128 {
        self.seconds as i128 * 1_000_000_000 + self.nanoseconds as i128
    }

    fn parse(r: &mut Reader<'_>) -> Result<Self> {
        Ok(Timestamp {
            seconds: r.u48()?,
            nanoseconds: r.u32()?,
        })
    }

    fn emit(&self, out: &mut Vec<u8>) -> Result<()> {
        fit(self.seconds, 48, out.len(), "PTP timestamp")?;
        put_u48(out, self.seconds);
        put_u32(out, self.nanoseconds);
        Ok(())
    }
}

/// PortIdentity: clockIdentity (EUI-64) and portNumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct PortIdentity {
    pub clock_identity: [u8; 8],
    pub port_number: u16,
}

impl PortIdentity {
    fn parse(r: &mut Reader<'_>) -> Result<Self> {
        Ok(PortIdentity {
            clock_identity: r.array()?,
            port_number: r.u16()?,
        })
    }

    fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.clock_identity);
        put_u16(out, self.port_number);
    }
}

/// flagField bits (IEEE 1588-2019 Table 37): octet 0 in the high byte.
pub mod flags {
    pub const ALTERNATE_MASTER: u16 = 0x0100;
    pub const TWO_STEP: u16 = 0x0200;
    pub const UNICAST: u16 = 0x0400;
    pub const LEAP61: u16 = 0x0001;
    pub const LEAP59: u16 = 0x0002;
    pub const CURRENT_UTC_OFFSET_VALID: u16 = 0x0004;
    pub const PTP_TIMESCALE: u16 = 0x0008;
    pub const TIME_TRACEABLE: u16 = 0x0010;
    pub const FREQUENCY_TRACEABLE: u16 = 0x0020;
    pub const SYNCHRONIZATION_UNCERTAIN: u16 = 0x0040;
}

/// The common header of every PTP message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Header {
    /// 4 bits (transportSpecific in 1588-2008).
    pub major_sdo_id: u8,
    pub message_type: MessageType,
    /// 4 bits.
    pub minor_version: u8,
    /// 4 bits; 2 for PTPv2.
    pub version: u8,
    pub message_length: u16,
    pub domain: u8,
    pub minor_sdo_id: u8,
    pub flags: u16,
    /// Nanoseconds multiplied by 2^16.
    pub correction: i64,
    pub message_type_specific: u32,
    pub source_port: PortIdentity,
    pub sequence_id: u16,
    pub control: u8,
    pub log_message_interval: i8,
}

impl Header {
    pub fn two_step(&self) -> bool {
        self.flags & flags::TWO_STEP != 0
    }

    /// Time is on the PTP timescale (TAI), not an arbitrary one.
    pub fn ptp_timescale(&self) -> bool {
        self.flags & flags::PTP_TIMESCALE != 0
    }

    /// correctionField in whole nanoseconds, rounded down (an arithmetic
    /// shift: -0.5 ns gives -1), so the low 16 bits add a non-negative fraction.
    pub fn correction_ns(&self) -> i64 {
        self.correction >> 16
    }
}

/// Announce body fields (IEEE 1588-2019 13.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Announce {
    pub origin_timestamp: Timestamp,
    /// TAI - UTC in seconds.
    pub current_utc_offset: i16,
    pub reserved: u8,
    pub grandmaster_priority1: u8,
    pub clock_class: u8,
    pub clock_accuracy: u8,
    pub offset_scaled_log_variance: u16,
    pub grandmaster_priority2: u8,
    pub grandmaster_identity: [u8; 8],
    pub steps_removed: u16,
    pub time_source: u8,
}

/// A message body by type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum Body<'a> {
    Sync {
        origin_timestamp: Timestamp,
    },
    DelayReq {
        origin_timestamp: Timestamp,
    },
    PdelayReq {
        origin_timestamp: Timestamp,
        /// Reserved octets (zero when sent; kept as received).
        reserved: [u8; 10],
    },
    PdelayResp {
        request_receipt_timestamp: Timestamp,
        requesting_port: PortIdentity,
    },
    FollowUp {
        precise_origin_timestamp: Timestamp,
    },
    DelayResp {
        receive_timestamp: Timestamp,
        requesting_port: PortIdentity,
    },
    PdelayRespFollowUp {
        response_origin_timestamp: Timestamp,
        requesting_port: PortIdentity,
    },
    Announce(Announce),
    /// Signaling, Management and reserved types: the bytes after the header
    /// up to messageLength (or the end of the buffer, if shorter).
    Raw(#[serde(serialize_with = "crate::ecpri::wire::ser_len")] &'a [u8]),
}

/// One PTP message. Bytes after messageLength (Ethernet padding) are ignored;
/// messageLength itself is reported as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Message<'a> {
    pub header: Header,
    pub body: Body<'a>,
}

impl<'a> Message<'a> {
    /// Decode a PTP message from the start of `buf`.
    ///
    /// Errors: `Truncated` (offset of the field that did not fit);
    /// `Invalid("messageLength")` when messageLength is below the header or
    /// the body its type needs; `Unsupported("PTP version")` for versionPTP
    /// other than 2 (version 1 has another layout).
    pub fn parse(buf: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(buf, "PTP header");
        let b0 = r.u8()?;
        let b1 = r.u8()?;
        if b1 & 0x0F != 2 {
            return Err(Error::new(ErrorKind::Unsupported("PTP version"), 1, "PTP header"));
        }
        let message_length = r.u16()?;
        let header = Header {
            major_sdo_id: b0 >> 4,
            message_type: MessageType::from(b0),
            minor_version: b1 >> 4,
            version: b1 & 0x0F,
            message_length,
            domain: r.u8()?,
            minor_sdo_id: r.u8()?,
            flags: r.u16()?,
            correction: r.u64()? as i64,
            message_type_specific: r.u32()?,
            source_port: PortIdentity::parse(&mut r)?,
            sequence_id: r.u16()?,
            control: r.u8()?,
            log_message_interval: r.u8()? as i8,
        };
        let body_len = body_len(header.message_type);
        if usize::from(message_length) < HEADER_LEN + body_len.unwrap_or(0) {
            return Err(Error::invalid(2, "messageLength", "PTP header"));
        }
        r.ctx("PTP body");
        let body = match header.message_type {
            MessageType::Sync => Body::Sync {
                origin_timestamp: Timestamp::parse(&mut r)?,
            },
            MessageType::DelayReq => Body::DelayReq {
                origin_timestamp: Timestamp::parse(&mut r)?,
            },
            MessageType::PdelayReq => Body::PdelayReq {
                origin_timestamp: Timestamp::parse(&mut r)?,
                reserved: r.array()?,
            },
            MessageType::PdelayResp => Body::PdelayResp {
                request_receipt_timestamp: Timestamp::parse(&mut r)?,
                requesting_port: PortIdentity::parse(&mut r)?,
            },
            MessageType::FollowUp => Body::FollowUp {
                precise_origin_timestamp: Timestamp::parse(&mut r)?,
            },
            MessageType::DelayResp => Body::DelayResp {
                receive_timestamp: Timestamp::parse(&mut r)?,
                requesting_port: PortIdentity::parse(&mut r)?,
            },
            MessageType::PdelayRespFollowUp => Body::PdelayRespFollowUp {
                response_origin_timestamp: Timestamp::parse(&mut r)?,
                requesting_port: PortIdentity::parse(&mut r)?,
            },
            MessageType::Announce => Body::Announce(Announce {
                origin_timestamp: Timestamp::parse(&mut r)?,
                current_utc_offset: r.u16()? as i16,
                reserved: r.u8()?,
                grandmaster_priority1: r.u8()?,
                clock_class: r.u8()?,
                clock_accuracy: r.u8()?,
                offset_scaled_log_variance: r.u16()?,
                grandmaster_priority2: r.u8()?,
                grandmaster_identity: r.array()?,
                steps_removed: r.u16()?,
                time_source: r.u8()?,
            }),
            MessageType::Signaling | MessageType::Management | MessageType::Reserved(_) => {
                let end = usize::from(message_length).min(buf.len());
                Body::Raw(&buf[HEADER_LEN..end])
            }
        };
        Ok(Message { header, body })
    }

    /// Append the message to `out`. messageLength is written as the header
    /// says (use [`Message::wire_len`] for the conformant value).
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<()> {
        let h = &self.header;
        let at = out.len();
        fit(u64::from(h.major_sdo_id), 4, at, "PTP header")?;
        fit(u64::from(h.minor_version), 4, at + 1, "PTP header")?;
        fit(u64::from(h.version), 4, at + 1, "PTP header")?;
        out.push(h.major_sdo_id << 4 | u8::from(h.message_type));
        out.push(h.minor_version << 4 | h.version);
        put_u16(out, h.message_length);
        out.push(h.domain);
        out.push(h.minor_sdo_id);
        put_u16(out, h.flags);
        out.extend_from_slice(&h.correction.to_be_bytes());
        put_u32(out, h.message_type_specific);
        h.source_port.emit(out);
        put_u16(out, h.sequence_id);
        out.push(h.control);
        out.push(h.log_message_interval as u8);
        match &self.body {
            Body::Sync { origin_timestamp } | Body::DelayReq { origin_timestamp } => origin_timestamp.emit(out)?,
            Body::PdelayReq {
                origin_timestamp,
                reserved,
            } => {
                origin_timestamp.emit(out)?;
                out.extend_from_slice(reserved);
            }
            Body::FollowUp {
                precise_origin_timestamp,
            } => precise_origin_timestamp.emit(out)?,
            Body::PdelayResp {
                request_receipt_timestamp: t,
                requesting_port: p,
            }
            | Body::DelayResp {
                receive_timestamp: t,
                requesting_port: p,
            }
            | Body::PdelayRespFollowUp {
                response_origin_timestamp: t,
                requesting_port: p,
            } => {
                t.emit(out)?;
                p.emit(out);
            }
            Body::Announce(a) => {
                a.origin_timestamp.emit(out)?;
                put_u16(out, a.current_utc_offset as u16);
                out.push(a.reserved);
                out.push(a.grandmaster_priority1);
                out.push(a.clock_class);
                out.push(a.clock_accuracy);
                put_u16(out, a.offset_scaled_log_variance);
                out.push(a.grandmaster_priority2);
                out.extend_from_slice(&a.grandmaster_identity);
                put_u16(out, a.steps_removed);
                out.push(a.time_source);
            }
            Body::Raw(b) => out.extend_from_slice(b),
        }
        Ok(())
    }

    /// Header plus body length: the conformant messageLength.
    pub fn wire_len(&self) -> usize {
        HEADER_LEN
            + match &self.body {
                Body::Raw(b) => b.len(),
                _ => body_len(self.header.message_type).unwrap_or(0),
            }
    }

    /// The time this message carries about its own transmission: Sync's
    /// originTimestamp (exact in a one-step Sync) or Follow_Up's
    /// preciseOriginTimestamp.
    pub fn origin_time(&self) -> Option<Timestamp> {
        match self.body {
            Body::Sync { origin_timestamp } => Some(origin_timestamp),
            Body::FollowUp {
                precise_origin_timestamp,
            } => Some(precise_origin_timestamp),
            _ => None,
        }
    }
}

/// Body length a message type needs; `None` for raw bodies.
fn body_len(t: MessageType) -> Option<usize> {
    match t {
        MessageType::Sync | MessageType::DelayReq | MessageType::FollowUp => Some(10),
        MessageType::PdelayReq | MessageType::PdelayResp | MessageType::DelayResp | MessageType::PdelayRespFollowUp => {
            Some(20)
        }
        MessageType::Announce => Some(30),
        MessageType::Signaling | MessageType::Management | MessageType::Reserved(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_type_codes_round_trip() {
        for v in 0..16u8 {
            assert_eq!(u8::from(MessageType::from(v)), v);
        }
    }
}

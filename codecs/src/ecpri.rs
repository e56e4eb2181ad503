//! eCPRI transport layer: the 4-byte common header, the message types the
//! O-RAN fronthaul uses (IQ data, real-time control, one-way delay
//! measurement), and PDUs that concatenate several messages.
//!
//! Common header (eCPRI 2.0), 4 bytes:
//!
//! ```text
//! | revision(4) | reserved(3) | C(1) | messageType(8) | payloadSize(16) |
//! ```
//!
//! `payloadSize` counts the bytes after the common header of this message.
//! With `C = 1` another message follows in the same PDU, starting at the next
//! 4-byte boundary from the start of the PDU (0-3 padding bytes; this is what
//! Wireshark's eCPRI dissector does). Wireshark hands everything after an IQ
//! data or real-time control header to its O-RAN dissector, so it shows only
//! the first O-RAN message of a concatenated PDU and flags `C = 1`; with the
//! O-RAN dissector disabled it finds every message where this module does.

use serde::Serialize;

use crate::{Error, ErrorKind, Result};

/// Ethertype of eCPRI carried directly over Ethernet.
pub const ETHERTYPE_ECPRI: u16 = 0xAEFE;

/// Byte cursor and emit helpers shared by the wire-format modules.
///
/// Field reads go through nom's complete big-endian number parsers; the
/// cursor turns their failures into [`Error`]s that carry the absolute
/// offset of the field within the buffer the outermost parser received.
pub(crate) mod wire {
    use nom::Parser;
    use nom::number::complete::{be_u8, be_u16, be_u24, be_u32, be_u64};

    use crate::{Error, ErrorKind, Result};

    type NomErr<'a> = nom::error::Error<&'a [u8]>;
    type NomResult<'a, T> = nom::IResult<&'a [u8], T, NomErr<'a>>;

    /// A read position in a buffer; offsets in errors are positions in `buf`.
    #[derive(Debug, Clone)]
    pub(crate) struct Reader<'a> {
        buf: &'a [u8],
        pos: usize,
        ctx: &'static str,
    }

    impl<'a> Reader<'a> {
        pub(crate) fn new(buf: &'a [u8], ctx: &'static str) -> Self {
            Reader { buf, pos: 0, ctx }
        }

        /// Name the structure being read, for the errors that follow.
        pub(crate) fn ctx(&mut self, ctx: &'static str) {
            self.ctx = ctx;
        }

        pub(crate) fn pos(&self) -> usize {
            self.pos
        }

        pub(crate) fn buf(&self) -> &'a [u8] {
            self.buf
        }

        pub(crate) fn remaining(&self) -> usize {
            self.buf.len().saturating_sub(self.pos)
        }

        pub(crate) fn is_empty(&self) -> bool {
            self.remaining() == 0
        }

        pub(crate) fn rest(&self) -> &'a [u8] {
            self.buf.get(self.pos..).unwrap_or(&[])
        }

        fn run<T>(&mut self, n: usize, f: impl FnOnce(&'a [u8]) -> NomResult<'a, T>) -> Result<T> {
            match f(self.rest()) {
                Ok((_, v)) => {
                    self.pos += n;
                    Ok(v)
                }
                Err(_) => Err(Error::truncated(self.pos, n, self.remaining(), self.ctx)),
            }
        }

        pub(crate) fn u8(&mut self) -> Result<u8> {
            self.run(1, be_u8::<_, NomErr<'a>>)
        }

        pub(crate) fn u16(&mut self) -> Result<u16> {
            self.run(2, be_u16::<_, NomErr<'a>>)
        }

        pub(crate) fn u24(&mut self) -> Result<u32> {
            self.run(3, be_u24::<_, NomErr<'a>>)
        }

        pub(crate) fn u32(&mut self) -> Result<u32> {
            self.run(4, be_u32::<_, NomErr<'a>>)
        }

        pub(crate) fn u48(&mut self) -> Result<u64> {
            let b = self.take(6)?;
            Ok(b.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
        }

        pub(crate) fn u64(&mut self) -> Result<u64> {
            self.run(8, be_u64::<_, NomErr<'a>>)
        }

        pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
            let b = self.take(N)?;
            let mut a = [0u8; N];
            a.copy_from_slice(b);
            Ok(a)
        }

        pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8]> {
            self.run(n, |i| nom::bytes::complete::take::<_, _, NomErr<'a>>(n).parse(i))
        }

        /// Move to an absolute position at or before the end of the buffer.
        pub(crate) fn seek(&mut self, pos: usize) -> Result<()> {
            if pos > self.buf.len() {
                return Err(Error::truncated(self.pos, pos - self.pos, self.remaining(), self.ctx));
            }
            self.pos = pos;
            Ok(())
        }
    }

    /// `FieldOverflow` unless `value` fits in `bits` bits; `offset` is where
    /// the field would be written.
    pub(crate) fn fit(value: u64, bits: u8, offset: usize, ctx: &'static str) -> Result<()> {
        if bits < 64 && value >> bits != 0 {
            return Err(Error::new(ErrorKind::FieldOverflow { bits, value }, offset, ctx));
        }
        Ok(())
    }

    pub(crate) fn put_u16(out: &mut Vec<u8>, v: u16) {
        out.extend_from_slice(&v.to_be_bytes());
    }

    pub(crate) fn put_u24(out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&v.to_be_bytes()[1..]);
    }

    pub(crate) fn put_u32(out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&v.to_be_bytes());
    }

    pub(crate) fn put_u48(out: &mut Vec<u8>, v: u64) {
        out.extend_from_slice(&v.to_be_bytes()[2..]);
    }

    /// Serialize a borrowed byte slice as its length (the CLI's JSON output
    /// reports sizes, not raw bytes).
    pub(crate) fn ser_len<S: serde::Serializer>(b: &&[u8], s: S) -> core::result::Result<S::Ok, S::Error> {
        s.serialize_u64(b.len() as u64)
    }
}

use wire::{Reader, fit, put_u16, put_u32, put_u48};

/// eCPRI message type (common header byte 1).
///
/// | value | type |
/// |---|---|
/// | 0 | IQ data (O-RAN U-plane) |
/// | 1 | bit sequence |
/// | 2 | real-time control data (O-RAN C-plane) |
/// | 3 | generic data transfer |
/// | 4 | remote memory access |
/// | 5 | one-way delay measurement |
/// | 6 | remote reset |
/// | 7 | event indication |
/// | 8-11 | IWF start-up, operation, mapping, delay control (eCPRI 2.0) |
/// | 12-63 | reserved |
/// | 64-255 | vendor specific |
///
/// `Reserved(n)` and `VendorSpecific(n)` carry the raw value; built with a
/// value outside their range they encode that value as is (so
/// `Reserved(5)` encodes as one-way delay measurement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum MessageType {
    IqData,
    BitSequence,
    RealTimeControl,
    GenericDataTransfer,
    RemoteMemoryAccess,
    OneWayDelayMeasurement,
    RemoteReset,
    EventIndication,
    IwfStartUp,
    IwfOperation,
    IwfMapping,
    IwfDelayControl,
    /// 12..=63.
    Reserved(u8),
    /// 64..=255.
    VendorSpecific(u8),
}

impl From<u8> for MessageType {
    fn from(v: u8) -> Self {
        use MessageType::*;
        match v {
            0 => IqData,
            1 => BitSequence,
            2 => RealTimeControl,
            3 => GenericDataTransfer,
            4 => RemoteMemoryAccess,
            5 => OneWayDelayMeasurement,
            6 => RemoteReset,
            7 => EventIndication,
            8 => IwfStartUp,
            9 => IwfOperation,
            10 => IwfMapping,
            11 => IwfDelayControl,
            12..=63 => Reserved(v),
            _ => VendorSpecific(v),
        }
    }
}

impl From<MessageType> for u8 {
    fn from(t: MessageType) -> u8 {
        use MessageType::*;
        match t {
            IqData => 0,
            BitSequence => 1,
            RealTimeControl => 2,
            GenericDataTransfer => 3,
            RemoteMemoryAccess => 4,
            OneWayDelayMeasurement => 5,
            RemoteReset => 6,
            EventIndication => 7,
            IwfStartUp => 8,
            IwfOperation => 9,
            IwfMapping => 10,
            IwfDelayControl => 11,
            Reserved(v) | VendorSpecific(v) => v,
        }
    }
}

/// eCPRI common header, 4 bytes:
///
/// ```text
/// byte 0: revision(4) | reserved(3) | C(1)
/// byte 1: messageType(8)
/// byte 2-3: payloadSize(16), bytes after this header
/// ```
///
/// Revision is 1 for eCPRI 1.x and 2.0; other values and non-zero reserved
/// bits are decoded as they are, for the suites to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct CommonHeader {
    /// 4 bits.
    pub revision: u8,
    /// 3 bits.
    pub reserved: u8,
    /// C bit: another message follows in this PDU.
    pub concatenated: bool,
    pub message_type: MessageType,
    pub payload_size: u16,
}

impl CommonHeader {
    pub const LEN: usize = 4;

    /// Decode the first 4 bytes of `buf`; the rest is not looked at.
    pub fn parse(buf: &[u8]) -> Result<CommonHeader> {
        let mut r = Reader::new(buf, "eCPRI common header");
        Self::read(&mut r)
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<CommonHeader> {
        r.ctx("eCPRI common header");
        if r.remaining() < Self::LEN {
            return Err(Error::truncated(
                r.pos(),
                Self::LEN,
                r.remaining(),
                "eCPRI common header",
            ));
        }
        let b0 = r.u8()?;
        let message_type = MessageType::from(r.u8()?);
        let payload_size = r.u16()?;
        Ok(CommonHeader {
            revision: b0 >> 4,
            reserved: (b0 >> 1) & 0x7,
            concatenated: b0 & 1 != 0,
            message_type,
            payload_size,
        })
    }

    /// Append the 4 header bytes. `revision` and `reserved` are cut to their
    /// 4 and 3 bits; [`Message::emit`] checks them instead.
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push((self.revision & 0xF) << 4 | (self.reserved & 0x7) << 1 | u8::from(self.concatenated));
        out.push(self.message_type.into());
        put_u16(out, self.payload_size);
    }

    fn check(&self, offset: usize) -> Result<()> {
        fit(self.revision.into(), 4, offset, "eCPRI revision")?;
        fit(self.reserved.into(), 3, offset, "eCPRI reserved bits")
    }
}

/// `ecpriSeqid` (16 bits) of IQ data and real-time control messages:
///
/// ```text
/// | sequenceId(8) | E(1): 1 = last fragment | subSequenceId(7) |
/// ```
///
/// The O-RAN C-plane always uses E = 1 and subSequenceId 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct SeqId {
    pub sequence_id: u8,
    pub e_bit: bool,
    /// 7 bits.
    pub sub_sequence_id: u8,
}

impl SeqId {
    pub fn from_u16(v: u16) -> SeqId {
        SeqId {
            sequence_id: (v >> 8) as u8,
            e_bit: v & 0x80 != 0,
            sub_sequence_id: (v & 0x7F) as u8,
        }
    }

    /// `sub_sequence_id` is cut to its 7 bits.
    pub fn to_u16(self) -> u16 {
        u16::from(self.sequence_id) << 8 | u16::from(self.e_bit) << 7 | u16::from(self.sub_sequence_id & 0x7F)
    }
}

/// One-way delay measurement action type (eCPRI 2.0 message type 5, byte 1
/// of the payload): 0x00 request, 0x01 request with follow-up, 0x02 response,
/// 0x03 remote request, 0x04 remote request with follow-up, 0x05 follow-up,
/// 0x06-0xFF reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DelayAction {
    Request,
    RequestWithFollowUp,
    Response,
    RemoteRequest,
    RemoteRequestWithFollowUp,
    FollowUp,
    /// 0x06..=0xFF.
    Reserved(u8),
}

impl From<u8> for DelayAction {
    fn from(v: u8) -> Self {
        use DelayAction::*;
        match v {
            0 => Request,
            1 => RequestWithFollowUp,
            2 => Response,
            3 => RemoteRequest,
            4 => RemoteRequestWithFollowUp,
            5 => FollowUp,
            _ => Reserved(v),
        }
    }
}

impl From<DelayAction> for u8 {
    fn from(a: DelayAction) -> u8 {
        use DelayAction::*;
        match a {
            Request => 0,
            RequestWithFollowUp => 1,
            Response => 2,
            RemoteRequest => 3,
            RemoteRequestWithFollowUp => 4,
            FollowUp => 5,
            Reserved(v) => v,
        }
    }
}

/// One-way delay measurement message (eCPRI type 5) payload, 20 bytes:
///
/// ```text
/// measurementId(8) | actionType(8)
/// timestamp: seconds(48) nanoseconds(32)   (the PTP timestamp format)
/// compensationValue(64)                    (ns multiplied by 2^16)
/// then dummy bytes up to payloadSize
/// ```
///
/// Dummy bytes only pad the message to a configured size; their count is
/// `payloadSize - 20` of the message's [`CommonHeader`], their content is
/// not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct DelayMeasurement {
    pub measurement_id: u8,
    pub action_type: DelayAction,
    /// 48 bits.
    pub timestamp_s: u64,
    pub timestamp_ns: u32,
    /// Nanoseconds times 2^16, signed as the PTP correctionField it carries
    /// (Wireshark shows it unsigned).
    pub compensation: i64,
}

impl DelayMeasurement {
    pub const LEN: usize = 20;

    /// Decode the first 20 bytes of `buf`.
    pub fn parse(buf: &[u8]) -> Result<DelayMeasurement> {
        Self::read(&mut Reader::new(buf, "eCPRI one-way delay measurement"))
    }

    fn read(r: &mut Reader<'_>) -> Result<DelayMeasurement> {
        r.ctx("eCPRI one-way delay measurement");
        if r.remaining() < Self::LEN {
            return Err(Error::truncated(
                r.pos(),
                Self::LEN,
                r.remaining(),
                "eCPRI one-way delay measurement",
            ));
        }
        Ok(DelayMeasurement {
            measurement_id: r.u8()?,
            action_type: r.u8()?.into(),
            timestamp_s: r.u48()?,
            timestamp_ns: r.u32()?,
            compensation: r.u64()? as i64,
        })
    }

    /// Append the 20 bytes; `FieldOverflow` if `timestamp_s` exceeds 48 bits.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<()> {
        fit(self.timestamp_s, 48, out.len() + 2, "eCPRI delay measurement timestamp")?;
        out.push(self.measurement_id);
        out.push(self.action_type.into());
        put_u48(out, self.timestamp_s);
        put_u32(out, self.timestamp_ns);
        out.extend_from_slice(&self.compensation.to_be_bytes());
        Ok(())
    }
}

/// The payload of one eCPRI message, after its common header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Payload<'a> {
    /// Type 0: `ecpriPcid(16) | ecpriSeqid(16)` then `data`, which is the
    /// O-RAN U-plane message from its radio application header on.
    IqData {
        /// eAxC ID; see [`crate::eaxc`].
        pc_id: u16,
        seq_id: SeqId,
        #[serde(rename = "data_len", serialize_with = "wire::ser_len")]
        data: &'a [u8],
    },
    /// Type 2: `ecpriRtcid(16) | ecpriSeqid(16)` then `data`, the O-RAN
    /// C-plane message from its radio application header on.
    RealTimeControl {
        /// eAxC ID; see [`crate::eaxc`].
        rtc_id: u16,
        seq_id: SeqId,
        #[serde(rename = "data_len", serialize_with = "wire::ser_len")]
        data: &'a [u8],
    },
    /// Type 1: `PC_ID(16) | SEQ_ID(16)` then the bit sequence.
    BitSequence {
        pc_id: u16,
        seq_id: SeqId,
        #[serde(rename = "data_len", serialize_with = "wire::ser_len")]
        data: &'a [u8],
    },
    /// Type 3: `PC_ID(32) | SEQ_ID(32)` then the data.
    GenericData {
        pc_id: u32,
        seq_id: u32,
        #[serde(rename = "data_len", serialize_with = "wire::ser_len")]
        data: &'a [u8],
    },
    /// Type 4.
    RemoteMemoryAccess(RemoteMemoryAccess<'a>),
    /// Type 5. Dummy bytes after the 20 bytes are counted by the header's
    /// `payload_size` and not kept.
    OneWayDelay(DelayMeasurement),
    /// Type 6: `Reset ID(16) | Reset Code Op(8)` then vendor-specific bytes.
    RemoteReset {
        reset_id: u16,
        /// 0x01 remote reset request, 0x02 response; others reserved.
        reset_code: u8,
        #[serde(rename = "vendor_len", serialize_with = "wire::ser_len")]
        vendor: &'a [u8],
    },
    /// Type 7.
    EventIndication(EventIndication<'a>),
    /// Every other message type (8-11 of eCPRI 2.0, reserved, vendor
    /// specific), the whole payload raw.
    Other(#[serde(serialize_with = "wire::ser_len")] &'a [u8]),
}

/// eCPRI type 4, remote memory access:
/// `Remote Memory Access ID(8) | Read/Write(4) Req/Resp(4) | Element ID(16) |
/// Address(48) | Length(16) | Data`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct RemoteMemoryAccess<'a> {
    pub id: u8,
    /// 0 read, 1 write, 2 write with no response; others reserved.
    pub read_write: u8,
    /// 0 request, 1 response, 2 failure; others reserved.
    pub req_resp: u8,
    pub element_id: u16,
    /// 48 bits.
    pub address: u64,
    /// Bytes to read or written; for a write it should equal `data.len()`
    /// (a disagreement is reported, not rejected).
    pub length: u16,
    #[serde(rename = "data_len", serialize_with = "wire::ser_len")]
    pub data: &'a [u8],
}

impl RemoteMemoryAccess<'_> {
    pub const HEADER_LEN: usize = 12;
}

/// eCPRI type 7, event indication:
/// `Event ID(8) | Event Type(8) | Sequence Number(8) | Number of Faults/Notif(8)`,
/// then that many 8-byte elements (see [`FaultNotification`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct EventIndication<'a> {
    pub event_id: u8,
    /// 0 fault(s) indication, 1 fault(s) ack, 2 notification(s) indication,
    /// 3 synchronization request, 4 synchronization ack, 5 sync end indication.
    pub event_type: u8,
    pub sequence_number: u8,
    /// As on the wire; may disagree with the elements present.
    pub number: u8,
    /// The element bytes, as on the wire (see [`EventIndication::elements`]).
    #[serde(rename = "elements_len", serialize_with = "wire::ser_len")]
    pub elements: &'a [u8],
}

/// One element of an event indication:
/// `Element ID(16) | Raise/Cease(4) Fault/Notif(12) | Additional Information(32)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct FaultNotification {
    pub element_id: u16,
    /// 0 raise, 1 cease.
    pub raise_cease: u8,
    /// 12 bits.
    pub fault: u16,
    pub additional: u32,
}

impl EventIndication<'_> {
    pub const HEADER_LEN: usize = 4;
    pub const ELEMENT_LEN: usize = 8;

    /// The complete 8-byte elements present (bytes after the last complete
    /// one are ignored).
    pub fn elements(&self) -> impl Iterator<Item = FaultNotification> + '_ {
        self.elements
            .chunks_exact(Self::ELEMENT_LEN)
            .map(|e| FaultNotification {
                element_id: u16::from_be_bytes([e[0], e[1]]),
                raise_cease: e[2] >> 4,
                fault: u16::from_be_bytes([e[2] & 0x0F, e[3]]),
                additional: u32::from_be_bytes([e[4], e[5], e[6], e[7]]),
            })
    }
}

impl FaultNotification {
    /// Append the 8 bytes; `FieldOverflow` if a field exceeds its width.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<()> {
        fit(self.raise_cease.into(), 4, out.len() + 2, "eCPRI event raise/cease")?;
        fit(self.fault.into(), 12, out.len() + 2, "eCPRI event fault/notification")?;
        put_u16(out, self.element_id);
        put_u16(out, (u16::from(self.raise_cease) << 12) | self.fault);
        put_u32(out, self.additional);
        Ok(())
    }
}

impl<'a> Message<'a> {
    /// An IQ data message, revision 1, C = 0 (payloadSize is set by emit).
    pub fn iq_data(pc_id: u16, seq_id: SeqId, data: &'a [u8]) -> Self {
        Message {
            header: Self::header(MessageType::IqData),
            payload: Payload::IqData { pc_id, seq_id, data },
            offset: 0,
        }
    }

    /// A real-time control message, revision 1, C = 0 (payloadSize is set by emit).
    pub fn real_time_control(rtc_id: u16, seq_id: SeqId, data: &'a [u8]) -> Self {
        Message {
            header: Self::header(MessageType::RealTimeControl),
            payload: Payload::RealTimeControl { rtc_id, seq_id, data },
            offset: 0,
        }
    }

    fn header(message_type: MessageType) -> CommonHeader {
        CommonHeader {
            revision: 1,
            reserved: 0,
            concatenated: false,
            message_type,
            payload_size: 0,
        }
    }
}

impl Payload<'_> {
    /// Bytes this payload occupies on the wire, without dummy bytes.
    pub fn wire_len(&self) -> usize {
        match self {
            Payload::IqData { data, .. } | Payload::RealTimeControl { data, .. } => 4 + data.len(),
            Payload::BitSequence { data, .. } => 4 + data.len(),
            Payload::GenericData { data, .. } => 8 + data.len(),
            Payload::RemoteMemoryAccess(m) => RemoteMemoryAccess::HEADER_LEN + m.data.len(),
            Payload::OneWayDelay(_) => DelayMeasurement::LEN,
            Payload::RemoteReset { vendor, .. } => 3 + vendor.len(),
            Payload::EventIndication(e) => EventIndication::HEADER_LEN + e.elements.len(),
            Payload::Other(b) => b.len(),
        }
    }
}

/// One eCPRI message of a PDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Message<'a> {
    pub header: CommonHeader,
    pub payload: Payload<'a>,
    /// Offset of the common header within the PDU (ignored by emit).
    pub offset: usize,
}

/// A parsed eCPRI PDU: its messages and the count of bytes after the last
/// one (Ethernet padding to 60 bytes, an FCS, or junk).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pdu<'a> {
    pub messages: Vec<Message<'a>>,
    pub trailing: usize,
}

/// Decode every message of an eCPRI PDU (see [`parse_pdu_with_trailer`]);
/// bytes after the last message are ignored.
pub fn parse_pdu(pdu: &[u8]) -> Result<Vec<Message<'_>>> {
    parse_pdu_with_trailer(pdu).map(|p| p.messages)
}

/// Decode every message of an eCPRI PDU.
///
/// Messages follow one another while the C bit is set; each next one starts
/// at the next 4-byte boundary from the start of `pdu` (0-3 padding bytes,
/// not checked for content). Bytes after the message whose C bit is 0 are
/// counted in [`Pdu::trailing`]. Error offsets are from the start of `pdu`.
pub fn parse_pdu_with_trailer(pdu: &[u8]) -> Result<Pdu<'_>> {
    let mut r = Reader::new(pdu, "eCPRI PDU");
    let mut messages = Vec::new();
    loop {
        let msg = read_message(&mut r)?;
        let more = msg.header.concatenated;
        messages.push(msg);
        if !more {
            break;
        }
        let next = r.pos().next_multiple_of(4);
        r.ctx("eCPRI concatenation padding");
        r.seek(next)?;
        if r.is_empty() {
            return Err(Error::truncated(
                r.pos(),
                CommonHeader::LEN,
                0,
                "eCPRI concatenated message",
            ));
        }
    }
    Ok(Pdu {
        trailing: r.remaining(),
        messages,
    })
}

/// Decode one message at the start of `buf` (its C bit is reported, not
/// followed). Returns the message and the bytes it occupied.
pub fn parse_message(buf: &[u8]) -> Result<(Message<'_>, usize)> {
    let mut r = Reader::new(buf, "eCPRI message");
    let m = read_message(&mut r)?;
    Ok((m, r.pos()))
}

fn read_message<'a>(r: &mut Reader<'a>) -> Result<Message<'a>> {
    let offset = r.pos();
    let header = CommonHeader::read(r)?;
    let size = usize::from(header.payload_size);
    if size > r.remaining() {
        return Err(Error::new(
            ErrorKind::BadLength {
                claimed: size,
                actual: r.remaining(),
            },
            offset + 2,
            "eCPRI payloadSize",
        ));
    }
    let start = r.pos();
    let body = r.take(size)?;
    let payload = match header.message_type {
        MessageType::IqData | MessageType::RealTimeControl => {
            let ctx = if header.message_type == MessageType::IqData {
                "eCPRI IQ data payload"
            } else {
                "eCPRI real-time control payload"
            };
            if size < 4 {
                return Err(Error::truncated(start, 4, size, ctx));
            }
            let id = u16::from_be_bytes([body[0], body[1]]);
            let seq_id = SeqId::from_u16(u16::from_be_bytes([body[2], body[3]]));
            let data = &body[4..];
            if header.message_type == MessageType::IqData {
                Payload::IqData {
                    pc_id: id,
                    seq_id,
                    data,
                }
            } else {
                Payload::RealTimeControl {
                    rtc_id: id,
                    seq_id,
                    data,
                }
            }
        }
        MessageType::OneWayDelayMeasurement => {
            let dm = DelayMeasurement::read(&mut Reader::new(body, "")).map_err(|e| e.at(start))?;
            Payload::OneWayDelay(dm)
        }
        MessageType::BitSequence => {
            let mut b = Reader::new(body, "eCPRI bit sequence payload");
            let (pc_id, seq) = (b.u16().map_err(|e| e.at(start))?, b.u16().map_err(|e| e.at(start))?);
            Payload::BitSequence {
                pc_id,
                seq_id: SeqId::from_u16(seq),
                data: b.rest(),
            }
        }
        MessageType::GenericDataTransfer => {
            let mut b = Reader::new(body, "eCPRI generic data transfer payload");
            let (pc_id, seq_id) = (b.u32().map_err(|e| e.at(start))?, b.u32().map_err(|e| e.at(start))?);
            Payload::GenericData {
                pc_id,
                seq_id,
                data: b.rest(),
            }
        }
        MessageType::RemoteMemoryAccess => {
            let mut b = Reader::new(body, "eCPRI remote memory access payload");
            let at = |e: Error| e.at(start);
            let id = b.u8().map_err(at)?;
            let rw = b.u8().map_err(at)?;
            let element_id = b.u16().map_err(at)?;
            let address = (u64::from(b.u16().map_err(at)?) << 32) | u64::from(b.u32().map_err(at)?);
            let length = b.u16().map_err(at)?;
            Payload::RemoteMemoryAccess(RemoteMemoryAccess {
                id,
                read_write: rw >> 4,
                req_resp: rw & 0x0F,
                element_id,
                address,
                length,
                data: b.rest(),
            })
        }
        MessageType::RemoteReset => {
            let mut b = Reader::new(body, "eCPRI remote reset payload");
            let reset_id = b.u16().map_err(|e| e.at(start))?;
            let reset_code = b.u8().map_err(|e| e.at(start))?;
            Payload::RemoteReset {
                reset_id,
                reset_code,
                vendor: b.rest(),
            }
        }
        MessageType::EventIndication => {
            let mut b = Reader::new(body, "eCPRI event indication payload");
            let at = |e: Error| e.at(start);
            let (event_id, event_type) = (b.u8().map_err(at)?, b.u8().map_err(at)?);
            let (sequence_number, number) = (b.u8().map_err(at)?, b.u8().map_err(at)?);
            Payload::EventIndication(EventIndication {
                event_id,
                event_type,
                sequence_number,
                number,
                elements: b.rest(),
            })
        }
        _ => Payload::Other(body),
    };
    Ok(Message {
        header,
        payload,
        offset,
    })
}

/// Append one message: `header` as given except `payloadSize`, which is
/// computed from `payload`. For [`Payload::OneWayDelay`] a `payload_size`
/// above 20 in `header` is kept and the dummy bytes are written as zeros.
///
/// The message type written is `header.message_type`, whatever the payload
/// variant (so deliberately mislabelled messages can be built).
pub fn emit_message(header: &CommonHeader, payload: &Payload<'_>, out: &mut Vec<u8>) -> Result<()> {
    let start = out.len();
    header.check(start)?;
    let mut size = payload.wire_len();
    if let Payload::OneWayDelay(_) = payload {
        size = size.max(header.payload_size.into());
    }
    fit(size as u64, 16, start + 2, "eCPRI payloadSize")?;
    CommonHeader {
        payload_size: size as u16,
        ..*header
    }
    .emit(out);
    match payload {
        Payload::IqData {
            pc_id: id,
            seq_id,
            data,
        }
        | Payload::RealTimeControl {
            rtc_id: id,
            seq_id,
            data,
        } => {
            fit(seq_id.sub_sequence_id.into(), 7, out.len() + 3, "eCPRI subSequenceId")?;
            put_u16(out, *id);
            put_u16(out, seq_id.to_u16());
            out.extend_from_slice(data);
        }
        Payload::OneWayDelay(dm) => {
            dm.emit(out)?;
            out.resize(start + CommonHeader::LEN + size, 0);
        }
        Payload::BitSequence { pc_id, seq_id, data } => {
            fit(seq_id.sub_sequence_id.into(), 7, out.len() + 3, "eCPRI subSequenceId")?;
            put_u16(out, *pc_id);
            put_u16(out, seq_id.to_u16());
            out.extend_from_slice(data);
        }
        Payload::GenericData { pc_id, seq_id, data } => {
            put_u32(out, *pc_id);
            put_u32(out, *seq_id);
            out.extend_from_slice(data);
        }
        Payload::RemoteMemoryAccess(m) => {
            fit(m.read_write.into(), 4, out.len() + 1, "eCPRI read/write")?;
            fit(m.req_resp.into(), 4, out.len() + 1, "eCPRI request/response")?;
            fit(m.address, 48, out.len() + 4, "eCPRI remote memory address")?;
            out.push(m.id);
            out.push((m.read_write << 4) | m.req_resp);
            put_u16(out, m.element_id);
            put_u48(out, m.address);
            put_u16(out, m.length);
            out.extend_from_slice(m.data);
        }
        Payload::RemoteReset {
            reset_id,
            reset_code,
            vendor,
        } => {
            put_u16(out, *reset_id);
            out.push(*reset_code);
            out.extend_from_slice(vendor);
        }
        Payload::EventIndication(e) => {
            out.extend_from_slice(&[e.event_id, e.event_type, e.sequence_number, e.number]);
            out.extend_from_slice(e.elements);
        }
        Payload::Other(b) => out.extend_from_slice(b),
    }
    Ok(())
}

impl Message<'_> {
    /// Append this message; see [`emit_message`]. The C bit is written as
    /// `header.concatenated` says.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<()> {
        emit_message(&self.header, &self.payload, out)
    }
}

/// Append a PDU of `msgs`: the C bit is set on every message but the last
/// (whatever their headers say) and zero padding brings each following
/// message to a 4-byte boundary from the start of the PDU.
pub fn emit_pdu(msgs: &[Message<'_>], out: &mut Vec<u8>) -> Result<()> {
    let start = out.len();
    for (i, m) in msgs.iter().enumerate() {
        if i > 0 {
            let pad = (out.len() - start).next_multiple_of(4) - (out.len() - start);
            out.resize(out.len() + pad, 0);
        }
        let header = CommonHeader {
            concatenated: i + 1 < msgs.len(),
            ..m.header
        };
        emit_message(&header, &m.payload, out)?;
    }
    Ok(())
}

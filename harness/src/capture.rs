//! Reading and writing captures: pcap (micro- or nanosecond) and pcapng,
//! streamed one packet at a time so memory stays bounded whatever the size.

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapReader, PcapWriter};
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::{InterfaceDescriptionBlock, InterfaceDescriptionOption};
use pcap_file::pcapng::{Block, PcapNgReader, PcapNgWriter};
use pcap_file::{DataLink, TsResolution};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::time::Duration;

/// One captured packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// Nanoseconds since the capture's epoch (Unix epoch for real captures;
    /// the harness's air-time origin for simulated runs).
    pub ts_ns: u64,
    /// Link type of the interface it was captured on (1 = Ethernet).
    pub linktype: u32,
    pub data: Vec<u8>,
}

/// An error reading a capture, with the packet number it happened at.
#[derive(Debug)]
pub struct CaptureError {
    pub packet: u64,
    pub message: String,
}

impl std::fmt::Display for CaptureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "capture packet {}: {}", self.packet, self.message)
    }
}

impl std::error::Error for CaptureError {}

enum Inner {
    Pcap(PcapReader<BufReader<File>>),
    PcapNg {
        reader: PcapNgReader<BufReader<File>>,
        /// Per interface: link type and nanoseconds per timestamp unit
        /// (numerator, denominator), from if_tsresol.
        interfaces: Vec<(u32, u128, u128)>,
    },
}

/// A streaming reader over a pcap or pcapng file, chosen by its magic number.
pub struct CaptureReader {
    inner: Inner,
    count: u64,
}

impl CaptureReader {
    pub fn open(path: &Path) -> io::Result<Self> {
        let mut file = File::open(path)?;
        let mut magic = [0u8; 4];
        file.read_exact(&mut magic)?;
        drop(file);
        let reader = BufReader::with_capacity(1 << 20, File::open(path)?);
        let bad = |e: pcap_file::PcapError| io::Error::new(io::ErrorKind::InvalidData, e.to_string());
        let inner = match magic {
            [0x0a, 0x0d, 0x0d, 0x0a] => Inner::PcapNg {
                reader: PcapNgReader::new(reader).map_err(bad)?,
                interfaces: Vec::new(),
            },
            _ => Inner::Pcap(PcapReader::new(reader).map_err(bad)?),
        };
        Ok(CaptureReader { inner, count: 0 })
    }

    fn err(&self, e: impl ToString) -> CaptureError {
        CaptureError {
            packet: self.count + 1,
            message: e.to_string(),
        }
    }
}

/// Nanoseconds per unit for a pcapng if_tsresol value (default 10^-6 s).
fn tsresol_to_ns(v: Option<u8>) -> (u128, u128) {
    match v {
        None => (1000, 1),
        Some(r) if r & 0x80 == 0 => {
            let exp = (r & 0x7f) as u32;
            if exp <= 9 {
                (10u128.pow(9 - exp), 1)
            } else {
                (1, 10u128.pow((exp - 9).min(30)))
            }
        }
        Some(r) => (1_000_000_000, 1u128 << (r & 0x7f).min(100)),
    }
}

impl Iterator for CaptureReader {
    type Item = Result<Packet, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = match &mut self.inner {
            Inner::Pcap(r) => {
                let linktype = u32::from(r.header().datalink);
                match r.next_packet()? {
                    Ok(p) => Ok(Packet {
                        ts_ns: p.timestamp.as_nanos() as u64,
                        linktype,
                        data: p.data.into_owned(),
                    }),
                    Err(e) => Err(e.to_string()),
                }
            }
            Inner::PcapNg { reader, interfaces } => loop {
                match reader.next_block()? {
                    Err(e) => break Err(e.to_string()),
                    Ok(Block::SectionHeader(_)) => interfaces.clear(),
                    Ok(Block::InterfaceDescription(idb)) => {
                        let res = idb.options.iter().find_map(|o| match o {
                            InterfaceDescriptionOption::IfTsResol(r) => Some(*r),
                            _ => None,
                        });
                        let (num, den) = tsresol_to_ns(res);
                        interfaces.push((u32::from(idb.linktype), num, den));
                    }
                    Ok(Block::EnhancedPacket(epb)) => {
                        let Some(&(linktype, num, den)) = interfaces.get(epb.interface_id as usize) else {
                            break Err(format!(
                                "packet names interface {} with no description",
                                epb.interface_id
                            ));
                        };
                        // pcap-file hands back the raw timestamp count as nanoseconds;
                        // scale it by the interface's resolution.
                        let raw = epb.timestamp.as_nanos();
                        break Ok(Packet {
                            ts_ns: (raw * num / den) as u64,
                            linktype,
                            data: epb.data.into_owned(),
                        });
                    }
                    Ok(Block::SimplePacket(spb)) => {
                        let linktype = interfaces.first().map(|i| i.0).unwrap_or(1);
                        break Ok(Packet {
                            ts_ns: 0,
                            linktype,
                            data: spb.data.into_owned(),
                        });
                    }
                    Ok(_) => continue,
                }
            },
        };
        Some(match item {
            Ok(p) => {
                self.count += 1;
                Ok(p)
            }
            Err(e) => Err(self.err(e)),
        })
    }
}

/// Capture file format to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pcap,
    PcapNg,
}

enum WriterInner {
    Pcap(PcapWriter<BufWriter<File>>),
    PcapNg(PcapNgWriter<BufWriter<File>>),
}

/// Writes Ethernet frames with nanosecond timestamps.
pub struct CaptureWriter {
    inner: WriterInner,
}

impl CaptureWriter {
    pub fn create(path: &Path, format: Format) -> io::Result<Self> {
        let file = BufWriter::new(File::create(path)?);
        let bad = |e: pcap_file::PcapError| io::Error::other(e.to_string());
        let inner = match format {
            Format::Pcap => {
                let header = PcapHeader {
                    ts_resolution: TsResolution::NanoSecond,
                    datalink: DataLink::ETHERNET,
                    ..Default::default()
                };
                WriterInner::Pcap(PcapWriter::with_header(file, header).map_err(bad)?)
            }
            Format::PcapNg => {
                let mut w = PcapNgWriter::new(file).map_err(bad)?;
                let mut idb = InterfaceDescriptionBlock::new(DataLink::ETHERNET, 65535);
                // Nanosecond timestamps: pcap-file writes the count as given.
                idb.options.push(InterfaceDescriptionOption::IfTsResol(9));
                w.write_pcapng_block(idb).map_err(bad)?;
                WriterInner::PcapNg(w)
            }
        };
        Ok(CaptureWriter { inner })
    }

    pub fn write(&mut self, ts_ns: u64, frame: &[u8]) -> io::Result<()> {
        let bad = |e: pcap_file::PcapError| io::Error::other(e.to_string());
        let ts = Duration::from_nanos(ts_ns);
        match &mut self.inner {
            WriterInner::Pcap(w) => {
                w.write_packet(&PcapPacket::new(ts, frame.len() as u32, frame))
                    .map_err(bad)?;
            }
            WriterInner::PcapNg(w) => {
                let epb = EnhancedPacketBlock {
                    interface_id: 0,
                    timestamp: ts,
                    original_len: frame.len() as u32,
                    data: frame.into(),
                    options: vec![],
                };
                w.write_pcapng_block(epb).map_err(bad)?;
            }
        }
        Ok(())
    }

    pub fn finish(self) -> io::Result<()> {
        match self.inner {
            WriterInner::Pcap(w) => w.into_writer().flush(),
            WriterInner::PcapNg(w) => w.into_inner().flush(),
        }
    }
}

/// Write a list of (timestamp, frame) to a pcap file.
pub fn write_pcap<'a>(path: &Path, frames: impl IntoIterator<Item = (u64, &'a [u8])>) -> io::Result<()> {
    let mut w = CaptureWriter::create(path, Format::Pcap)?;
    for (ts, f) in frames {
        w.write(ts, f)?;
    }
    w.finish()
}

/// One E2AP message for [`write_e2_pcap`].
pub struct SctpMessage<'a> {
    pub ts_ns: u64,
    /// Sent by the harness (true) or by the DUT.
    pub from_harness: bool,
    pub stream: u16,
    pub ppid: u32,
    pub data: &'a [u8],
}

/// The synthetic addresses an E2 case capture shows: the harness and the
/// DUT on a private network; the near-RT RIC on the SCTP port Wireshark
/// dissects as E2AP without being told (it does not go by PPID 70), the E2
/// node on a port no dissector claims.
pub const E2_HARNESS_IP: [u8; 4] = [10, 0, 0, 1];
pub const E2_DUT_IP: [u8; 4] = [10, 0, 0, 2];
pub const E2_RIC_PORT: u16 = crate::e2link::PORT_WIRESHARK;
pub const E2_NODE_PORT: u16 = 50000;

/// Largest DATA chunk payload: what fits a 1500-octet IPv4 packet.
const SCTP_FRAGMENT: usize = 1500 - 20 - 12 - 16;

/// Write E2AP messages as Ethernet/IPv4/SCTP DATA chunks (PPID and stream
/// kept, a TSN sequence per direction, messages over one packet split into
/// B/E-flagged fragments, CRC32c checksums), so that Wireshark dissects each
/// case's E2AP exchange as it would a live one. The association's set-up
/// is not shown: the harness's transports report messages, not chunks.
pub fn write_e2_pcap<'a>(
    path: &Path,
    dut_is_ric: bool,
    messages: impl IntoIterator<Item = SctpMessage<'a>>,
) -> io::Result<()> {
    const CRC32C: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISCSI);
    let (harness_port, dut_port) = if dut_is_ric {
        (E2_NODE_PORT, E2_RIC_PORT)
    } else {
        (E2_RIC_PORT, E2_NODE_PORT)
    };
    let mut w = CaptureWriter::create(path, Format::Pcap)?;
    // Per direction: next TSN, and next stream sequence number per stream.
    let mut tsn = [1u32, 1u32];
    let mut ssn: [std::collections::HashMap<u16, u16>; 2] = Default::default();
    let mut ip_id = [0u16; 2];
    let mut frame = Vec::with_capacity(1514);
    for m in messages {
        let d = usize::from(!m.from_harness);
        let (src_ip, dst_ip, src_port, dst_port) = if m.from_harness {
            (E2_HARNESS_IP, E2_DUT_IP, harness_port, dut_port)
        } else {
            (E2_DUT_IP, E2_HARNESS_IP, dut_port, harness_port)
        };
        let seq = ssn[d].entry(m.stream).or_insert(0);
        let this_ssn = *seq;
        *seq = seq.wrapping_add(1);
        let pieces: Vec<&[u8]> = if m.data.is_empty() {
            vec![&[]]
        } else {
            m.data.chunks(SCTP_FRAGMENT).collect()
        };
        let last = pieces.len() - 1;
        for (i, piece) in pieces.into_iter().enumerate() {
            frame.clear();
            // Ethernet: locally administered addresses, IPv4.
            frame.extend_from_slice(&[0x02, 0, 0, 0, 0, if m.from_harness { 2 } else { 1 }]);
            frame.extend_from_slice(&[0x02, 0, 0, 0, 0, if m.from_harness { 1 } else { 2 }]);
            frame.extend_from_slice(&0x0800u16.to_be_bytes());
            let ip_at = frame.len();
            let chunk_len = 16 + piece.len();
            let sctp_len = 12 + chunk_len.next_multiple_of(4);
            let total = 20 + sctp_len;
            frame.extend_from_slice(&[0x45, 0]);
            frame.extend_from_slice(&(total as u16).to_be_bytes());
            frame.extend_from_slice(&ip_id[d].to_be_bytes());
            ip_id[d] = ip_id[d].wrapping_add(1);
            frame.extend_from_slice(&[0x40, 0, 64, 132, 0, 0]); // DF, TTL 64, SCTP
            frame.extend_from_slice(&src_ip);
            frame.extend_from_slice(&dst_ip);
            let sum = codecs::framing::ipv4_header_checksum(&frame[ip_at..ip_at + 20]);
            frame[ip_at + 10..ip_at + 12].copy_from_slice(&sum.to_be_bytes());
            let sctp_at = frame.len();
            frame.extend_from_slice(&src_port.to_be_bytes());
            frame.extend_from_slice(&dst_port.to_be_bytes());
            frame.extend_from_slice(&0x4532_0001u32.to_be_bytes()); // verification tag
            frame.extend_from_slice(&[0; 4]); // checksum, below
            let flags = u8::from(i == 0) << 1 | u8::from(i == last); // B, E
            frame.extend_from_slice(&[0, flags]);
            frame.extend_from_slice(&(chunk_len as u16).to_be_bytes());
            frame.extend_from_slice(&tsn[d].to_be_bytes());
            tsn[d] = tsn[d].wrapping_add(1);
            frame.extend_from_slice(&m.stream.to_be_bytes());
            frame.extend_from_slice(&this_ssn.to_be_bytes());
            frame.extend_from_slice(&m.ppid.to_be_bytes());
            frame.extend_from_slice(piece);
            frame.resize(sctp_at + sctp_len, 0);
            // RFC 9260 appendix A: the CRC32c goes on the wire least
            // significant octet first.
            let crc = CRC32C.checksum(&frame[sctp_at..]);
            frame[sctp_at + 8..sctp_at + 12].copy_from_slice(&crc.to_le_bytes());
            w.write(m.ts_ns, &frame)?;
        }
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(format: Format) {
        let dir = std::env::temp_dir().join(format!("capture-rt-{}-{format:?}", std::process::id()));
        let frames: Vec<(u64, Vec<u8>)> = (0..5u64)
            .map(|i| (1_000_000_123 + i * 35_677, vec![i as u8; 60 + i as usize]))
            .collect();
        let mut w = CaptureWriter::create(&dir, format).unwrap();
        for (t, f) in &frames {
            w.write(*t, f).unwrap();
        }
        w.finish().unwrap();
        let got: Vec<_> = CaptureReader::open(&dir).unwrap().map(|p| p.unwrap()).collect();
        std::fs::remove_file(&dir).ok();
        assert_eq!(got.len(), frames.len());
        for (p, (t, f)) in got.iter().zip(&frames) {
            assert_eq!(p.ts_ns, *t, "nanosecond timestamps survive {format:?}");
            assert_eq!(&p.data, f);
            assert_eq!(p.linktype, 1);
        }
    }

    #[test]
    fn pcap_round_trip_keeps_nanoseconds() {
        round_trip(Format::Pcap);
    }

    #[test]
    fn pcapng_round_trip_keeps_nanoseconds() {
        round_trip(Format::PcapNg);
    }

    #[test]
    fn tsresol_units() {
        assert_eq!(tsresol_to_ns(None), (1000, 1));
        assert_eq!(tsresol_to_ns(Some(9)), (1, 1));
        assert_eq!(tsresol_to_ns(Some(3)), (1_000_000, 1));
        assert_eq!(tsresol_to_ns(Some(0x80 | 10)), (1_000_000_000, 1024));
    }

    #[test]
    fn e2_pcap_splits_large_messages_and_checksums_every_packet() {
        let path = std::env::temp_dir().join(format!("e2-pcap-{}", std::process::id()));
        let big = vec![0x5a; 4000];
        let msgs = [
            SctpMessage {
                ts_ns: 1_000,
                from_harness: true,
                stream: 0,
                ppid: 70,
                data: &[1, 2, 3],
            },
            SctpMessage {
                ts_ns: 2_000,
                from_harness: false,
                stream: 1,
                ppid: 70,
                data: &big,
            },
        ];
        write_e2_pcap(&path, true, msgs).unwrap();
        let pkts: Vec<_> = CaptureReader::open(&path).unwrap().map(|p| p.unwrap()).collect();
        std::fs::remove_file(&path).ok();
        // 3 octets in one packet; 4000 in ceil(4000 / 1452) = 3 fragments.
        assert_eq!(pkts.len(), 4);
        let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISCSI);
        let mut payload = Vec::new();
        for (i, p) in pkts.iter().enumerate() {
            let ip = &p.data[14..];
            assert_eq!(
                codecs::framing::ipv4_header_checksum(&ip[..20]),
                0,
                "IPv4 checksum of packet {i}"
            );
            assert_eq!(usize::from(u16::from_be_bytes([ip[2], ip[3]])), ip.len());
            let mut sctp = ip[20..].to_vec();
            let sent = u32::from_le_bytes(sctp[8..12].try_into().unwrap());
            sctp[8..12].fill(0);
            assert_eq!(crc.checksum(&sctp), sent, "CRC32c of packet {i}");
            let (flags, len) = (sctp[13], usize::from(u16::from_be_bytes([sctp[14], sctp[15]])));
            let tsn = u32::from_be_bytes(sctp[16..20].try_into().unwrap());
            let (stream, ssn) = (
                u16::from_be_bytes([sctp[20], sctp[21]]),
                u16::from_be_bytes([sctp[22], sctp[23]]),
            );
            let ppid = u32::from_be_bytes(sctp[24..28].try_into().unwrap());
            assert_eq!(ppid, 70);
            if i == 0 {
                assert_eq!(
                    (flags, tsn, stream, ssn, &sctp[28..len + 12]),
                    (3, 1, 0, 0, &[1u8, 2, 3][..])
                );
                // Harness to DUT: the DUT is the RIC, on the E2AP port.
                assert_eq!(u16::from_be_bytes([sctp[2], sctp[3]]), E2_RIC_PORT);
            } else {
                let want_flags = (u8::from(i == 1) << 1) | u8::from(i == 3);
                assert_eq!((flags, tsn, stream, ssn), (want_flags, i as u32, 1, 0));
                payload.extend_from_slice(&sctp[28..len + 12]);
            }
        }
        assert_eq!(payload, big);
    }
}

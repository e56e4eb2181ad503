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
}

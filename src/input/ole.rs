//! A reader of OLE compound files (the container of `.xls` and of encrypted
//! OOXML) that trusts nothing: every sector chain is walked with loop and
//! range checks, so what passes here can't make calamine loop or read out
//! of the file.

use super::error::ReadError;

pub(super) const SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
/// Sector ids at or above this are markers, not sectors.
const MAX_REGULAR_SECTOR: u32 = 0xFFFF_FFFA;
const DIFAT_SECTOR: u32 = 0xFFFF_FFFC;
const MINI_SECTOR: usize = 64;
const MINI_STREAM_CUTOFF: u64 = 4096;

/// An OLE compound file (the container of `.xls` and of encrypted OOXML)
/// whose allocation tables and directory have been read with every chain
/// checked: no sector out of the file, no loop. Mirrors how calamine reads
/// it, so that what passes here can't make calamine loop.
pub(super) struct Compound<'a> {
    bytes: &'a [u8],
    sector: usize,
    fat: Vec<u32>,
    entries: Vec<(String, u32, u64)>,
    mini_fat: Vec<u32>,
    mini_stream: Vec<u8>,
}

impl<'a> Compound<'a> {
    pub(super) fn parse(bytes: &'a [u8]) -> Result<Self, ReadError> {
        let header = bytes.get(..512).ok_or_else(|| ReadError::damaged("OLE header truncated"))?;
        let u32_at =
            |at: usize| u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
        let sector = match u16::from_le_bytes([header[30], header[31]]) {
            9 => 512,
            12 => 4096,
            shift => return Err(ReadError::damaged(format!("OLE sector shift {shift}"))),
        };
        let mut compound = Compound {
            bytes,
            sector,
            fat: Vec::new(),
            entries: Vec::new(),
            mini_fat: Vec::new(),
            mini_stream: Vec::new(),
        };
        // The DIFAT: 109 ids in the header, then a chain of DIFAT sectors
        // whose last id links to the next.
        let mut difat: Vec<u32> = header[76..512].chunks_exact(4).map(read_u32).collect();
        let mut next = u32_at(68);
        let mut steps = 0;
        while next < MAX_REGULAR_SECTOR {
            steps += 1;
            if steps > compound.sector_count() {
                return Err(ReadError::damaged("OLE DIFAT chain loops"));
            }
            difat.extend(compound.sector_bytes(next)?.chunks_exact(4).map(read_u32));
            next = difat.pop().unwrap_or(ENDOFCHAIN);
        }
        for id in difat.into_iter().filter(|&id| id < DIFAT_SECTOR) {
            let sector = compound.sector_bytes(id)?;
            compound.fat.extend(sector.chunks_exact(4).map(read_u32));
        }
        let directory = compound.chain(u32_at(48), u64::MAX)?;
        compound.entries = directory
            .chunks_exact(128)
            .map(|entry| {
                let units: Vec<u16> =
                    entry[..64].chunks_exact(2).map(|pair| u16::from_le_bytes([pair[0], pair[1]])).collect();
                let name: String = char::decode_utf16(units.into_iter().take_while(|&unit| unit != 0))
                    .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                    .collect();
                let length = if sector == 512 {
                    u64::from(read_u32(&entry[120..124]))
                } else {
                    u64::from_le_bytes(entry[120..128].try_into().unwrap_or_default())
                };
                (name, read_u32(&entry[116..120]), length)
            })
            .collect();
        let Some(&(_, root_start, root_length)) = compound.entries.first() else {
            return Err(ReadError::damaged("OLE directory is empty"));
        };
        let mini_fat_sectors = u64::from(u32_at(64));
        if mini_fat_sectors > 0 {
            compound.mini_stream = compound.chain(root_start, root_length)?;
            let mini_fat = compound.chain(u32_at(60), mini_fat_sectors.saturating_mul(sector as u64))?;
            compound.mini_fat = mini_fat.chunks_exact(4).map(read_u32).collect();
        }
        Ok(compound)
    }

    /// Sectors in the file after the header.
    fn sector_count(&self) -> usize {
        self.bytes.len() / self.sector
    }

    /// A sector's bytes; the file's last sector may be cut short, as
    /// calamine accepts.
    fn sector_bytes(&self, id: u32) -> Result<&'a [u8], ReadError> {
        let start = (id as usize + 1).saturating_mul(self.sector);
        if start >= self.bytes.len() {
            return Err(ReadError::damaged("OLE sector beyond the end of the file"));
        }
        Ok(&self.bytes[start..start.saturating_add(self.sector).min(self.bytes.len())])
    }

    /// The bytes of the chain from `start`, stopping at its end or at
    /// `length` bytes, whichever comes first.
    fn chain(&self, start: u32, length: u64) -> Result<Vec<u8>, ReadError> {
        let mut bytes = Vec::new();
        let mut id = start;
        while id != ENDOFCHAIN && (bytes.len() as u64) < length {
            if bytes.len() / self.sector > self.sector_count() {
                return Err(ReadError::damaged("OLE sector chain loops"));
            }
            bytes.extend_from_slice(self.sector_bytes(id)?);
            id = *self
                .fat
                .get(id as usize)
                .ok_or_else(|| ReadError::damaged("OLE sector outside the allocation table"))?;
        }
        bytes.truncate(usize::try_from(length).unwrap_or(usize::MAX).min(bytes.len()));
        Ok(bytes)
    }

    /// A stream's bytes: in the mini stream when short, else in sectors.
    pub(super) fn stream(&self, start: u32, length: u64) -> Result<Vec<u8>, ReadError> {
        if length >= MINI_STREAM_CUTOFF {
            return self.chain(start, length);
        }
        let mut bytes = Vec::new();
        let mut id = start;
        while id != ENDOFCHAIN && (bytes.len() as u64) < length {
            if bytes.len() / MINI_SECTOR > self.mini_stream.len() / MINI_SECTOR {
                return Err(ReadError::damaged("OLE mini sector chain loops"));
            }
            let at = (id as usize).saturating_mul(MINI_SECTOR);
            let sector = self.mini_stream.get(at..at.saturating_add(MINI_SECTOR));
            bytes.extend_from_slice(
                sector.ok_or_else(|| ReadError::damaged("OLE mini sector beyond the mini stream"))?,
            );
            id = *self
                .mini_fat
                .get(id as usize)
                .ok_or_else(|| ReadError::damaged("OLE mini sector outside its table"))?;
        }
        bytes.truncate(length as usize);
        Ok(bytes)
    }

    /// The first entry named `name` (ASCII case-insensitive, as calamine finds it).
    pub(super) fn entry(&self, name: &str) -> Option<(u32, u64)> {
        let found = self.entries.iter().find(|(entry, _, _)| entry.eq_ignore_ascii_case(name))?;
        Some((found.1, found.2))
    }

    pub(super) fn has_entry(&self, name: &str) -> bool {
        self.entry(name).is_some()
    }
}

fn read_u32(bytes: &[u8]) -> u32 {
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

//! The state file's binary format: little-endian numbers, length-prefixed
//! strings and lists, a magic header with a version, and a checksum at the end
//! (a torn or foreign file is refused, never half-read).

use crate::hash::{combine, mix};
use crate::{Error, Result};

pub(crate) const MAGIC: &[u8; 8] = b"KHSTORY\0";

pub(crate) struct Writer {
    pub(crate) buf: Vec<u8>,
}

impl Writer {
    pub(crate) fn new(version: u32) -> Writer {
        let mut w = Writer { buf: Vec::with_capacity(1 << 20) };
        w.buf.extend_from_slice(MAGIC);
        w.u32(version);
        w
    }
    pub(crate) fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn f32(&mut self, v: f32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
    pub(crate) fn str(&mut self, s: &str) {
        self.len(s.len());
        self.buf.extend_from_slice(s.as_bytes());
    }
    pub(crate) fn finish(mut self) -> Vec<u8> {
        let sum = checksum(&self.buf);
        self.u64(sum);
        self.buf
    }
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut h = 0x0123_4567_89ab_cdef;
    for chunk in bytes.chunks(8) {
        let mut b = [0u8; 8];
        b[..chunk.len()].copy_from_slice(chunk);
        h = combine(h, u64::from_le_bytes(b));
    }
    mix(h ^ bytes.len() as u64)
}

pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// Check the header, version and checksum.
    pub(crate) fn new(bytes: &'a [u8], min_version: u32, version: u32) -> Result<(Reader<'a>, u32)> {
        if bytes.len() < MAGIC.len() + 12 || &bytes[..MAGIC.len()] != MAGIC {
            return Err(Error::Corrupt("not a khabar story state file".into()));
        }
        let (body, sum) = bytes.split_at(bytes.len() - 8);
        let mut s = [0u8; 8];
        s.copy_from_slice(sum);
        if checksum(body) != u64::from_le_bytes(s) {
            return Err(Error::Corrupt("checksum mismatch (truncated or damaged file)".into()));
        }
        let mut r = Reader { bytes: body, at: MAGIC.len() };
        let v = r.u32()?;
        if v < min_version || v > version {
            return Err(Error::Corrupt(format!("state version {v}, this khabar reads versions {min_version} to {version}")));
        }
        Ok((r, v))
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or_else(|| Error::Corrupt("unexpected end".into()))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    pub(crate) fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    pub(crate) fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    pub(crate) fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_le_bytes(self.array()?))
    }
    pub(crate) fn f32(&mut self) -> Result<f32> {
        Ok(f32::from_le_bytes(self.array()?))
    }
    /// A list length, checked against the bytes left (`min` bytes per item).
    pub(crate) fn len(&mut self, min: usize) -> Result<usize> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min.max(1)) > self.bytes.len() - self.at {
            return Err(Error::Corrupt("list longer than the file".into()));
        }
        Ok(n)
    }
    pub(crate) fn str(&mut self) -> Result<String> {
        let n = self.len(1)?;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| Error::Corrupt("invalid UTF-8".into()))
    }
    pub(crate) fn done(&self) -> Result<()> {
        if self.at != self.bytes.len() {
            return Err(Error::Corrupt("trailing bytes".into()));
        }
        Ok(())
    }
}

//! Opening inputs: plain, gzip or zstd files (by their magic bytes, not
//! their names) and standard input, with a byte counter for progress and a
//! read error kept aside so that what was read before it is not lost.
//! UTF-16 text (with a byte-order mark, or recognized by its zero bytes) is
//! decoded to UTF-8, so that everything after this module reads UTF-8.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Compression of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Plain text.
    None,
    /// gzip (`.gz`), possibly several members.
    Gzip,
    /// Zstandard (`.zst`).
    Zstd,
}

impl Compression {
    /// Name stored in the manifest.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Compression::None => None,
            Compression::Gzip => Some("gzip"),
            Compression::Zstd => Some("zstd"),
        }
    }

    fn sniff(magic: &[u8]) -> Compression {
        if magic.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// Counts the bytes that pass through (compressed bytes, for progress).
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Turns a read error into the end of the stream, keeping the error to be
/// reported: a truncated `.gz` still yields every record before the damage.
pub struct Guarded<R> {
    inner: R,
    error: Arc<Mutex<Option<io::Error>>>,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.inner.read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    if let Ok(mut slot) = self.error.lock() {
                        slot.get_or_insert(e);
                    }
                    return Ok(0);
                }
            }
        }
    }
}

/// A text encoding decoded to UTF-8 on the way in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-16, little-endian (what Windows writes).
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
}

impl Encoding {
    /// Name stored in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
        }
    }

    /// The encoding of text starting with `head`, and the length of its
    /// byte-order mark: a UTF-16 BOM, or, without one, ASCII-range text
    /// whose every other byte is zero. `None` for anything else (UTF-8).
    pub fn sniff(head: &[u8]) -> Option<(Encoding, usize)> {
        match head {
            [0xFF, 0xFE, ..] => return Some((Encoding::Utf16Le, 2)),
            [0xFE, 0xFF, ..] => return Some((Encoding::Utf16Be, 2)),
            _ => {}
        }
        let pairs = head.len() / 2;
        if pairs < 8 {
            return None;
        }
        let zeros = |parity: usize| {
            head.chunks_exact(2)
                .filter(|pair| pair[parity] == 0)
                .count()
        };
        let (even, odd) = (zeros(0), zeros(1));
        // Mostly zero high bytes, and almost no zero low bytes (a NUL run
        // in UTF-8 text has zeros at both).
        if odd * 10 >= pairs * 9 && even * 20 <= pairs {
            Some((Encoding::Utf16Le, 0))
        } else if even * 10 >= pairs * 9 && odd * 20 <= pairs {
            Some((Encoding::Utf16Be, 0))
        } else {
            None
        }
    }
}

/// Decodes a UTF-16 stream to UTF-8 (unpaired surrogates and an odd last
/// byte become U+FFFD).
struct Utf16Decoder<R> {
    inner: R,
    big_endian: bool,
    /// Undecoded bytes: an odd byte, or a high surrogate waiting for its pair.
    raw: Vec<u8>,
    /// Decoded bytes not yet handed out, from `out_pos`.
    out: Vec<u8>,
    out_pos: usize,
    eof: bool,
}

impl<R: Read> Utf16Decoder<R> {
    fn new(inner: R, encoding: Encoding) -> Self {
        Utf16Decoder {
            inner,
            big_endian: encoding == Encoding::Utf16Be,
            raw: Vec::new(),
            out: Vec::new(),
            out_pos: 0,
            eof: false,
        }
    }

    /// Reads and decodes more input into `out`.
    fn refill(&mut self) -> io::Result<()> {
        let mut tmp = [0u8; 32 * 1024];
        let n = loop {
            match self.inner.read(&mut tmp) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        if n == 0 {
            self.eof = true;
        }
        self.raw.extend_from_slice(&tmp[..n]);
        let mut units: Vec<u16> = self
            .raw
            .chunks_exact(2)
            .map(|p| {
                let pair = [p[0], p[1]];
                if self.big_endian {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            })
            .collect();
        let mut keep = self.raw.len() % 2;
        // A high surrogate at the end may be completed by the next read.
        if !self.eof && units.last().is_some_and(|u| (0xD800..0xDC00).contains(u)) {
            units.pop();
            keep += 2;
        }
        self.raw.drain(..self.raw.len() - keep);
        self.out.clear();
        self.out_pos = 0;
        let mut buf = [0u8; 4];
        for c in char::decode_utf16(units) {
            let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
            self.out
                .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
        if self.eof && !self.raw.is_empty() {
            self.raw.clear();
            let c = char::REPLACEMENT_CHARACTER;
            self.out
                .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf16Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_pos == self.out.len() {
            if self.eof {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// An opened input.
pub struct Input {
    /// The decompressed stream.
    pub reader: Box<dyn Read + Send>,
    /// Compression found.
    pub compression: Compression,
    /// Encoding decoded to UTF-8, if not UTF-8 already.
    pub encoding: Option<Encoding>,
    /// Size on disk (0 for standard input).
    pub size: u64,
    /// Modification time, for inferring years.
    pub modified: Option<std::time::SystemTime>,
    /// Bytes read from disk so far.
    pub read_bytes: Arc<AtomicU64>,
    /// The first read error, if any (the stream ended there).
    pub error: Arc<Mutex<Option<io::Error>>>,
}

impl Input {
    /// Opens a path (`-` for standard input).
    pub fn open(path: &Path) -> io::Result<Input> {
        let count = Arc::new(AtomicU64::new(0));
        let (raw, size, modified): (Box<dyn Read + Send>, u64, _) = if path.as_os_str() == "-" {
            (Box::new(io::stdin()), 0, None)
        } else {
            let file = File::open(path)?;
            let meta = file.metadata()?;
            if meta.is_dir() {
                return Err(io::Error::other("is a folder"));
            }
            (Box::new(file), meta.len(), meta.modified().ok())
        };
        let mut buffered = BufReader::with_capacity(
            256 * 1024,
            Counting {
                inner: raw,
                count: count.clone(),
            },
        );
        let magic = {
            use std::io::BufRead;
            buffered.fill_buf()?.get(..4).unwrap_or_default().to_vec()
        };
        let compression = Compression::sniff(&magic);
        let decoded: Box<dyn Read + Send> = match compression {
            Compression::None => Box::new(buffered),
            Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(buffered)?),
        };
        let error = Arc::new(Mutex::new(None));
        let mut guarded = Guarded {
            inner: decoded,
            error: error.clone(),
        };
        // Look at the first (decompressed) bytes for UTF-16.
        let mut peek = Vec::with_capacity(4096);
        (&mut guarded).take(4096).read_to_end(&mut peek)?;
        let encoding = Encoding::sniff(&peek);
        let start = io::Cursor::new(peek);
        let reader: Box<dyn Read + Send> = match encoding {
            None => Box::new(start.chain(guarded)),
            Some((encoding, bom)) => {
                let mut start = start;
                start.set_position(bom as u64);
                Box::new(Utf16Decoder::new(start.chain(guarded), encoding))
            }
        };
        Ok(Input {
            reader,
            compression,
            encoding: encoding.map(|(e, _)| e),
            size,
            modified,
            read_bytes: count,
            error,
        })
    }

    /// Reads up to `n` bytes from the start (fewer at the end of the input).
    pub fn read_head(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let mut head = Vec::with_capacity(n);
        (&mut self.reader).take(n as u64).read_to_end(&mut head)?;
        Ok(head)
    }

    /// The error that ended the stream early, if any.
    pub fn take_error(&self) -> Option<io::Error> {
        self.error.lock().ok().and_then(|mut e| e.take())
    }
}

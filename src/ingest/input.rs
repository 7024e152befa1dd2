//! Opening inputs: plain, gzip or zstd files (by their magic bytes, not
//! their names) and standard input, with a byte counter for progress and a
//! read error kept aside so that what was read before it is not lost.

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

/// An opened input.
pub struct Input {
    /// The decompressed stream.
    pub reader: Box<dyn Read + Send>,
    /// Compression found.
    pub compression: Compression,
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
        Ok(Input {
            reader: Box::new(Guarded {
                inner: decoded,
                error: error.clone(),
            }),
            compression,
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

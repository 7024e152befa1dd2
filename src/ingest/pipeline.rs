//! The ingest pipeline: one reader → N parser workers → one ordered writer.
//!
//! For each file, a reader thread cuts the (decompressed) stream into
//! chunks that end on record boundaries ([`Chunker`]) and sends them over a
//! bounded channel; worker threads frame and parse chunks in parallel and
//! build tantivy documents; the calling thread receives the results, puts
//! them back in file order, gives time-less records their predecessor's
//! time, and adds them to the tantivy writer. Memory stays bounded: a few
//! chunks in flight plus the writer's budget, whatever the input size.
//!
//! Every so often, and at the end, the writer commits together with the
//! manifest (see [`crate::index::manifest`]), which records for each file
//! the offset of the last record committed: a killed ingest resumes there.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use crossbeam_channel::{bounded, Receiver, Sender};
use onset_parsers::framing::{looks_binary, Chunk, Chunker, Framer};
use onset_parsers::{parse_record, Format, Kind, TimeContext, TimeFlags};
use tantivy::{IndexWriter, TantivyDocument};

use super::discover::Skipped;
use super::input::Input;
use crate::index::document::to_document;
use crate::index::manifest::{fingerprint, FileEntry, Manifest, FINGERPRINT_LEN};
use crate::index::{self, BatchFeeder, Fields, IndexDoc};

/// Target size of a chunk.
pub const CHUNK_SIZE: usize = 1 << 20;

/// Parsed chunks handed to the index writer and not yet indexed, at most.
const MAX_BATCHES_IN_FLIGHT: usize = 8;

/// Commit at least every this many input bytes…
pub const COMMIT_BYTES: u64 = 256 << 20;
/// …or this often.
const COMMIT_INTERVAL: Duration = Duration::from_secs(30);

/// What the workers need to parse a chunk of one file.
#[derive(Clone)]
pub struct FileContext {
    /// The format.
    pub format: Arc<dyn Format>,
    /// Time context (zone, reference for years).
    pub time: Arc<TimeContext>,
    /// Source name.
    pub source: Arc<str>,
    /// Source kind.
    pub kind: Kind,
    /// File name recorded in provenance.
    pub file: Arc<str>,
}

struct Job {
    seq: u64,
    chunk: Chunk,
    ctx: FileContext,
    reply: Sender<Parsed>,
}

/// A parsed chunk.
struct Parsed {
    seq: u64,
    /// Documents without their time fields.
    docs: Vec<TantivyDocument>,
    /// Each document's time (µs) and flags, `None` when the record had none.
    times: Vec<Option<(i64, TimeFlags)>>,
    unparsed: u64,
    blank_lines: u64,
    /// Offset just past the chunk.
    end_offset: u64,
    /// Line number just past the chunk.
    end_line: u64,
}

/// The worker pool.
pub struct Workers {
    jobs: Option<Sender<Job>>,
    handles: Vec<std::thread::JoinHandle<()>>,
}

impl Workers {
    /// Starts `n` parser threads.
    pub fn start(n: usize, fields: Fields) -> Workers {
        let (tx, rx) = bounded::<Job>(n * 2);
        let handles = (0..n.max(1))
            .map(|_| {
                let rx: Receiver<Job> = rx.clone();
                let fields = fields.clone();
                std::thread::spawn(move || {
                    for job in rx {
                        let parsed = parse_chunk(&fields, job.seq, &job.chunk, &job.ctx);
                        if job.reply.send(parsed).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        Workers {
            jobs: Some(tx),
            handles,
        }
    }

    fn sender(&self) -> Sender<Job> {
        self.jobs.clone().expect("workers are running")
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.jobs.take();
        for h in self.handles.drain(..) {
            let _ = h.join();
        }
    }
}

fn parse_chunk(fields: &Fields, seq: u64, chunk: &Chunk, ctx: &FileContext) -> Parsed {
    let format = ctx.format.as_ref();
    let mut framer = Framer::for_chunk(chunk, format);
    let mut docs = Vec::new();
    let mut times = Vec::new();
    let mut unparsed = 0;
    for record in framer.by_ref() {
        let event = parse_record(format, &record, &ctx.time, Some(&ctx.file));
        unparsed += u64::from(event.unparsed);
        times.push(
            event
                .timestamp
                .as_ref()
                .map(|t| (t.utc.timestamp_micros(), t.flags)),
        );
        docs.push(to_document(
            fields,
            &event,
            &ctx.source,
            ctx.format.name(),
            ctx.kind,
        ));
    }
    Parsed {
        seq,
        docs,
        times,
        unparsed,
        blank_lines: framer.blank_lines(),
        end_offset: chunk.offset + chunk.data.len() as u64,
        end_line: chunk.first_line + memchr::memchr_iter(b'\n', &chunk.data).count() as u64,
    }
}

/// One file to read, as prepared by the ingest.
pub struct FileJob {
    /// The opened input, positioned after `head`.
    pub input: Input,
    /// The bytes already read from its start.
    pub head: Vec<u8>,
    /// Where to resume: offset and line (0 and 1 for a new file).
    pub resume_offset: u64,
    /// Line number at `resume_offset`.
    pub resume_line: u64,
    /// Parsing context.
    pub ctx: FileContext,
    /// Index of its entry in the manifest.
    pub entry: usize,
}

/// Progress and totals of one ingest run.
pub struct Run<'a> {
    /// The index writer.
    pub writer: &'a mut IndexWriter<IndexDoc>,
    feeder: BatchFeeder,
    /// Field handles.
    pub fields: &'a Fields,
    /// The manifest being updated.
    pub manifest: &'a mut Manifest,
    /// Workers.
    pub workers: &'a Workers,
    /// Disk bytes read so far in this run (for the progress bar).
    pub progress: Arc<AtomicU64>,
    /// Events added in this run.
    pub added: u64,
    /// Commit after this many input bytes.
    pub commit_bytes: u64,
    last_commit: Instant,
    bytes_since_commit: u64,
}

impl<'a> Run<'a> {
    /// Starts a run.
    pub fn new(
        writer: &'a mut IndexWriter<IndexDoc>,
        fields: &'a Fields,
        manifest: &'a mut Manifest,
        workers: &'a Workers,
    ) -> Run<'a> {
        Run {
            writer,
            feeder: BatchFeeder::new(MAX_BATCHES_IN_FLIGHT),
            fields,
            manifest,
            workers,
            progress: Arc::new(AtomicU64::new(0)),
            added: 0,
            commit_bytes: COMMIT_BYTES,
            last_commit: Instant::now(),
            bytes_since_commit: 0,
        }
    }

    /// Commits what was added so far with the manifest.
    pub fn commit(&mut self) -> Result<()> {
        index::commit(self.writer, self.manifest)?;
        self.last_commit = Instant::now();
        self.bytes_since_commit = 0;
        Ok(())
    }

    /// Reads one file to its end (or its first read error) into the index.
    /// Returns the read error, if the stream ended on one.
    pub fn ingest_file(&mut self, job: FileJob) -> Result<Option<std::io::Error>> {
        let FileJob {
            input,
            head,
            resume_offset,
            resume_line,
            ctx,
            entry,
        } = job;
        let disk_counter = input.read_bytes.clone();
        let progress = self.progress.clone();
        let base_progress = progress.load(Ordering::Relaxed);
        let (reply_tx, reply_rx) = bounded::<Parsed>(4);
        let jobs = self.workers.sender();
        let reader_ctx = ctx.clone();
        let mut last_ts = self.manifest.files[entry].last_ts;
        let fallback_ts = input
            .modified
            .unwrap_or_else(SystemTime::now)
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_micros() as i64)
            .unwrap_or(0);

        let reader_result = std::thread::scope(|scope| -> Result<()> {
            let reader = scope.spawn(move || -> std::io::Result<()> {
                // Skip what the index already holds.
                let mut stream: Box<dyn Read + Send> = if resume_offset as usize >= head.len() {
                    let skip = resume_offset - head.len() as u64;
                    let mut rest = input.reader;
                    std::io::copy(&mut (&mut rest).take(skip), &mut std::io::sink())?;
                    rest
                } else {
                    let tail = head[resume_offset as usize..].to_vec();
                    Box::new(std::io::Cursor::new(tail).chain(input.reader))
                };
                let format = reader_ctx.format.clone();
                let chunker = Chunker::new(&mut stream, format.as_ref(), CHUNK_SIZE)
                    .starting_at(resume_line, resume_offset);
                for (seq, chunk) in chunker.enumerate() {
                    let chunk = chunk?;
                    let job = Job {
                        seq: seq as u64,
                        chunk,
                        ctx: reader_ctx.clone(),
                        reply: reply_tx.clone(),
                    };
                    if jobs.send(job).is_err() {
                        break;
                    }
                }
                Ok(())
            });

            let mut pending: BTreeMap<u64, Parsed> = BTreeMap::new();
            let mut next = 0u64;
            for parsed in reply_rx.iter() {
                pending.insert(parsed.seq, parsed);
                while let Some(p) = pending.remove(&next) {
                    next += 1;
                    self.add_parsed(p, entry, &ctx, &mut last_ts, fallback_ts)?;
                    progress.store(
                        base_progress + disk_counter.load(Ordering::Relaxed),
                        Ordering::Relaxed,
                    );
                    if self.bytes_since_commit >= self.commit_bytes
                        || self.last_commit.elapsed() >= COMMIT_INTERVAL
                    {
                        self.commit()?;
                    }
                }
            }
            reader
                .join()
                .map_err(|_| anyhow::anyhow!("the reader thread panicked"))?
                .with_context(|| format!("reading {}", ctx.file))?;
            Ok(())
        });
        reader_result?;
        progress.store(
            base_progress + disk_counter.load(Ordering::Relaxed),
            Ordering::Relaxed,
        );
        let error = input.error.lock().ok().and_then(|mut e| e.take());
        let file = &mut self.manifest.files[entry];
        file.complete = error.is_none();
        Ok(error)
    }

    fn add_parsed(
        &mut self,
        p: Parsed,
        entry: usize,
        ctx: &FileContext,
        last_ts: &mut Option<i64>,
        fallback_ts: i64,
    ) -> Result<()> {
        let Parsed {
            docs,
            mut times,
            unparsed,
            blank_lines,
            end_offset,
            end_line,
            ..
        } = p;
        // Records without a time of their own take their predecessor's; the
        // leading ones of a file take the first time that follows.
        let first_known = times.iter().flatten().next().map(|t| t.0);
        let n_docs = docs.len() as u64;
        let mut flagged = 0u64;
        let mut first_ts = None;
        let mut chunk_last = None;
        let mut batch = Vec::with_capacity(docs.len());
        for (mut doc, time) in docs.into_iter().zip(times.drain(..)) {
            // `real`: the time comes from the logs (the record's own or a
            // neighbour's), not from the file's modification time.
            let (ts, flags, real) = match time {
                Some((ts, flags)) => {
                    *last_ts = Some(ts);
                    (ts, flags, true)
                }
                None => match last_ts.or(first_known) {
                    Some(ts) => (ts, TimeFlags::INHERITED, true),
                    None => (fallback_ts, TimeFlags::INHERITED, false),
                },
            };
            if !flags.is_empty() {
                flagged += 1;
                doc.add_u64(self.fields.ts_flags, u64::from(flags.bits()));
            }
            doc.add_i64(self.fields.ts, ts);
            // Only times read from the logs make the source's span.
            if real {
                first_ts = Some(first_ts.map_or(ts, |f: i64| f.min(ts)));
                chunk_last = Some(chunk_last.map_or(ts, |l: i64| l.max(ts)));
            }
            batch.push(doc);
        }
        self.added += n_docs;
        // One batch per chunk: the writer's threads take it whole, instead of
        // one channel message (and wake-up) per document.
        self.feeder.send(self.writer, batch)?;
        let file: &mut FileEntry = &mut self.manifest.files[entry];
        file.events += n_docs;
        let bytes = end_offset.saturating_sub(file.offset);
        file.offset = end_offset;
        file.next_line = end_line;
        file.unparsed += unparsed;
        file.blank_lines += blank_lines;
        file.last_ts = *last_ts;
        self.bytes_since_commit += bytes;
        let source = self
            .manifest
            .sources
            .entry(ctx.source.to_string())
            .or_default();
        source.events += n_docs;
        source.unparsed += unparsed;
        source.flagged_times += flagged;
        if let Some(f) = first_ts {
            source.first_ts = Some(source.first_ts.map_or(f, |s| s.min(f)));
        }
        if let Some(l) = chunk_last {
            source.last_ts = Some(source.last_ts.map_or(l, |s| s.max(l)));
        }
        Ok(())
    }
}

/// Reads the head of an input and decides what to do with it: skip it
/// (empty, binary, already fully ingested) or read it from some offset.
pub enum Plan {
    /// Nothing to read; the reason is reported.
    Skip(Skipped),
    /// Already fully in the index.
    UpToDate {
        /// Manifest entry.
        entry: usize,
    },
    /// Read from `offset` (0 for a new file).
    Read {
        /// Manifest entry (created for a new file).
        entry: usize,
        /// Resume offset.
        offset: u64,
        /// Resume line.
        line: u64,
    },
}

/// Looks a file up in the manifest by its head and decides.
pub fn plan_file(
    manifest: &mut Manifest,
    path: &str,
    source: &str,
    input: &Input,
    head: &[u8],
) -> Plan {
    if head.is_empty() {
        return Plan::Skip(Skipped {
            path: path.to_string(),
            reason: "empty file".into(),
            error: false,
        });
    }
    if looks_binary(head) {
        return Plan::Skip(Skipped {
            path: path.to_string(),
            reason: "binary file (not a text log)".into(),
            error: false,
        });
    }
    let fp_len = head.len().min(FINGERPRINT_LEN);
    let fp_hash = fingerprint(&head[..fp_len]);
    if let Some(i) = manifest.find(path, head) {
        let e = &mut manifest.files[i];
        let unchanged = match input.compression.name() {
            // A plain file is unchanged when its size is what was read.
            None => input.size != 0 && input.size == e.offset && e.compression.is_none(),
            // A compressed file cannot grow: the same one read to its end is done.
            Some(c) => e.complete && e.compression.as_deref() == Some(c) && e.size == input.size,
        };
        // A rotated copy of a plain file that was read to its end, now compressed,
        // holds nothing new either if its head is the same and it is not longer:
        // it is read (decompressed) and only bytes past `offset` are indexed.
        e.path = path.to_string();
        e.size = input.size;
        if fp_len > e.fp_len {
            e.fp_len = fp_len;
            e.fp_hash = fp_hash;
        }
        e.compression = input.compression.name().map(str::to_string);
        if unchanged {
            return Plan::UpToDate { entry: i };
        }
        return Plan::Read {
            entry: i,
            offset: e.offset,
            line: e.next_line.max(1),
        };
    }
    manifest.files.push(FileEntry {
        path: path.to_string(),
        source: source.to_string(),
        compression: input.compression.name().map(str::to_string),
        fp_len,
        fp_hash,
        size: input.size,
        offset: 0,
        next_line: 1,
        ..FileEntry::default()
    });
    Plan::Read {
        entry: manifest.files.len() - 1,
        offset: 0,
        line: 1,
    }
}

/// The reference instant for inferring years: the file's modification time.
pub fn reference_time(input: &Input) -> DateTime<Utc> {
    input
        .modified
        .map(DateTime::<Utc>::from)
        .unwrap_or_else(Utc::now)
}

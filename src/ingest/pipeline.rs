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
//!
//! Chunks finished out of order wait in a reorder buffer; the reader may
//! only have [`MAX_CHUNKS_IN_FLIGHT`] chunks between it and the writer (it
//! takes a ticket for each, the writer gives it back once the chunk is
//! indexed), so that buffer is bounded by construction. An error anywhere
//! ends the file's read promptly: the writer drops its ends of the
//! channels, the reader stops at its next ticket, workers drop the replies
//! nobody waits for.
//!
//! A plain file may still be being written: its last record is held back
//! (see [`Chunker::hold_tail`]) unless the file has stayed unchanged for
//! [`QUIET`] — then it is complete and the record is read. The manifest's
//! offset is always the input position actually consumed.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::PathBuf;
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
use crate::analysis::fine::FineSignals;
use crate::analysis::signals::{Row, Severity};
use crate::analysis::template::template_into;
use crate::index::document::to_document;
use crate::index::manifest::{fingerprint, FileEntry, Manifest, FINGERPRINT_LEN, TAIL_LEN};
use crate::index::{self, BatchFeeder, Fields, IndexDoc, Store};

/// Target size of a chunk.
pub const CHUNK_SIZE: usize = 1 << 20;

/// Records per block of a preview's map (see [`ChunkMap`]).
const MAP_BLOCK: usize = 256;

/// Parsed chunks handed to the index writer and not yet indexed, at most.
const MAX_BATCHES_IN_FLIGHT: usize = 8;

/// Chunks between the reader and the writer (queued, being parsed, parsed
/// and waiting for their turn), at most.
pub const MAX_CHUNKS_IN_FLIGHT: usize = 16;

/// How long a plain file must have stayed unchanged for its last record to
/// be read: a file modified more recently is re-checked after this long,
/// and if it changed it is still being written.
pub const QUIET: Duration = Duration::from_millis(500);

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
    reply: Sender<Reply>,
}

/// A worker's answer: chunk `seq` parsed, or what the panic of its parse
/// said (a bug in a format: the chunks before it are kept, the rest of the
/// file is left for a later run, and the run goes on with the next file).
struct Reply {
    seq: u64,
    parsed: Result<Parsed, String>,
}

/// A parsed chunk.
pub(crate) struct Parsed {
    /// Documents without their time fields (none for a preview).
    pub(crate) docs: Vec<TantivyDocument>,
    /// Each record's time (µs) and flags, `None` when the record had none.
    pub(crate) times: Vec<Option<(i64, TimeFlags)>>,
    /// Each document as the signals see it (time not set; the template an
    /// index into `templates`).
    rows: Vec<Row>,
    /// The chunk's message templates.
    templates: Vec<String>,
    /// For a preview: the offset and first line of every [`MAP_BLOCK`]-th
    /// record (the first of each mapped block).
    starts: Vec<(u64, u64)>,
    unparsed: u64,
    blank_lines: u64,
    nul_bytes: u64,
    /// Offset just past the chunk.
    end_offset: u64,
    /// Line number just past the chunk.
    end_line: u64,
    /// Length and hash of the chunk's last bytes (see [`FileEntry::tail_hash`]).
    tail: Option<(usize, u64)>,
}

/// The worker pool.
pub struct Workers {
    jobs: Option<Sender<Job>>,
    handles: Vec<std::thread::JoinHandle<()>>,
}

impl Workers {
    /// Starts `n` parser threads; with `documents` false they leave out
    /// the index's documents (a preview reads only the signals).
    pub fn start(n: usize, fields: Fields, documents: bool) -> Workers {
        let (tx, rx) = bounded::<Job>(n * 2);
        let handles = (0..n.max(1))
            .map(|_| {
                let rx: Receiver<Job> = rx.clone();
                let fields = fields.clone();
                std::thread::spawn(move || {
                    for job in rx {
                        let parsed = caught(|| {
                            parse_chunk(&fields, documents, job.seq, &job.chunk, &job.ctx)
                        });
                        // Nobody waits for it when that file's read failed:
                        // the pool goes on for the next one.
                        let _ = job.reply.send(Reply {
                            seq: job.seq,
                            parsed,
                        });
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

/// `f()`, or what it said if it panicked (a bug, caught so that a thread
/// others wait for still answers).
pub(crate) fn caught<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string())
    })
}

/// For the tests, `ONSET_TEST_PANIC_IN=SUFFIX:SEQ` makes the parse of chunk
/// SEQ (from 0) of every file whose name ends with SUFFIX panic, as a bug
/// in a format would.
fn test_panic(file: &str, seq: u64) -> bool {
    static SPEC: std::sync::OnceLock<Option<(String, u64)>> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| {
        let spec = std::env::var("ONSET_TEST_PANIC_IN").ok()?;
        let (suffix, seq) = spec.rsplit_once(':')?;
        Some((suffix.to_string(), seq.parse().ok()?))
    })
    .as_ref()
    .is_some_and(|(suffix, at)| *at == seq && file.ends_with(suffix.as_str()))
}

pub(crate) fn parse_chunk(
    fields: &Fields,
    documents: bool,
    seq: u64,
    chunk: &Chunk,
    ctx: &FileContext,
) -> Parsed {
    if test_panic(&ctx.file, seq) {
        panic!("a test panic (ONSET_TEST_PANIC_IN)");
    }
    let format = ctx.format.as_ref();
    let mut framer = Framer::for_chunk(chunk, format);
    // Sized for records of about 128 bytes: most chunks then fill them
    // without growing them (each growth copies what they hold).
    let expected = chunk.data.len() / 128 + 16;
    let mut docs = Vec::with_capacity(if documents { expected } else { 0 });
    let mut times = Vec::with_capacity(expected);
    let mut rows = Vec::with_capacity(expected);
    let mut templates: Vec<String> = Vec::new();
    let mut template_ids: rustc_hash::FxHashMap<String, u32> = Default::default();
    let mut template_buf = String::new();
    let mut starts = Vec::with_capacity(if documents {
        0
    } else {
        expected / MAP_BLOCK + 1
    });
    let hash = |s: &Option<std::borrow::Cow<'_, str>>| {
        s.as_deref()
            .map(|s| xxhash_rust::xxh3::xxh3_64(s.as_bytes()))
    };
    let mut unparsed = 0;
    for record in framer.by_ref() {
        // A preview maps the start of every MAP_BLOCK-th record.
        if !documents && rows.len() % MAP_BLOCK == 0 {
            starts.push((record.offset, record.line));
        }
        let event = parse_record(format, &record, &ctx.time, Some(&ctx.file));
        unparsed += u64::from(event.unparsed);
        // One buffer for every record's template: no allocation per record.
        template_into(&mut template_buf, &event.message);
        let template = (!event.unparsed).then_some(template_buf.as_str());
        let template_id = template.map(|t| match template_ids.get(t) {
            Some(&id) => id,
            None => {
                let id = templates.len() as u32;
                templates.push(t.to_string());
                template_ids.insert(t.to_string(), id);
                id
            }
        });
        let x = &event.fields;
        rows.push(Row {
            ts: 0,
            severity: Severity::of(event.level.as_str()),
            unparsed: event.unparsed,
            status: x.status,
            duration: x.duration,
            client: hash(&x.client),
            template: template_id,
            pid: x.pid.map(u64::from),
            session: hash(&x.session),
            query_time: x.query_time,
            proxied: x.upstream_duration.is_some(),
            request: hash(&x.request_id),
        });
        times.push(
            event
                .timestamp
                .as_ref()
                .map(|t| (t.utc.timestamp_micros(), t.flags)),
        );
        if documents {
            docs.push(to_document(
                fields,
                &event,
                &ctx.source,
                ctx.format.name(),
                ctx.kind,
                template,
            ));
        }
    }
    let tail = chunk.is_whole().then(|| {
        let tail = &chunk.data[chunk.data.len().saturating_sub(TAIL_LEN)..];
        (tail.len(), fingerprint(tail))
    });
    Parsed {
        docs,
        times,
        rows,
        templates,
        starts,
        unparsed,
        blank_lines: framer.blank_lines(),
        nul_bytes: framer.nul_bytes(),
        end_offset: chunk.end_offset,
        end_line: chunk.end_line,
        tail,
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
    /// The file on disk, if it may still grow (a plain file): its last
    /// record waits until it stops changing.
    pub growing: Option<Growth>,
    /// Its path (none for standard input).
    pub path: Option<PathBuf>,
}

/// A plain file as it was when opened, to tell whether it is still being written.
#[derive(Debug, Clone)]
pub struct Growth {
    /// Its path.
    pub path: PathBuf,
    /// Its size when opened.
    pub size: u64,
    /// Its modification time when opened.
    pub modified: Option<SystemTime>,
}

impl Growth {
    /// Whether the file, read to its end, is still being written: it changed
    /// since it was opened, or it changes within [`QUIET`] of its last
    /// modification. A file that can no longer be looked at is complete.
    pub fn still_growing(&self) -> bool {
        let stat = || {
            std::fs::metadata(&self.path)
                .ok()
                .map(|m| (m.len(), m.modified().ok()))
        };
        let Some(now) = stat() else {
            return false;
        };
        if now != (self.size, self.modified) {
            return true;
        }
        let age = self
            .modified
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .unwrap_or(QUIET);
        if age >= QUIET {
            return false;
        }
        std::thread::sleep(QUIET - age);
        stat() != Some(now)
    }
}

/// What reading one file came to.
#[derive(Debug, Default)]
pub struct FileRead {
    /// The read error that ended the stream early, if any.
    pub error: Option<std::io::Error>,
    /// What the panic of a chunk's parse said, if one did (a bug): the
    /// file was read up to that chunk.
    pub panicked: Option<String>,
    /// The last record was held back: the file is still being written.
    pub held: bool,
    /// NUL bytes skipped in this read.
    pub nul_bytes: u64,
}

/// Progress and totals of one ingest run.
pub struct Run<'a> {
    /// The index writer (none for a preview, which only gathers the signals).
    writer: Option<&'a mut IndexWriter<IndexDoc>>,
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
    /// After each commit, double `commit_bytes` up to this (an ingest that
    /// starts with small commits so a viewer sees the log at once).
    pub commit_bytes_max: u64,
    last_commit: Instant,
    bytes_since_commit: u64,
    /// The signals of what the index holds and what this run added, read
    /// when the run first adds something (a run with nothing new leaves
    /// them as they are).
    fine: Option<FineSignals>,
    /// The index written to.
    store: &'a Store,
    /// A preview's map of what it read, to read records again.
    pub map: Option<ChunkMap>,
}

/// Where a preview's records are, to read them again for the evidence
/// (see [`super::preview`]).
#[derive(Default)]
pub struct ChunkMap {
    /// The files read, by manifest entry.
    pub files: HashMap<usize, MappedFile>,
    /// Every block of records read, in reading order.
    pub chunks: Vec<MappedChunk>,
}

/// A file a preview read.
pub struct MappedFile {
    /// Its path.
    pub path: PathBuf,
    /// Plain (not compressed, not decoded): its offsets are the file's own.
    pub plain: bool,
    /// How it was parsed.
    pub ctx: FileContext,
    /// The time of records before any time (its modification time).
    pub fallback_ts: i64,
}

/// A block of records a preview read (up to [`MAP_BLOCK`], from a record's
/// first byte): where it is and what times its records have.
#[derive(Debug, Clone, Copy)]
pub struct MappedChunk {
    /// The file's manifest entry.
    pub entry: usize,
    /// Its first byte.
    pub offset: u64,
    /// Just past it.
    pub end_offset: u64,
    /// Its first line.
    pub first_line: u64,
    /// The file's last time before it (records without a time take it).
    pub last_ts: Option<i64>,
    /// The earliest and latest time of its records.
    pub times: (i64, i64),
}

/// Each record's time — its own, else its predecessor's, else (the leading
/// records of a file) the first time that follows in the chunk, else the
/// file's modification time — with its flags and whether it comes from
/// the logs; `last_ts` is the file's last time before the chunk, updated.
pub fn inherit_times(
    times: &[Option<(i64, TimeFlags)>],
    last_ts: &mut Option<i64>,
    fallback_ts: i64,
) -> Vec<(i64, TimeFlags, bool)> {
    let first_known = times.iter().flatten().next().map(|t| t.0);
    times
        .iter()
        .map(|time| match *time {
            Some((ts, flags)) => {
                *last_ts = Some(ts);
                (ts, flags, true)
            }
            None => match last_ts.or(first_known) {
                Some(ts) => (ts, TimeFlags::INHERITED, true),
                None => (fallback_ts, TimeFlags::INHERITED, false),
            },
        })
        .collect()
}

impl<'a> Run<'a> {
    /// Starts a run.
    pub fn new(
        writer: &'a mut IndexWriter<IndexDoc>,
        store: &'a Store,
        manifest: &'a mut Manifest,
        workers: &'a Workers,
    ) -> Run<'a> {
        Run::start(Some(writer), store, manifest, workers)
    }

    /// A preview run: the records are parsed into the signals and mapped,
    /// nothing is written (the manifest and the signals stay in memory).
    pub fn preview(store: &'a Store, manifest: &'a mut Manifest, workers: &'a Workers) -> Run<'a> {
        let mut run = Run::start(None, store, manifest, workers);
        run.commit_bytes = u64::MAX;
        run.commit_bytes_max = u64::MAX;
        run.map = Some(ChunkMap::default());
        run
    }

    fn start(
        writer: Option<&'a mut IndexWriter<IndexDoc>>,
        store: &'a Store,
        manifest: &'a mut Manifest,
        workers: &'a Workers,
    ) -> Run<'a> {
        Run {
            writer,
            feeder: BatchFeeder::new(MAX_BATCHES_IN_FLIGHT, store.failure.clone()),
            fields: &store.fields,
            manifest,
            workers,
            progress: Arc::new(AtomicU64::new(0)),
            added: 0,
            commit_bytes: COMMIT_BYTES,
            commit_bytes_max: COMMIT_BYTES,
            last_commit: Instant::now(),
            bytes_since_commit: 0,
            fine: None,
            store,
            map: None,
        }
    }

    /// The signals gathered (those of the index's last commit, plus this run's).
    pub fn take_signals(&mut self) -> Result<FineSignals> {
        match self.fine.take() {
            Some(f) => Ok(f),
            None => index::signals::open(self.store, self.manifest),
        }
    }

    /// Commits what was added so far with the manifest.
    /// The signals go first, to a file of their own the manifest names (an
    /// index whose manifest names none, or signals of an older layout, gets
    /// them rebuilt from its columns, even by a run with nothing new).
    pub fn commit(&mut self) -> Result<()> {
        let Some(writer) = self.writer.as_deref_mut() else {
            return Ok(());
        };
        if self.fine.is_none() && !index::signals::named(&self.store.dir, self.manifest) {
            self.fine = Some(index::signals::open(self.store, self.manifest)?);
        }
        let signals = match &self.fine {
            Some(fine) => {
                let signals = index::signals::save(self.store, fine)?;
                self.manifest.signals = Some(signals.clone());
                Some(signals)
            }
            None => None,
        };
        let committed = index::commit(writer, self.manifest, &self.store.dir);
        committed.map_err(|e| self.said(e))?;
        if let Some(signals) = &signals {
            index::signals::prune(&self.store.dir, signals);
        }
        self.last_commit = Instant::now();
        self.bytes_since_commit = 0;
        self.commit_bytes = self.commit_bytes.saturating_mul(2).clamp(
            self.commit_bytes,
            self.commit_bytes_max.max(self.commit_bytes),
        );
        Ok(())
    }

    /// Reads one file to its end (or its first read error) into the index.
    /// An error of the index (a full disk…) ends it promptly and is returned.
    pub fn ingest_file(&mut self, job: FileJob) -> Result<FileRead> {
        let FileJob {
            input,
            head,
            resume_offset,
            resume_line,
            ctx,
            entry,
            growing,
            path,
        } = job;
        let disk_counter = input.read_bytes.clone();
        let progress = self.progress.clone();
        let base_progress = progress.load(Ordering::Relaxed);
        let (reply_tx, reply_rx) = bounded::<Reply>(MAX_CHUNKS_IN_FLIGHT);
        // One ticket per chunk in flight: the reader takes one before it
        // sends a chunk, the writer gives it back once the chunk is indexed.
        let (ticket_tx, ticket_rx) = bounded::<()>(MAX_CHUNKS_IN_FLIGHT);
        for _ in 0..MAX_CHUNKS_IN_FLIGHT {
            ticket_tx.send(()).ok();
        }
        let jobs = self.workers.sender();
        let reader_ctx = ctx.clone();
        let mut last_ts = self.manifest.files[entry].last_ts;
        let fallback_ts = input
            .modified
            .unwrap_or_else(SystemTime::now)
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_micros() as i64)
            .unwrap_or(0);
        let error_slot = input.error.clone();
        let mut nul_bytes = 0u64;
        let mut panicked = None;
        if let (Some(map), Some(path)) = (&mut self.map, path) {
            map.files.insert(
                entry,
                MappedFile {
                    path,
                    plain: input.compression == super::input::Compression::None
                        && input.encoding.is_none(),
                    ctx: ctx.clone(),
                    fallback_ts,
                },
            );
        }

        let held = std::thread::scope(|scope| -> Result<bool> {
            let reader = scope.spawn(move || -> std::io::Result<bool> {
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
                let mut chunker = Chunker::new(&mut stream, format.as_ref(), CHUNK_SIZE)
                    .starting_at(resume_line, resume_offset)
                    .hold_tail(growing.is_some());
                let mut seq = 0u64;
                let mut send = |chunk: Chunk| -> bool {
                    // No ticket or no worker: the writer stopped.
                    if ticket_rx.recv().is_err() {
                        return false;
                    }
                    let job = Job {
                        seq,
                        chunk,
                        ctx: reader_ctx.clone(),
                        reply: reply_tx.clone(),
                    };
                    seq += 1;
                    jobs.send(job).is_ok()
                };
                while let Some(chunk) = chunker.next_chunk()? {
                    if !send(chunk) {
                        return Ok(false);
                    }
                }
                if !chunker.holds_tail() {
                    return Ok(false);
                }
                // A read error ends the stream where it is: keep what came.
                let failed = error_slot.lock().map(|e| e.is_some()).unwrap_or(true);
                if !failed && growing.as_ref().is_some_and(Growth::still_growing) {
                    return Ok(true);
                }
                if let Some(chunk) = chunker.finish() {
                    send(chunk);
                }
                Ok(false)
            });

            // The writer: chunks back in file order, into the index.
            let written = (|| -> Result<()> {
                let mut pending: BTreeMap<u64, Result<Parsed, String>> = BTreeMap::new();
                let mut next = 0u64;
                for reply in reply_rx.iter() {
                    pending.insert(reply.seq, reply.parsed);
                    debug_assert!(pending.len() <= MAX_CHUNKS_IN_FLIGHT);
                    while let Some(p) = pending.remove(&next) {
                        next += 1;
                        // The file stops before the chunk whose parse
                        // panicked; the reader stops below.
                        let p = match p {
                            Ok(p) => p,
                            Err(panic) => {
                                panicked = Some(panic);
                                return Ok(());
                            }
                        };
                        nul_bytes += p.nul_bytes;
                        self.add_parsed(p, entry, &ctx, &mut last_ts, fallback_ts)
                            .map_err(|e| self.said(e))?;
                        ticket_tx.send(()).ok();
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
                Ok(())
            })();
            // On an error, the reader and the workers must not wait for a
            // writer that is gone: closing these ends stops them.
            drop(reply_rx);
            drop(ticket_tx);
            let read = reader
                .join()
                .map_err(|_| anyhow::anyhow!("the reader thread panicked"))?;
            written?;
            read.with_context(|| format!("reading {}", ctx.file))
        })?;
        progress.store(
            base_progress + disk_counter.load(Ordering::Relaxed),
            Ordering::Relaxed,
        );
        let error = input_error(&input.error);
        let file = &mut self.manifest.files[entry];
        file.complete = error.is_none() && panicked.is_none() && !held;
        Ok(FileRead {
            error,
            panicked,
            held,
            nul_bytes,
        })
    }

    /// An error of the index, said by its cause when a write failed (tantivy
    /// reports a full disk in its indexing threads as an internal error).
    fn said(&self, e: anyhow::Error) -> anyhow::Error {
        match self.store.failure.get() {
            Some((kind, message)) => match index::explain_io(kind, &message, &self.store.dir) {
                Some(s) => anyhow::anyhow!(s),
                None => e.context(format!("writing to the index failed: {message}")),
            },
            None => e,
        }
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
            times,
            rows,
            templates,
            starts,
            unparsed,
            blank_lines,
            nul_bytes,
            end_offset,
            end_line,
            tail,
            ..
        } = p;
        let n_docs = rows.len() as u64;
        let last_before = *last_ts;
        let mut flagged = 0u64;
        let mut first_ts = None;
        let mut chunk_last = None;
        let mut batch = Vec::with_capacity(docs.len());
        // The signals of the last commit, before this run's first events
        // change the manifest's counts.
        let fine = match &mut self.fine {
            Some(f) => f,
            None => self
                .fine
                .insert(index::signals::open(self.store, self.manifest)?),
        };
        let source = fine.source(&ctx.source);
        let template_ids: Vec<u32> = templates
            .iter()
            .map(|t| fine.template_id(source, t))
            .collect();
        let mut docs = docs.into_iter();
        // A preview maps blocks of records: a lookup reads one again, not
        // the whole chunk. A block's inherited time is the file's last one
        // before it, else (none yet) the first the chunk holds, as above.
        let first_known = times.iter().flatten().next().map(|t| t.0);
        let mut blocks: Vec<MappedChunk> = Vec::new();
        let mut known = last_before;
        // `real`: the time comes from the logs (the record's own or a
        // neighbour's), not from the file's modification time.
        for (i, ((ts, flags, real), mut row)) in inherit_times(&times, last_ts, fallback_ts)
            .into_iter()
            .zip(rows)
            .enumerate()
        {
            if let (true, Some(&(offset, line))) = (i % MAP_BLOCK == 0, starts.get(i / MAP_BLOCK)) {
                if let Some(b) = blocks.last_mut() {
                    b.end_offset = offset;
                }
                blocks.push(MappedChunk {
                    entry,
                    offset,
                    end_offset,
                    first_line: line,
                    last_ts: known.or(first_known),
                    times: (ts, ts),
                });
            }
            if let Some(b) = blocks.last_mut() {
                b.times = (b.times.0.min(ts), b.times.1.max(ts));
            }
            if let Some(Some((own, _))) = times.get(i) {
                known = Some(*own);
            }
            if !flags.is_empty() {
                flagged += 1;
            }
            if let Some(mut doc) = docs.next() {
                if !flags.is_empty() {
                    doc.add_u64(self.fields.ts_flags, u64::from(flags.bits()));
                }
                doc.add_i64(self.fields.ts, ts);
                batch.push(doc);
            }
            row.ts = ts;
            row.template = row
                .template
                .and_then(|t| template_ids.get(t as usize).copied());
            fine.add(source, &row);
            // Only times read from the logs make the source's span.
            if real {
                first_ts = Some(first_ts.map_or(ts, |f: i64| f.min(ts)));
                chunk_last = Some(chunk_last.map_or(ts, |l: i64| l.max(ts)));
            }
        }
        self.added += n_docs;
        // One batch per chunk: the writer's threads take it whole, instead of
        // one channel message (and wake-up) per document.
        if let Some(writer) = self.writer.as_deref_mut() {
            self.feeder.send(writer, batch)?;
        }
        if let Some(map) = &mut self.map {
            map.chunks.extend(blocks);
        }
        let file: &mut FileEntry = &mut self.manifest.files[entry];
        file.events += n_docs;
        let bytes = end_offset.saturating_sub(file.offset);
        file.offset = end_offset;
        file.next_line = end_line;
        file.unparsed += unparsed;
        file.blank_lines += blank_lines;
        file.nul_bytes += nul_bytes;
        (file.tail_len, file.tail_hash) = tail.unwrap_or((0, 0));
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

fn input_error(slot: &std::sync::Mutex<Option<std::io::Error>>) -> Option<std::io::Error> {
    slot.lock().ok().and_then(|mut e| e.take())
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

/// Looks a file up in the manifest by its head and decides. `before(offset,
/// len)` reads the file's `len` bytes that end at `offset`: a file whose
/// head matches an entry's is that file only if the bytes before the
/// entry's offset match too (else it is another file that starts the same
/// way, and is read from its start).
pub fn plan_file(
    manifest: &mut Manifest,
    path: &str,
    source: &str,
    input: &Input,
    head: &[u8],
    before: &dyn Fn(u64, usize) -> std::io::Result<Vec<u8>>,
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
    let encoding = input.encoding.map(|e| e.name().to_string());
    let found = manifest.find(path, head).filter(|&i| {
        let e = &manifest.files[i];
        // A plain file shorter than what was read of it is another file.
        if input.compression.name().is_none()
            && e.compression.is_none()
            && encoding.is_none()
            && input.size != 0
            && input.size < e.offset
        {
            return false;
        }
        if e.offset <= e.fp_len as u64 || e.tail_len == 0 {
            return true;
        }
        match before(e.offset, e.tail_len) {
            Ok(bytes) => bytes.len() == e.tail_len && fingerprint(&bytes) == e.tail_hash,
            Err(_) => true,
        }
    });
    if let Some(i) = found {
        let e = &mut manifest.files[i];
        let unchanged = match (input.compression.name(), &encoding) {
            // A plain file is unchanged when its size is what was read.
            (None, None) => input.size != 0 && input.size == e.offset && e.compression.is_none(),
            // A compressed file cannot grow: the same one read to its end is
            // done; a decoded one is done if read to its end at this size.
            (c, _) => {
                e.complete
                    && e.compression.as_deref() == c
                    && e.encoding == encoding
                    && e.size == input.size
            }
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
        e.encoding = encoding;
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
        encoding,
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

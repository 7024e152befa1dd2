//! Feeding the tantivy writer in batches, with a bound on what waits.
//!
//! tantivy's [`IndexWriter::add_document`] sends every document alone over
//! its channel to the indexing threads: one message, and often one thread
//! wake-up, per event. [`IndexWriter::run`] sends a whole batch at once, but
//! the channel bounds the number of *batches*, not their size, so batches of
//! thousands of documents could pile up without limit while the indexing
//! threads lag behind the parsers. [`BatchFeeder`] keeps that in check: the
//! last document of each batch carries a token that tantivy drops once it has
//! indexed it, and [`BatchFeeder::send`] waits while too many batches are
//! still in flight — unless a write to the index folder failed (a full
//! disk): tantivy's indexing threads have then stopped and will not index
//! what waits, so the wait ends with that failure.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use anyhow::Result;
use tantivy::indexer::UserOperation;
use tantivy::schema::document::Document;
use tantivy::{IndexWriter, TantivyDocument};

use super::directory::WriteFailure;

/// The document type the ingest writes: a tantivy document, plus, on the
/// last one of a batch, the token that says the batch was indexed.
pub struct IndexDoc {
    doc: TantivyDocument,
    _done: Option<BatchToken>,
}

impl Document for IndexDoc {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }

    fn into_tantivy_document(self) -> TantivyDocument {
        self.doc
    }
}

/// The count of batches handed to tantivy and not yet indexed.
#[derive(Default)]
struct InFlight {
    batches: Mutex<usize>,
    indexed: Condvar,
}

/// Held by the last document of a batch; dropping it (when tantivy is done
/// with that document) counts the batch as indexed.
struct BatchToken(Arc<InFlight>);

impl Drop for BatchToken {
    fn drop(&mut self) {
        let mut n = self
            .0
            .batches
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *n = n.saturating_sub(1);
        self.0.indexed.notify_all();
    }
}

/// Sends batches of documents to an index writer, at most `max_in_flight`
/// of them waiting or being indexed at once.
pub struct BatchFeeder {
    in_flight: Arc<InFlight>,
    max_in_flight: usize,
    failure: WriteFailure,
}

impl BatchFeeder {
    /// A feeder that lets `max_in_flight` batches wait, and stops waiting
    /// when `failure` records a failed write.
    pub fn new(max_in_flight: usize, failure: WriteFailure) -> BatchFeeder {
        BatchFeeder {
            in_flight: Arc::default(),
            max_in_flight: max_in_flight.max(1),
            failure,
        }
    }

    /// The failed write that stopped the index writer, as an error.
    fn failed(&self) -> Option<anyhow::Error> {
        self.failure.get().map(|(kind, message)| {
            anyhow::Error::new(std::io::Error::new(kind, message))
                .context("writing to the index failed")
        })
    }

    /// Hands `docs` to the writer as one batch, first waiting until fewer
    /// than `max_in_flight` batches are pending.
    pub fn send(&self, writer: &IndexWriter<IndexDoc>, docs: Vec<TantivyDocument>) -> Result<()> {
        if docs.is_empty() {
            return Ok(());
        }
        {
            let mut n = self
                .in_flight
                .batches
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            while *n >= self.max_in_flight {
                if let Some(e) = self.failed() {
                    return Err(e);
                }
                n = self
                    .in_flight
                    .indexed
                    .wait_timeout(n, Duration::from_millis(100))
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .0;
            }
            *n += 1;
        }
        let last = docs.len() - 1;
        let ops: Vec<UserOperation<IndexDoc>> = docs
            .into_iter()
            .enumerate()
            .map(|(i, doc)| {
                let done = (i == last).then(|| BatchToken(self.in_flight.clone()));
                UserOperation::Add(IndexDoc { doc, _done: done })
            })
            .collect();
        // If the writer refuses the batch, the operations are dropped with
        // it, and so is the token. Its error says only that an indexing
        // thread stopped; the failed write says why.
        match writer.run(ops) {
            Ok(_) => Ok(()),
            Err(e) => Err(self.failed().unwrap_or_else(|| e.into())),
        }
    }
}

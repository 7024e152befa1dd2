//! The tantivy schema: which event fields are searchable, which are
//! columnar (fast) for the analysis, which are stored for display.
//!
//! Field names are what users type in queries (`status:502`,
//! `source:postgresql`, `level:error`, `request_id:abc`), so they match the
//! event model's names.
//!
//! Two kinds of searchable fields:
//! - **words** (`message`, `query`, and the `extra` JSON object) go to the
//!   inverted index: tokenized, with positions for phrases;
//! - **exact values** (`source`, `level`, `status`, `client`, `request_id`,
//!   `pid`…) are columns (fast fields) only. The analysis aggregates them,
//!   and `field:value` finds them by scanning the column
//!   ([`crate::index::search`] turns such terms into one-value ranges). Left
//!   out of the term dictionary, they cost the ingest far less: one
//!   high-cardinality field like `request_id` alone made a third of the
//!   dictionary-building time.

use tantivy::schema::{
    Field, IndexRecordOption, JsonObjectOptions, NumericOptions, Schema, TextFieldIndexing,
    TextOptions,
};

/// Bumped whenever the schema or the meaning of a field changes: an index
/// written with another version must be rebuilt.
pub const SCHEMA_VERSION: u32 = 5;

/// The tokenizer of the full-text fields (registered by [`register_tokenizers`]).
pub const WORDS_TOKENIZER: &str = "onset_words";

/// Registers the tokenizers the schema names; needed on every open.
pub fn register_tokenizers(index: &tantivy::Index) {
    use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
    let words = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(25))
        .filter(LowerCaser)
        .build();
    index.tokenizers().register(WORDS_TOKENIZER, words);
}

/// Handles of every field, resolved once.
#[derive(Clone, Debug)]
pub struct Fields {
    /// Event time, microseconds since the Unix epoch (UTC). Fast (time ranges
    /// are answered from the column) and stored; not in the term dictionary,
    /// where nearly every value would be a term of its own.
    pub ts: Field,
    /// [`onset_parsers::TimeFlags`] bits.
    pub ts_flags: Field,
    /// Source name (`access`, `postgresql`).
    pub source: Field,
    /// Name of the format that read the record (stored: display reads the
    /// raw record again with it).
    pub format: Field,
    /// Source kind (`load-balancer`, `app`, `database`, `system`).
    pub kind: Field,
    /// Normalized level.
    pub level: Field,
    /// Message text, tokenized for full-text search.
    pub message: Field,
    /// The raw record as read.
    pub raw: Field,
    /// File the record came from.
    pub file: Field,
    /// Line number of the record's first line.
    pub line: Field,
    /// Byte offset of the record in the (decompressed) file.
    pub offset: Field,
    /// 1 when no format could read the record.
    pub unparsed: Field,
    /// HTTP status.
    pub status: Field,
    /// Request duration, seconds.
    pub duration: Field,
    /// Upstream duration, seconds.
    pub upstream_duration: Field,
    /// Response bytes.
    pub bytes: Field,
    /// Client address.
    pub client: Field,
    /// HTTP method.
    pub method: Field,
    /// Request path.
    pub path: Field,
    /// Request id.
    pub request_id: Field,
    /// Upstream / backend.
    pub upstream: Field,
    /// Process id.
    pub pid: Field,
    /// Session / thread / connection id.
    pub session: Field,
    /// Logger or program.
    pub logger: Field,
    /// Database user.
    pub user: Field,
    /// Database name.
    pub database: Field,
    /// SQL statement.
    pub query: Field,
    /// Statement time, seconds.
    pub query_time: Field,
    /// Lock time, seconds.
    pub lock_time: Field,
    /// Rows sent.
    pub rows_sent: Field,
    /// Rows examined.
    pub rows_examined: Field,
    /// Error / termination code.
    pub code: Field,
    /// Any other key/value of the event.
    pub extra: Field,
    /// The message with its variable parts masked (`connection from <ip>`):
    /// a fast column the analysis counts per time bucket.
    pub template: Field,
}

/// Builds the schema and the field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Stored: only the time, the raw record and where it came from; the
    // rest is read again from the raw record for display.
    let num_fast_stored = NumericOptions::default().set_fast().set_stored();
    let num_fast = NumericOptions::default().set_fast();
    let stored_only_num = NumericOptions::default().set_stored();
    // Exact values: a column (raw, not normalized).
    let keyword = TextOptions::default().set_fast("raw");
    let raw_text = TextOptions::default().set_stored();
    let stored_text = TextOptions::default().set_stored();
    // Full text: words, lower-cased; tokens longer than 24 bytes (request
    // ids, hashes) are left out — each would be a term of its own, and ids
    // have their own fields.
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(WORDS_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let extra = JsonObjectOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic),
    );
    let fields = Fields {
        ts: b.add_i64_field("ts", num_fast_stored.clone()),
        ts_flags: b.add_u64_field("ts_flags", stored_only_num.clone()),
        source: b.add_text_field("source", keyword.clone().set_stored()),
        format: b.add_text_field("format", stored_text.clone()),
        kind: b.add_text_field("kind", keyword.clone()),
        level: b.add_text_field("level", keyword.clone()),
        message: b.add_text_field("message", words.clone()),
        raw: b.add_text_field("raw", raw_text),
        file: b.add_text_field("file", stored_text),
        line: b.add_u64_field("line", stored_only_num.clone()),
        // A column too: records of one time are taken in file order.
        offset: b.add_u64_field("offset", num_fast_stored),
        unparsed: b.add_u64_field("unparsed", num_fast.clone()),
        status: b.add_u64_field("status", num_fast.clone()),
        duration: b.add_f64_field("duration", num_fast.clone()),
        upstream_duration: b.add_f64_field("upstream_duration", num_fast.clone()),
        bytes: b.add_u64_field("bytes", num_fast.clone()),
        client: b.add_text_field("client", keyword.clone()),
        method: b.add_text_field("method", keyword.clone()),
        path: b.add_text_field("path", keyword.clone()),
        request_id: b.add_text_field("request_id", keyword.clone()),
        upstream: b.add_text_field("upstream", keyword.clone()),
        pid: b.add_u64_field("pid", num_fast.clone()),
        session: b.add_text_field("session", keyword.clone()),
        logger: b.add_text_field("logger", keyword.clone()),
        user: b.add_text_field("user", keyword.clone()),
        database: b.add_text_field("database", keyword.clone()),
        query: b.add_text_field("query", words),
        query_time: b.add_f64_field("query_time", num_fast.clone()),
        lock_time: b.add_f64_field("lock_time", num_fast.clone()),
        rows_sent: b.add_u64_field("rows_sent", num_fast.clone()),
        rows_examined: b.add_u64_field("rows_examined", num_fast),
        code: b.add_text_field("code", keyword.clone()),
        extra: b.add_json_field("extra", extra),
        template: b.add_text_field("template", keyword),
    };
    (b.build(), fields)
}

impl Fields {
    /// Resolves the handles from an existing index's schema.
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let (expected, fields) = build();
        for (field, entry) in expected.fields() {
            let found = schema.get_field(entry.name()).map_err(|_| {
                tantivy::TantivyError::SchemaError(format!("missing field `{}`", entry.name()))
            })?;
            if found != field {
                return Err(tantivy::TantivyError::SchemaError(format!(
                    "field `{}` is at another position",
                    entry.name()
                )));
            }
        }
        Ok(fields)
    }
}

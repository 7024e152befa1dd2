//! The story: the incident's key moments, concise enough to read in one
//! screen — what the TUI's story view and the export's timeline show.
//!
//! It is a grouping of the model's timeline items, its episodes and the
//! user's annotations, nothing recomputed: the first divergence and its
//! likely cause are singled out; every episode that came back before users
//! were hurt is one row, labelled as the misleading path it was (a scanner
//! burst moves a dozen signals at once: one row); the lines one start-up
//! writes are one change; repeated onsets of one signal are one row; bursts
//! of new templates of one source (a scanner's forty probe paths) are one
//! row with a count.

use super::annotations::Annotation;
use super::{Incident, ItemKind, Refers};

/// What a story row tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beat {
    /// The change that likely caused the first divergence.
    Cause,
    /// Another change.
    Change,
    /// The first divergence.
    FirstDivergence,
    /// A lasting onset that is not the first divergence.
    Onset,
    /// An onset that came back before users were hurt: a misleading path.
    Transient,
    /// A rise of an error rate.
    ErrorBurst,
    /// New message templates (one, or a burst of them).
    NewTemplates,
    /// Users first hurt.
    ImpactStart,
    /// Users no longer hurt.
    ImpactEnd,
    /// The user's annotation.
    Annotation,
}

/// One row of the story.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// When, µs.
    pub ts: i64,
    /// What it tells.
    pub beat: Beat,
    /// The source (empty for an annotation of a moment).
    pub source: String,
    /// The timeline items it stands for (indices into [`Incident::timeline`]).
    pub items: Vec<usize>,
    /// For a misleading path: the divergences of its episode (indices
    /// into [`Incident::divergences`]).
    pub divergences: Vec<usize>,
    /// The annotation it shows (index into the annotations given).
    pub annotation: Option<usize>,
}

/// New templates of one source whose first sights follow each other this
/// closely (or within two buckets, if wider) are one burst.
const BURST_GAP: i64 = 30_000_000;

/// Change lines of one source and kind this close together are one change
/// (the lines one start-up writes).
const CHANGE_BURST: i64 = 2_000_000;

/// The story of `incident` with the user's `annotations`, in time order.
pub fn story(incident: &Incident, annotations: &[Annotation]) -> Vec<Row> {
    let first_div = incident.first.as_ref().and_then(|f| {
        incident
            .divergences
            .iter()
            .position(|d| d.signal == f.divergence.signal && d.onset == f.divergence.onset)
    });
    let cause = incident.first.as_ref().and_then(|f| f.change.as_ref());
    let gap = BURST_GAP.max(2 * incident.grid.width);
    let mut rows: Vec<Row> = Vec::new();
    let lead = |item: &super::TimelineItem| match &item.refers {
        Refers::Divergences(ds) => ds.first().map(|&d| incident.divergences[d].signal.as_str()),
        _ => None,
    };
    for (i, item) in incident.timeline.iter().enumerate() {
        let beat = match (&item.kind, &item.refers) {
            (ItemKind::Change, Refers::Change(c)) => {
                let change = &incident.changes[*c];
                if cause.is_some_and(|k| k.time == change.time && k.source == change.source) {
                    Beat::Cause
                } else {
                    Beat::Change
                }
            }
            (ItemKind::Onset | ItemKind::ErrorBurst, Refers::Divergences(ds)) => {
                if ds.iter().any(|d| Some(*d) == first_div) {
                    Beat::FirstDivergence
                } else if ds
                    .first()
                    .is_some_and(|&d| incident.divergences[d].transient)
                {
                    // Told with its whole episode below.
                    continue;
                } else if item.kind == ItemKind::ErrorBurst {
                    Beat::ErrorBurst
                } else {
                    Beat::Onset
                }
            }
            (ItemKind::NewTemplate, _) => Beat::NewTemplates,
            (ItemKind::ImpactStart, _) => Beat::ImpactStart,
            (ItemKind::ImpactEnd, _) => Beat::ImpactEnd,
            _ => Beat::Change,
        };
        let timeline = &incident.timeline;
        let joins = |r: &Row| -> bool {
            if r.beat != beat || r.source != item.source {
                return false;
            }
            let last = r.items.last().map_or(i64::MIN, |&l| timeline[l].ts);
            match beat {
                Beat::NewTemplates => item.ts - last <= gap,
                Beat::Change => match (&item.refers, &timeline[r.items[0]].refers) {
                    (Refers::Change(a), Refers::Change(b)) => {
                        incident.changes[*a].kind == incident.changes[*b].kind
                            && item.ts - last <= CHANGE_BURST
                    }
                    _ => false,
                },
                // Another episode of a signal already told.
                Beat::Onset | Beat::ErrorBurst => lead(&timeline[r.items[0]]) == lead(item),
                _ => false,
            }
        };
        if let Some(r) = rows.iter_mut().rev().find(|r| joins(r)) {
            r.items.push(i);
            continue;
        }
        rows.push(Row {
            ts: item.ts,
            beat,
            source: item.source.clone(),
            items: vec![i],
            divergences: Vec::new(),
            annotation: None,
        });
    }
    // Episodes that came back before users were hurt: the misleading
    // paths. Those that overlap in time (a scanner moves a dozen signals
    // at once) or move the same signal again (a source that blips at every
    // restart) are one row.
    let mut misleading: Vec<(i64, i64, Vec<usize>)> = Vec::new();
    let mut transient: Vec<&Vec<usize>> = incident
        .episodes
        .iter()
        .filter(|e| e.iter().all(|&d| incident.divergences[d].transient))
        .filter(|e| !e.iter().any(|d| Some(*d) == first_div))
        .collect();
    transient.sort_by_key(|e| e.iter().map(|&d| incident.divergences[d].onset).min());
    for episode in transient {
        let ds = || episode.iter().map(|&d| &incident.divergences[d]);
        let start = ds().map(|d| d.onset).min().unwrap_or(0);
        let end = ds().filter_map(|d| d.end).max().unwrap_or(start);
        let same_signal = |group: &[usize]| {
            group
                .iter()
                .any(|&g| ds().any(|d| d.signal == incident.divergences[g].signal))
        };
        let joined = misleading
            .iter_mut()
            .find(|(a, b, group)| (start <= *b + gap && end + gap >= *a) || same_signal(group));
        match joined {
            Some((a, b, group)) => {
                *a = (*a).min(start);
                *b = (*b).max(end);
                group.extend(episode.iter().copied());
            }
            None => misleading.push((start, end, episode.clone())),
        }
    }
    for (start, _, group) in misleading {
        let mut sources: Vec<&str> = group
            .iter()
            .map(|&d| incident.divergences[d].source.as_str())
            .collect();
        sources.sort_unstable();
        sources.dedup();
        rows.push(Row {
            ts: start,
            beat: Beat::Transient,
            source: sources.join(","),
            items: Vec::new(),
            divergences: group,
            annotation: None,
        });
    }
    for (k, a) in annotations.iter().enumerate() {
        rows.push(Row {
            ts: a.ts,
            beat: Beat::Annotation,
            source: a
                .record
                .as_ref()
                .map(|r| r.source.clone())
                .unwrap_or_default(),
            items: Vec::new(),
            divergences: Vec::new(),
            annotation: Some(k),
        });
    }
    rows.sort_by_key(|r| r.ts);
    rows
}

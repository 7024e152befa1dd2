//! The worker: index reads, ingest and analysis off the UI task. It takes
//! [`Request`]s and answers with [`Action`]s over a channel; a newer page or
//! search request supersedes the ones still waiting, so a burst of keys
//! costs one query, not a queue of them.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError};

use tokio::sync::mpsc::UnboundedSender;

use super::app::{Action, Anchor, Loaded, Request, PAGE};
use super::browse::Browser;
use crate::incident::annotations;

/// Serves requests until the UI hangs up.
pub fn serve(mut browser: Browser, requests: Receiver<Request>, replies: UnboundedSender<Action>) {
    while let Ok(first) = requests.recv() {
        // Keep only the newest of the page/search requests waiting.
        let mut batch = vec![first];
        loop {
            match requests.try_recv() {
                Ok(r) => batch.push(r),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => return,
            }
        }
        let newest = batch
            .iter()
            .rposition(|r| matches!(r, Request::Page { .. } | Request::Find { .. }));
        let newest_trace = batch.iter().rposition(|r| matches!(r, Request::Trace(_)));
        for (i, r) in batch.into_iter().enumerate() {
            let superseded = match r {
                Request::Page { .. } | Request::Find { .. } => Some(i) != newest,
                Request::Trace(_) => Some(i) != newest_trace,
                Request::Save(_) => false,
            };
            if superseded {
                continue;
            }
            // A panic (a bug) is said in the status line; the worker goes on.
            let answer = crate::ingest::pipeline::caught(|| handle(&mut browser, r))
                .unwrap_or_else(|panic| Action::Message(super::internal_error(&panic)));
            if replies.send(answer).is_err() {
                return;
            }
        }
    }
}

/// Answers one request.
pub fn handle(browser: &mut Browser, r: Request) -> Action {
    let failed = |e: anyhow::Error| Action::Message(format!("{e:#}"));
    match r {
        Request::Page {
            generation,
            anchor,
            filter,
        } => {
            // See commits that landed since (an ingest in progress).
            let _ = browser.reload();
            let events = match &anchor {
                Anchor::At(ts, _) => browser.around(&filter, *ts, PAGE / 3, PAGE),
                Anchor::After(k) => browser.next_page(&filter, *k, true, PAGE),
                Anchor::Before(k) => browser.next_page(&filter, *k, false, PAGE),
            };
            match events {
                Ok(events) => Action::Loaded(Loaded {
                    generation,
                    anchor,
                    events,
                }),
                Err(e) => failed(e),
            }
        }
        Request::Find {
            generation,
            query,
            from,
            forward,
            filter,
        } => match browser.find(&filter, &query, from, forward) {
            Ok(hit) => Action::Found(generation, hit),
            Err(e) => failed(e),
        },
        Request::Trace(id) => match browser.trace(&id, 200) {
            Ok(events) => Action::Traced(id, events),
            Err(e) => failed(e),
        },
        Request::Save(list) => {
            let dir: PathBuf = browser.store().dir.clone();
            match annotations::save(&dir, &list) {
                Ok(()) => Action::Message(match list.len() {
                    1 => "1 annotation saved".to_string(),
                    n => format!("{n} annotations saved"),
                }),
                Err(e) => failed(e),
            }
        }
    }
}

//! The store on a thread of its own, with its own runtime, reached from synchronous
//! code one call at a time: the watcher and the CloudTrail sinks call it from inside
//! their sources' handlers, themselves inside a runtime (or from a plain loop).
use std::sync::mpsc;
use std::thread::JoinHandle;

use anyhow::Context;
use kensa_store::{Location, Store};

/// A store call's future, owning what it needs.
pub type StoreFuture<T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = kensa_store::Result<T>> + Send>>;

type Job = Box<dyn FnOnce(&tokio::runtime::Runtime, &Store) + Send>;

/// The store, reached from synchronous code one call at a time.
pub struct StoreThread {
    tx: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
    /// The store, for messages (a URL without its password).
    pub shown: String,
}

impl StoreThread {
    /// Opens the store on a new thread; an error when it cannot be opened.
    pub fn open(location: Location) -> anyhow::Result<StoreThread> {
        let (tx, rx) = mpsc::channel::<Job>();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), String>>();
        let shown = location.display();
        let thread = std::thread::spawn(move || {
            let opened = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
                .and_then(|rt| match rt.block_on(Store::open(&location)) {
                    Ok(store) => Ok((rt, store)),
                    Err(e) => Err(e.to_string()),
                });
            let (rt, store) = match opened {
                Ok(pair) => pair,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            let _ = ready_tx.send(Ok(()));
            for job in rx {
                job(&rt, &store);
            }
            rt.block_on(store.close());
        });
        ready_rx
            .recv()
            .context("the store thread ended")?
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("cannot open the store {shown}"))?;
        Ok(StoreThread {
            tx: Some(tx),
            thread: Some(thread),
            shown,
        })
    }

    /// Runs `f` against the store and waits for its result.
    pub fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(Store) -> StoreFuture<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let (reply_tx, reply_rx) = mpsc::channel();
        let job: Job = Box::new(move |rt, store| {
            let _ = reply_tx.send(rt.block_on(f(store.clone())));
        });
        let gone = || anyhow::anyhow!("the store thread of {} ended", self.shown);
        self.tx
            .as_ref()
            .ok_or_else(gone)?
            .send(job)
            .map_err(|_| gone())?;
        Ok(reply_rx.recv().map_err(|_| gone())??)
    }
}

impl Drop for StoreThread {
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

//! Read caches for what many read and few change: the task list, the unit
//! directory, the office dashboard and the public progress pages. Each value
//! remembers the stamp it was built at — the ledger versions the database
//! bumps on every change (migration 0010), and the day where lights depend on
//! it — so a change made anywhere, by any server process, is seen on the
//! next request. One build at a time: a burst of requests after a change
//! waits for one build instead of each making its own.
//!
//! A value that takes long to build (a province's dashboard counts two
//! million obligations) is not rebuilt while people wait: once stale it is
//! still served, marked with the time it was counted, while one rebuild runs
//! in the background — at most one in every five build-times, so that a
//! deadline day's stream of reports is not slowed by recounting after each.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
// Tokio's clock, so the tests can run it paused and advance it themselves.
use tokio::time::Instant;

/// Builds that take at least this long are refreshed in the background.
const SLOW: Duration = Duration::from_millis(200);

pub struct Cache<S, V> {
    inner: Arc<Inner<S, V>>,
}

struct Inner<S, V> {
    slots: Mutex<HashMap<i64, Slot<S, V>>>,
    building: tokio::sync::Mutex<()>,
}

struct Slot<S, V> {
    stamp: S,
    value: Arc<V>,
    started: Instant,
    took: Duration,
    refreshing: bool,
}

impl<S, V> Default for Cache<S, V> {
    fn default() -> Self {
        Cache { inner: Arc::new(Inner { slots: Mutex::default(), building: tokio::sync::Mutex::default() }) }
    }
}

impl<S, V> Cache<S, V>
where
    S: PartialEq + Send + 'static,
    V: Send + Sync + 'static,
{
    /// The value for `key` built at `stamp`, building it if what is held was
    /// built at another stamp — or, for a slow build, the held value while
    /// a background build catches up.
    pub async fn get<E, F, Fut>(&self, key: i64, stamp: S, build: F) -> Result<Arc<V>, E>
    where
        E: std::fmt::Debug + Send + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>> + Send + 'static,
    {
        let (stamp, build) = match self.held(key, stamp, build) {
            Ok(value) => return Ok(value),
            Err(not_held) => not_held,
        };
        let _one_at_a_time = self.inner.building.lock().await;
        if let Some(slot) = self.inner.lock().get(&key)
            && slot.stamp == stamp
        {
            return Ok(slot.value.clone());
        }
        let started = Instant::now();
        let value = Arc::new(build().await?);
        let slot = Slot { stamp, value: value.clone(), started, took: started.elapsed(), refreshing: false };
        self.inner.lock().insert(key, slot);
        Ok(value)
    }

    /// What is held for `key`, if it may be served now: built at `stamp`, or
    /// slow to build (then a background build starts, if none runs and the
    /// last one started five build-times ago). Otherwise the stamp and the
    /// build come back for building now.
    fn held<E, F, Fut>(&self, key: i64, stamp: S, build: F) -> Result<Arc<V>, (S, F)>
    where
        E: std::fmt::Debug + Send + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>> + Send + 'static,
    {
        let mut slots = self.inner.lock();
        let Some(slot) = slots.get_mut(&key) else { return Err((stamp, build)) };
        if slot.stamp == stamp {
            return Ok(slot.value.clone());
        }
        if slot.took < SLOW {
            return Err((stamp, build));
        }
        if !slot.refreshing && slot.started.elapsed() >= slot.took * 5 {
            slot.refreshing = true;
            let future = build();
            let inner = self.inner.clone();
            tokio::spawn(async move {
                let started = Instant::now();
                let built = future.await;
                let mut slots = inner.lock();
                match built {
                    Ok(value) => {
                        let value = Arc::new(value);
                        slots.insert(key, Slot { stamp, value, started, took: started.elapsed(), refreshing: false });
                    }
                    Err(error) => {
                        tracing::warn!(?error, "rebuilding a cached page failed; the last one is still served");
                        if let Some(slot) = slots.get_mut(&key) {
                            slot.refreshing = false;
                        }
                    }
                }
            });
        }
        Ok(slot.value.clone())
    }
}

impl<S, V> Inner<S, V> {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Slot<S, V>>> {
        // Every change to the map is one insert: a panic elsewhere leaves it whole.
        self.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn counted(built: &Arc<AtomicU32>, text: &'static str) -> impl FnOnce() -> std::future::Ready<Result<String, ()>> {
        let built = built.clone();
        move || {
            built.fetch_add(1, Ordering::SeqCst);
            std::future::ready(Ok(text.to_string()))
        }
    }

    #[tokio::test]
    async fn a_new_stamp_builds_again_and_the_same_stamp_does_not() {
        let cache: Cache<u32, String> = Cache::default();
        let built = Arc::new(AtomicU32::new(0));
        assert_eq!(*cache.get(1, 7, counted(&built, "first")).await.unwrap(), "first");
        assert_eq!(*cache.get(1, 7, counted(&built, "second")).await.unwrap(), "first");
        assert_eq!(*cache.get(1, 8, counted(&built, "third")).await.unwrap(), "third");
        assert_eq!(*cache.get(2, 8, counted(&built, "other key")).await.unwrap(), "other key");
        assert_eq!(built.load(Ordering::SeqCst), 3, "built on a miss only");
        let failed: Result<_, &str> = cache.get(3, 1, || async { Err("broken") }).await;
        assert!(failed.is_err());
        let later = cache.get(3, 1, || async { Ok::<_, ()>("later".to_string()) }).await.unwrap();
        assert_eq!(*later, "later", "a failed build is not kept");
    }

    // The clock is paused: each sleep moves it exactly, so no step depends on
    // how fast the machine is.
    #[tokio::test(start_paused = true)]
    async fn a_slow_value_is_served_while_it_is_rebuilt_in_the_background() {
        let cache: Cache<u32, String> = Cache::default();
        let slow = |text: &'static str| {
            move || async move {
                tokio::time::sleep(SLOW + Duration::from_millis(20)).await;
                Ok::<_, ()>(text.to_string())
            }
        };
        assert_eq!(*cache.get(1, 1, slow("counted at 1")).await.unwrap(), "counted at 1");
        // Right after a slow build: the old value, and no rebuild yet.
        assert_eq!(*cache.get(1, 2, slow("counted at 2")).await.unwrap(), "counted at 1");
        tokio::time::sleep(SLOW * 6).await;
        // Five build-times later: still the old value, now with a rebuild running…
        assert_eq!(*cache.get(1, 2, slow("counted at 2")).await.unwrap(), "counted at 1");
        tokio::time::sleep(SLOW * 2).await;
        // …whose value is served once it is done.
        assert_eq!(*cache.get(1, 2, slow("not built")).await.unwrap(), "counted at 2");
    }
}

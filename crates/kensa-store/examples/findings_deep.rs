//! Benchmark (not a test): the cost of a deep page of findings in list order, by offset
//! and by cursor, over a store filled by `findings_bench`. Prints p50 and max of each.
//!
//! ```sh
//! cargo run --release -p kensa-store --example findings_bench -- /tmp/bench.db 1000000 1
//! cargo run --release -p kensa-store --example findings_deep -- /tmp/bench.db 90000 900000
//! ```
use std::time::Instant;

use kensa_store::{FindingCursor, FindingFilter, Location, Store};

const REPEAT: usize = 7;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let location = Location::parse(&args.next().ok_or("usage: findings_deep STORE DEPTH...")?);
    let depths: Vec<i64> = args.map(|s| s.parse()).collect::<Result<_, _>>()?;
    let store = Store::open(&location).await?;
    for depth in depths {
        let page = |offset: i64| FindingFilter {
            limit: 100,
            offset,
            ..FindingFilter::default()
        };
        let by_offset =
            time(|| async { store.findings(&page(depth)).await.map(|p| p.len()) }).await?;
        // The cursor of the finding just before `depth`, as the previous page hands out.
        let before = FindingFilter {
            limit: 1,
            ..page(depth - 1)
        };
        let last = store.findings(&before).await?;
        let cursor = last.first().map(FindingCursor::after);
        let expected = store.findings(&page(depth)).await?;
        let got = store.findings_after(&page(0), cursor.as_ref()).await?;
        assert_eq!(
            got.iter().map(|f| &f.finding.id).collect::<Vec<_>>(),
            expected.iter().map(|f| &f.finding.id).collect::<Vec<_>>(),
            "cursor and offset pages differ at depth {depth}"
        );
        let by_cursor = time(|| async {
            store
                .findings_after(&page(0), cursor.as_ref())
                .await
                .map(|p| p.len())
        })
        .await?;
        println!(
            "{:?}: page of 100 at depth {depth}: offset p50 {:.1} ms (max {:.1}), cursor p50 {:.2} ms (max {:.2})",
            store.backend(),
            by_offset.0,
            by_offset.1,
            by_cursor.0,
            by_cursor.1
        );
    }
    Ok(())
}

/// p50 and max in milliseconds of `REPEAT` calls.
async fn time<F, Fut>(call: F) -> Result<(f64, f64), kensa_store::StoreError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<usize, kensa_store::StoreError>>,
{
    let mut ms = Vec::with_capacity(REPEAT);
    for _ in 0..REPEAT {
        let t = Instant::now();
        call().await?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    Ok((ms[REPEAT / 2], ms[REPEAT - 1]))
}
